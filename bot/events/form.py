"""Reading what a coordinator types into the event and project forms. Each parser returns the
value to store or raises FormInputError with a reason key for a message in their language."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import local, parse_local
from bot.events.model import EventType, NewProject, ProjectPlan

TITLE_MIN, TITLE_MAX = 3, 200
PLACE_MIN, PLACE_MAX = 2, 300
# A description is read on a phone, on the event card under the title, time and place; the
# card keeps within Telegram's 4096 characters with room to spare at this length.
DESCRIPTION_MAX = 2000
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


def clean_description(raw: str) -> str:
    """The text as typed, paragraphs kept: spaces inside a line and blank lines squeezed."""
    lines = [" ".join(line.split()) for line in raw.replace("\r", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise FormInputError("need_text")
    if len(text) > DESCRIPTION_MAX:
        raise FormInputError("description_length")
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


def _minutes(text: str, bare_unit: str) -> int | None:
    """'90m', '2ч', '1 күн' in minutes; a number without a unit is in `bare_unit`. None when
    it is not a duration."""
    match = _DURATION.fullmatch(text)
    if not match:
        return None
    return int(match.group(1)) * _UNIT_MINUTES[(match.group(2) or bare_unit).lower()]


def _durations(raw: str, reason: str) -> list[int]:
    """'24ч, 2ч' or '1d 90m': each duration in minutes, in the order typed (a bare number is in
    hours); FormInputError(reason) when one is not a duration."""
    parts = [part for part in re.split(r"[,;\s]+(?=\d)", raw.strip()) if part]
    minutes: list[int] = []
    for part in parts:
        value = _minutes(part.strip().rstrip(",;"), "")
        if value is None:
            raise FormInputError(reason)
        minutes.append(value)
    return minutes


def parse_reminders(raw: str) -> tuple[int, ...]:
    """'24ч, 2ч' or '1d 90m' to minutes before the start, longest first."""
    minutes = _durations(raw, "reminders_format")
    if not minutes or len(minutes) > REMINDERS_MAX:
        raise FormInputError("reminders_format")
    if not all(1 <= value <= REMINDER_LONGEST.total_seconds() // 60 for value in minutes):
        raise FormInputError("reminders_range")
    return tuple(sorted(set(minutes), reverse=True))


def parse_survey_timing(raw: str) -> tuple[int, int, int]:
    """'1h, 24h, 7d': the invitation after the end, the nudge after the invitation, and the
    closing after the end, in that order."""
    minutes = _durations(raw, "timing_format")
    if len(minutes) != 3:
        raise FormInputError("timing_format")
    delay, nudge, close = minutes
    if not (0 <= delay < close and nudge > 0 and delay + nudge < close <= 60 * 24 * 60):
        raise FormInputError("timing_order")
    return delay, nudge, close


def parse_margin(raw: str) -> int:
    """Minutes before the start and after the end when check-in is open: 0 to 24 hours (a bare
    number is in minutes here)."""
    minutes = _minutes(raw.strip(), "м")
    if minutes is None or not 0 <= minutes <= 24 * 60:
        raise FormInputError("margin_format")
    return minutes


class EventField(StrEnum):
    """The event form's fields. The values are stable: they are in buttons already sent
    (callback data), in catalog keys (evf.ask.<value>, adm.field.<value>) and in the FSM
    state of a form in progress; the columns they change are bot/events/store.py's
    FIELD_COLUMNS, never derived from these values."""

    TITLE_RU = "title_ru"
    TITLE_KK = "title_kk"
    DESCRIPTION_RU = "description_ru"
    DESCRIPTION_KK = "description_kk"
    TYPE = "type"
    STARTS_AT = "starts_at"
    ENDS_AT = "ends_at"
    PLACE = "place"
    DISTRICT = "district"
    CAPACITY = "capacity"
    DEADLINE = "registration_deadline"
    BY_APPLICATION = "by_application"
    REMINDERS = "reminder_minutes"
    SURVEY_TEMPLATE = "survey_template"
    SURVEY_ANONYMOUS = "survey_anonymous"
    SURVEY_TIMING = "survey_timing"  # edited only: invitation delay, nudge, closing
    CHECKIN_MARGIN = "checkin_margin_minutes"  # edited only: check-in opens/closes around it


EDIT_ONLY = frozenset({EventField.SURVEY_TIMING, EventField.CHECKIN_MARGIN})
# The fields a new event is asked for, in the order asked.
CREATE_ORDER = tuple(field for field in EventField if field not in EDIT_ONLY)
OPTIONAL_FIELDS = frozenset(
    {
        EventField.TITLE_KK,
        EventField.DESCRIPTION_RU,
        EventField.DESCRIPTION_KK,
        EventField.DISTRICT,
        EventField.DEADLINE,
    }
)


@dataclass(frozen=True)
class Known:
    """What an answer is read against: the local time zone, now, and the start given
    already (a new event's answer so far, or the edited event's)."""

    tz: ZoneInfo
    now: datetime
    starts_at: datetime | None = None

    def start(self) -> datetime:
        if self.starts_at is None:
            raise ValueError("the start is asked before the end and the deadline")
        return self.starts_at


_TYPED: dict[EventField, Callable[[str, Known], object]] = {
    EventField.TITLE_RU: lambda text, _: clean_title(text),
    EventField.TITLE_KK: lambda text, _: clean_title(text),
    EventField.DESCRIPTION_RU: lambda text, _: clean_description(text),
    EventField.DESCRIPTION_KK: lambda text, _: clean_description(text),
    EventField.STARTS_AT: lambda text, known: parse_start(text, known.tz, known.now),
    EventField.ENDS_AT: lambda text, known: parse_end(text, known.start(), known.tz),
    EventField.PLACE: lambda text, _: clean_place(text),
    EventField.CAPACITY: lambda text, _: parse_capacity(text),
    EventField.DEADLINE: lambda text, known: parse_deadline(
        text, known.start(), known.tz, known.now
    ),
    EventField.REMINDERS: lambda text, _: parse_reminders(text),
    EventField.SURVEY_TIMING: lambda text, _: parse_survey_timing(text),
    EventField.CHECKIN_MARGIN: lambda text, _: parse_margin(text),
}


def parse_field(field: EventField, text: str, known: Known) -> object:
    """A typed answer; the fields without one (type, district, yes/no) take buttons only."""
    parser = _TYPED.get(field)
    if parser is None:
        raise FormInputError("choose_button")
    return parser(text, known)


_MOMENTS = frozenset({EventField.STARTS_AT, EventField.ENDS_AT, EventField.DEADLINE})
_MINUTE_LISTS = frozenset({EventField.REMINDERS, EventField.SURVEY_TIMING})


def answer_to_json(value: object) -> Any:
    """An answer as kept in the FSM between steps."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def answer_from_json(field: EventField, raw: Any) -> object:
    if raw is None:
        return None
    if field in _MOMENTS:
        return datetime.fromisoformat(raw)
    if field in _MINUTE_LISTS:
        return tuple(raw)
    if field is EventField.TYPE:
        return EventType(raw)
    return raw


def typed_answers(raw: Mapping[str, Any]) -> dict[EventField, object]:
    """The answers of a new event kept so far (by field value, as JSON), typed."""
    fields = {field.value: field for field in EventField}
    return {
        fields[name]: answer_from_json(fields[name], value)
        for name, value in raw.items()
        if name in fields
    }


# A project form answer as kept between steps (in the FSM, so JSON): a clean title, the
# period as two ISO dates, the planned events by format, the target reach, or None for a
# skipped optional step.
ProjectAnswer = str | list[str] | dict[str, int] | int | None
PLAN_FIELDS = frozenset({"plan", "reach"})
PLANNED_MAX = 10_000
REACH_MAX = 1_000_000
# How a coordinator names a format, in Russian or Kazakh: the start of a word is enough
# ("семинар-тренинг" is a seminar, as the first name found wins).
_FORMAT_WORDS = (
    (EventType.SEMINAR, ("семинар",)),
    (EventType.TRAINING, ("тренинг",)),
    (EventType.STUDY_TOUR, ("ознаком", "поездк", "танысу", "сапар", "study")),
    (EventType.WORKING_MEETING, ("рабоч", "встреч", "жұмыс", "кездесу")),
    (EventType.ROUND_TABLE, ("кругл", "дөңгелек", "үстел")),
    (EventType.CONFERENCE, ("конференц",)),
    (EventType.FORUM, ("форум",)),
    (EventType.OTHER, ("друг", "мероприят", "басқа", "шара")),
)
_PLANNED = re.compile(r"^(.*?)\s*[-—–:]?\s*(\d+)$|^(\d+)\s+(.*)$")


def _format_named(name: str) -> EventType:
    words = name.lower().replace("-", " ").split()
    for event_type, stems in _FORMAT_WORDS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return event_type
    raise FormInputError("plan_format")


def parse_planned_events(text: str) -> dict[str, int]:
    """ "семинар 7, рабочая встреча 4, конференция 1": events planned per format."""
    planned: dict[str, int] = {}
    for part in re.split(r"[,;\n]+", text):
        part = part.strip()
        if not part:
            continue
        found = _PLANNED.match(part)
        if not found:
            raise FormInputError("plan_format")
        name, count = (found[1], found[2]) if found[2] else (found[4], found[3])
        event_type = _format_named(name)
        if not 0 < int(count) <= PLANNED_MAX or event_type.value in planned:
            raise FormInputError("plan_format")
        planned[event_type.value] = int(count)
    if not planned:
        raise FormInputError("plan_format")
    return planned


def parse_reach(text: str) -> int:
    digits = text.replace(" ", "").replace("\u00a0", "")
    if not digits.isdigit() or not 0 < int(digits) <= REACH_MAX:
        raise FormInputError("reach_number")
    return int(digits)


def plan_of(answers: Mapping[str, ProjectAnswer]) -> ProjectPlan:
    planned, reach = answers.get("plan"), answers.get("reach")
    return ProjectPlan(
        events={str(k): int(v) for k, v in planned.items()} if isinstance(planned, dict) else {},
        reach=reach if isinstance(reach, int) else None,
    )


def parse_period(text: str) -> tuple[date, date]:
    parts = [part.strip() for part in text.replace("—", "-").replace("–", "-").split("-")]
    if len(parts) != 2:
        raise FormInputError("period_format")
    try:
        start, end = (datetime.strptime(part, "%d.%m.%Y").date() for part in parts)
    except ValueError:
        raise FormInputError("period_format") from None
    if end < start:
        raise FormInputError("period_order")
    return start, end


def parse_project_value(step: str, text: str) -> str | list[str] | dict[str, int] | int:
    if not text:
        raise FormInputError("need_text")
    if step == "plan":
        return parse_planned_events(text)
    if step == "reach":
        return parse_reach(text)
    if step == "period":
        start, end = parse_period(text)
        return [start.isoformat(), end.isoformat()]
    return clean_title(text)


def _period_dates(answer: ProjectAnswer) -> tuple[date | None, date | None]:
    if not isinstance(answer, list) or not answer:
        return None, None
    return date.fromisoformat(answer[0]), date.fromisoformat(answer[1])


def project_columns(field: str, answer: ProjectAnswer) -> dict[str, object]:
    """The columns one answer of the project form changes, as stored: the period is two."""
    if field == "period":
        starts_on, ends_on = _period_dates(answer)
        return {
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
        }
    if field == "funder":
        return {"funder": answer or ""}
    return {field: answer}


def new_project(answers: Mapping[str, ProjectAnswer]) -> NewProject:
    """The finished project form as a project to create."""
    title_kk, funder = answers.get("title_kk"), answers.get("funder")
    starts_on, ends_on = _period_dates(answers.get("period"))
    return NewProject(
        title_ru=str(answers["title_ru"]),
        title_kk=str(title_kk) if title_kk else None,
        funder=str(funder or ""),
        starts_on=starts_on,
        ends_on=ends_on,
        plan=plan_of(answers),
    )
