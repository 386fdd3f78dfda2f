"""How an event reads to a participant: list lines, the card, registration statuses (the
coordinator's event screen shares the time and place lines)."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import format_local, local
from bot.events.model import Event, EventStatus
from bot.platform.telegram_text import MESSAGE_LIMIT, utf16_len
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
    tail = ["\n" + t("card.mine", status=mine)] if mine else []
    description = event.description(t.language)
    if description:
        # What the rest of the card leaves, measured as sent (escaped), with room for the
        # blank line before the description.
        room = MESSAGE_LIMIT - utf16_len("\n".join(parts + tail)) - 2
        text = clip_words(description, room - utf16_len(t("card.description", text="")))
        if text:
            parts.append("\n" + t("card.description", text=text))
    return "\n".join(parts + tail)


def clip_words(text: str, room: int, ellipsis: str = "…") -> str:
    """Plain `text` shortened at a word boundary so that, HTML-escaped, it takes at most
    `room` UTF-16 units (escaping happens later, so no &entity; is ever cut); empty when
    not even one word fits."""
    if utf16_len(html.escape(text, quote=False)) <= room:
        return text
    budget = room - utf16_len(ellipsis)
    kept: list[str] = []
    used = 0
    for word in text.split(" "):
        size = utf16_len(html.escape(word, quote=False)) + (1 if kept else 0)
        if used + size > budget:
            break
        kept.append(word)
        used += size
    return " ".join(kept).rstrip() + ellipsis if kept else ""
