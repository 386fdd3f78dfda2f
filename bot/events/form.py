"""Reading what a coordinator types into the event form. Each parser returns the value to
store or raises FormInputError with a reason key for a message in their language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import local, parse_local

TITLE_MIN, TITLE_MAX = 3, 200
PLACE_MIN, PLACE_MAX = 2, 300
CAPACITY_MAX = 10_000
REMINDERS_MAX = 5
REMINDER_LONGEST = timedelta(days=14)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_DURATION = re.compile(r"^(\d{1,4})\s*(м|мин|m|min|ч|h|сағ|д|d|дн|күн)?$", re.IGNORECASE)
_UNIT_MINUTES = {
    "м": 1, "мин": 1, "m": 1, "min": 1,
    "ч": 60, "h": 60, "сағ": 60, "": 60,
    "д": 1440, "d": 1440, "дн": 1440, "күн": 1440,
}  # fmt: skip


class FormInputError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_title(raw: str) -> str:
    text = " ".join(raw.split())
    if not TITLE_MIN <= len(text) <= TITLE_MAX:
        raise FormInputError("title_length")
    return text


def clean_place(raw: str) -> str:
    text = " ".join(raw.split())
    if not PLACE_MIN <= len(text) <= PLACE_MAX:
        raise FormInputError("place_length")
    return text


def parse_moment(raw: str, tz: ZoneInfo) -> datetime:
    """'13.06.2026 10:00' in local time, to UTC."""
    text = " ".join(raw.split())
    if not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}", text):
        raise FormInputError("datetime_format")
    try:
        return parse_local(text, tz)
    except ValueError:
        raise FormInputError("datetime_impossible") from None


def parse_start(raw: str, tz: ZoneInfo, now: datetime) -> datetime:
    start = parse_moment(raw, tz)
    if start <= now:
        raise FormInputError("start_in_past")
    return start


def parse_end(raw: str, start: datetime, tz: ZoneInfo) -> datetime:
    """A full date and time, or just '17:00' for the same day as the start."""
    text = raw.strip()
    match = _TIME.fullmatch(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise FormInputError("datetime_impossible")
        day = local(start, tz)
        end = day.replace(hour=hour, minute=minute).astimezone(start.tzinfo)
    else:
        end = parse_moment(text, tz)
    if end <= start:
        raise FormInputError("end_before_start")
    return end


def parse_capacity(raw: str) -> int:
    text = raw.strip()
    if not text.isdigit():
        raise FormInputError("capacity_number")
    value = int(text)
    if not 1 <= value <= CAPACITY_MAX:
        raise FormInputError("capacity_range")
    return value


def parse_deadline(raw: str, start: datetime, tz: ZoneInfo, now: datetime) -> datetime:
    deadline = parse_moment(raw, tz)
    if deadline >= start:
        raise FormInputError("deadline_after_start")
    if deadline <= now:
        raise FormInputError("deadline_in_past")
    return deadline


def parse_reminders(raw: str) -> tuple[int, ...]:
    """'24ч, 2ч' or '1d 90m' to minutes before the start, longest first."""
    parts = [part for part in re.split(r"[,;\s]+(?=\d)", raw.strip()) if part]
    if not parts or len(parts) > REMINDERS_MAX:
        raise FormInputError("reminders_format")
    minutes: set[int] = set()
    for part in parts:
        match = _DURATION.fullmatch(part.strip().rstrip(",;"))
        if not match:
            raise FormInputError("reminders_format")
        value = int(match.group(1)) * _UNIT_MINUTES[(match.group(2) or "").lower()]
        if not 1 <= value <= REMINDER_LONGEST.total_seconds() // 60:
            raise FormInputError("reminders_range")
        minutes.add(value)
    return tuple(sorted(minutes, reverse=True))


def parse_survey_timing(raw: str) -> tuple[int, int, int]:
    """'1h, 24h, 7d': the invitation after the end, the nudge after the invitation, and the
    closing after the end, in that order."""
    parts = [part for part in re.split(r"[,;\s]+(?=\d)", raw.strip()) if part]
    if len(parts) != 3:
        raise FormInputError("timing_format")
    minutes: list[int] = []
    for part in parts:
        match = _DURATION.fullmatch(part.strip().rstrip(",;"))
        if not match:
            raise FormInputError("timing_format")
        minutes.append(int(match.group(1)) * _UNIT_MINUTES[(match.group(2) or "").lower()])
    delay, nudge, close = minutes
    if not (0 <= delay < close and nudge > 0 and delay + nudge < close <= 60 * 24 * 60):
        raise FormInputError("timing_order")
    return delay, nudge, close


def parse_margin(raw: str) -> int:
    """Minutes before the start and after the end when check-in is open: 0 to 24 hours."""
    match = _DURATION.fullmatch(raw.strip())
    if not match:
        raise FormInputError("margin_format")
    minutes = int(match.group(1)) * _UNIT_MINUTES[(match.group(2) or "м").lower()]
    if not 0 <= minutes <= 24 * 60:
        raise FormInputError("margin_format")
    return minutes
