"""The entrance QR's deep link: the event's code and the six-digit code announced in the room.
The event's code alone is public (it is in the registration link), so it cannot be enough to
be marked present from home."""

from __future__ import annotations

from bot.deeplinks import DeepLink, LinkKind
from bot.events.model import Event

SECRET_SEPARATOR = "-"


def checkin_link(event: Event) -> DeepLink:
    return DeepLink(LinkKind.CHECKIN, f"{event.code}{SECRET_SEPARATOR}{event.checkin_code}")


def read_checkin_link(link: DeepLink) -> tuple[str, str] | None:
    """(event code, room code), or None for a link that is not an entrance QR's."""
    event_code, separator, secret = link.code.rpartition(SECRET_SEPARATOR)
    return (event_code, secret) if separator else None


def opens(event: Event | None, secret: str) -> bool:
    """The room code matches the event's: the person is at the door."""
    return event is not None and bool(event.checkin_code) and secret == event.checkin_code
