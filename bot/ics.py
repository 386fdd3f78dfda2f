"""An iCalendar (RFC 5545) file for one event, so a confirmed seat lands in the phone's calendar.

Times are written in UTC ("Z"), which every calendar converts to the phone's own zone; the
format is small enough that a dependency would not earn its place.
"""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_db
from bot.events.model import Event

_LINE_LIMIT = 75  # octets per line before folding


def _stamp(moment: datetime) -> str:
    return to_db(moment).replace("-", "").replace(":", "").replace(" ", "T") + "Z"


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): a line break of any kind becomes \\n, and control
    characters, which TEXT may not hold, go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        char for char in text if char in "\n\t" or (ord(char) >= 0x20 and char != "\x7f")
    )
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets without cutting a character."""
    chunks: list[str] = []
    current = ""
    for char in line:
        limit = _LINE_LIMIT if not chunks else _LINE_LIMIT - 1
        if len((current + char).encode()) > limit:
            chunks.append(current)
            current = char
        else:
            current += char
    chunks.append(current)
    return [chunks[0], *(" " + chunk for chunk in chunks[1:])]


def event_calendar(
    event: Event, title: str, place: str, description: str | None, now: datetime, domain: str
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{domain}//events//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event.code}@{domain}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(event.starts_at)}",
        f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(title)}",
    ]
    if place:
        lines.append(f"LOCATION:{_escape(place)}")
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    folded = [chunk for line in lines for chunk in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode()
