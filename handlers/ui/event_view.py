"""How an event reads to a participant: list lines, the card, registration statuses (the
coordinator's event screen shares the time and place lines)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import format_local, local
from bot.events.model import Event, EventStatus
from bot.reference import Reference
from bot.registration.rules import RegistrationStatus, seats_left
from bot.texts import Html, Translator


def when(event: Event, tz: ZoneInfo) -> str:
    start, end = local(event.starts_at, tz), local(event.ends_at, tz)
    if start.date() == end.date():
        return f"{format_local(event.starts_at, tz)}–{end:%H:%M}"
    return f"{format_local(event.starts_at, tz)} – {format_local(event.ends_at, tz)}"


def seats_line(event: Event, taken: int, t: Translator) -> str:
    left = seats_left(event.capacity, taken)
    if event.by_application:
        return t("cat.by_application")
    if left is None:
        return t("cat.unlimited")
    if left == 0:
        return t("cat.waitlist")
    return t.plural("cat.seats_left", left)


def list_entry(
    number: int, event: Event, taken: int, t: Translator, tz: ZoneInfo, reference: Reference
) -> str:
    district = reference.districts.label(event.district, t.language) if event.district else ""
    place = ", ".join(part for part in (event.place, district) if part)
    return t(
        "cat.entry",
        n=number,
        title=event.title(t.language),
        type=t(f"evtype.{event.type.value}"),
        when=when(event, tz),
        place=place,
        seats=Html(seats_line(event, taken, t)),
    )


def where_lines(event: Event, t: Translator, reference: Reference) -> list[str]:
    """The place and district lines of a card (the participant's and the coordinator's), for
    what the event has."""
    lines = []
    if event.place:
        lines.append(t("card.place", place=event.place))
    if event.district:
        district = reference.districts.label(event.district, t.language)
        lines.append(t("card.district", district=district))
    return lines


def status_text(status: RegistrationStatus, t: Translator, position: int | None = None) -> str:
    if status is RegistrationStatus.WAITLISTED and position:
        return t("status.waitlisted_at", n=position)
    return t(f"status.{status.value}")


def card(
    event: Event,
    taken: int,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
    mine: str | None,
) -> str:
    """The event card; `mine` is the reader's registration status already in words."""
    parts = [
        t("card.head", title=event.title(t.language), type=t(f"evtype.{event.type.value}")),
        t("card.when", when=when(event, tz)),
    ]
    parts += where_lines(event, t, reference)
    if event.status is EventStatus.CANCELLED:
        parts.append(t("card.cancelled"))
    elif event.registration_open(now):
        parts.append(seats_line(event, taken, t))
        if event.registration_deadline:
            parts.append(t("card.deadline", deadline=format_local(event.registration_deadline, tz)))
    else:
        parts.append(t("card.closed"))
    description = event.description(t.language)
    if description:
        parts.append("\n" + t("card.description", text=description))
    if mine:
        parts.append("\n" + t("card.mine", status=mine))
    return "\n".join(parts)
