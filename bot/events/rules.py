"""Rules for changing an event. Plain values in, plain values out."""

from __future__ import annotations

from datetime import datetime

from bot.events.model import Event


def end_when_moved(event: Event, starts_at: datetime) -> datetime:
    """Moving the start keeps the length of the event."""
    return starts_at + (event.ends_at - event.starts_at)


def deadline_when_moved(event: Event, starts_at: datetime) -> datetime | None:
    """A registration deadline at or after the new start goes: registration simply runs to
    the start."""
    deadline = event.registration_deadline
    return None if deadline is not None and deadline >= starts_at else deadline


# Changes participants are told about: when and where.
TOLD_FIELDS = frozenset({"starts_at", "ends_at", "place"})
