"""Event plans from Excel: one row per event, and optionally a "План" sheet of the project's
planned figures (events and reach per format, per district or for the whole project), which
replaces the targets typed in the project form. Every row is checked before anything is saved,
and the errors name the sheet, the row, the column and the reason, so nothing is
half-imported."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.clock import parse_local
from bot.events.form import CAPACITY_MAX, clean_description, clean_place, clean_title
from bot.events.model import EventStatus, EventType
from bot.events.store import NewEvent
from bot.reference import Reference
from surveys.templates import SurveyTemplate, load_templates

# Header text (lower-case, ru or en) -> field. The example plan uses the Russian headers.
COLUMNS = {
    "название": "title_ru", "title_ru": "title_ru",
    "название (каз.)": "title_kk", "атауы": "title_kk", "title_kk": "title_kk",
    "тип": "type", "type": "type",
    "начало": "start", "start": "start",
    "окончание": "end", "end": "end",
    "место": "place", "place": "place",
    "район": "district", "district": "district",
    "мест": "capacity", "capacity": "capacity",
    "по заявкам": "by_application", "by_application": "by_application",
    "регистрация": "registration", "тіркелу": "registration", "registration": "registration",
    "анкета": "survey_template", "сауалнама": "survey_template",
    "survey_template": "survey_template",
    "анонимность": "survey_anonymous", "жасырындығы": "survey_anonymous",
    "survey_anonymous": "survey_anonymous",
    "описание": "description_ru", "сипаттамасы (орыс.)": "description_ru",
    "description_ru": "description_ru",
    "описание (каз.)": "description_kk", "сипаттамасы": "description_kk",
    "сипаттамасы (қаз.)": "description_kk", "description_kk": "description_kk",
}  # fmt: skip
REQUIRED = ("title_ru", "type", "start", "end", "place")
YES = {"да", "yes", "иә", "1", "true"}
NO = {"нет", "no", "жоқ", "0", "false", ""}
TYPE_NAMES = {
    "seminar": ("семинар",), "training": ("тренинг",),
    "study_tour": ("ознакомительная поездка", "танысу сапары", "поездка"),
    "working_meeting": ("рабочая встреча", "жұмыс кездесуі"),
    "round_table": ("круглый стол", "дөңгелек үстел"),
    "conference": ("конференция",), "forum": ("форум",), "other": ("другое", "басқа"),
}  # fmt: skip
# The words of the event form's buttons, in both languages; an empty cell is the first.
REGISTRATION = {
    "": False, "открытая": False, "открытое": False, "ашық": False, "open": False,
    "по заявкам": True, "өтінім бойынша": True, "by application": True,
}  # fmt: skip
ANONYMITY = {
    "": False, "именная": False, "аты-жөнімен": False, "named": False,
    "анонимная": True, "жасырын": True, "anonymous": True,
}  # fmt: skip
NO_SURVEY = {"", "без анкеты", "сауалнамасыз", "none"}
MAX_ROWS = 500
T = TypeVar("T")
# The planned figures' sheet: found by its title, its columns by their headers.
TARGET_SHEETS = {"план", "жоспар", "plan", "targets"}
TARGET_COLUMNS = {
    "формат": "format", "тип": "format", "түрі": "format", "format": "format",
    "район": "district", "аудан": "district", "district": "district",
    "мероприятий": "events", "мероприятия": "events", "число мероприятий": "events",
    "іс-шаралар": "events", "іс-шаралар саны": "events", "events": "events",
    "охват": "reach", "қамту": "reach", "reach": "reach",
}  # fmt: skip
TARGET_MAX = 1_000_000
ALL_FORMATS = {"", "все", "всего", "барлығы", "all"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str  # a catalog key suffix: imp.error.<reason>
    sheet: str = ""  # the planned figures' sheet; empty for the events'


@dataclass(frozen=True)
class Target:
    """One planned figure: a format's events and/or reach (format None: all formats), for
    one district or (None) the whole project."""

    format: str | None
    district: str | None
    events: int | None
    reach: int | None


@dataclass(frozen=True)
class PlanFile:
    events: list[NewEvent]
    targets: list[Target] | None  # None: no "План" sheet, the project's targets stay


class PlanError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _moment(value: object, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz)
    return parse_local(_text(value), tz)


def _title(value: object) -> str:
    return clean_title(_text(value))


def _optional_title(value: object) -> str:
    text = _text(value)
    return clean_title(text) if text else ""


def _place(value: object) -> str:
    return clean_place(_text(value))


def _type(value: object) -> EventType:
    lowered = _text(value).lower()
    for code, names in TYPE_NAMES.items():
        if lowered == code or lowered in names:
            return EventType(code)
    raise ValueError(value)


def _whole_number(value: object, low: int, high: int) -> int | None:
    text = _text(value)
    if not text:
        return None
    number = float(text)
    # 12.7 seats is a typo, not 12; and inf or nan are not numbers of anything.
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(text)
    return int(number)


def _capacity(value: object) -> int | None:
    return _whole_number(value, 1, CAPACITY_MAX)


def _description(value: object) -> str | None:
    """A description keeps its line breaks (a cell may hold paragraphs)."""
    text = "" if value is None else str(value).strip()
    return clean_description(text) if text else None


def _choice(words: Mapping[str, bool]) -> Callable[[object], bool]:
    def read(value: object) -> bool:
        word = _text(value).lower()
        if word not in words:
            raise ValueError(word)
        return words[word]

    return read


def _survey(value: object, templates: Mapping[str, SurveyTemplate]) -> str | None:
    """A questionnaire by its title in either language (as the event form shows it) or id."""
    name = _text(value).lower()
    if name in NO_SURVEY:
        return None
    for template in templates.values():
        if name == template.id.lower() or name in {
            title.lower() for title in template.title.values()
        }:
            return template.id
    raise ValueError(name)


def _by_application(value: object) -> bool:
    flag = _text(value).lower()
    if flag in YES:
        return True
    if flag in NO:
        return False
    raise ValueError(flag)


class _Row:
    """One row's cells, and every problem found in them: a cell that cannot be read is noted
    and the rest are still checked, so the coordinator sees all the errors at once."""

    def __init__(self, number: int, cells: dict[str, object]) -> None:
        self.number = number
        self.cells = cells
        self.errors: list[RowError] = []

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))

    def read(self, column: str, parse: Callable[[object], T], reason: str, fallback: T) -> T:
        """The cell parsed, or `fallback` with the error noted when `parse` refuses it (with a
        ValueError: FormInputError is one)."""
        try:
            return parse(self.cells.get(column))
        except ValueError:
            self.fail(column, reason)
            return fallback


def read_plan(
    data: bytes,
    project_id: int,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
    templates: Mapping[str, SurveyTemplate] | None = None,
) -> list[NewEvent]:
    """The events of the plan, or PlanError listing every problem."""
    return read_plan_file(data, project_id, tz, reference, now, templates).events


def read_plan_file(
    data: bytes,
    project_id: int,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
    templates: Mapping[str, SurveyTemplate] | None = None,
) -> PlanFile:
    """The events and the planned figures, or PlanError listing every problem in both
    sheets; questionnaires are named among `templates`, by default the bundled ones."""
    templates = load_templates() if templates is None else templates
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise PlanError([RowError(0, "", "not_xlsx")]) from None
    sheets = [(ws.title, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets]
    workbook.close()
    districts = {
        key.lower(): item.code
        for item in reference.districts.items
        for key in (item.code, item.ru, item.kk)
    }
    events_at = _events_sheet(sheets)
    targets_at = next(
        (
            number
            for number, (title, _) in enumerate(sheets)
            if number != events_at and title.strip().lower() in TARGET_SHEETS
        ),
        None,
    )
    targets: list[Target] | None = None
    errors: list[RowError] = []
    if targets_at is not None:
        title, rows = sheets[targets_at]
        try:
            targets = read_targets(rows, title, districts)
        except PlanError as error:
            errors = error.errors
    events: list[NewEvent] = []
    if events_at is not None or targets_at is None:
        try:
            events = _read_events(
                sheets[events_at or 0][1], project_id, tz, districts, now, templates
            )
        except PlanError as error:
            # A file may bring the planned figures alone.
            if targets_at is None or error.errors != [RowError(2, "", "empty")]:
                errors = error.errors + errors
    if errors:
        raise PlanError(errors)
    return PlanFile(events, targets)


def _events_sheet(sheets: list[tuple[str, list[tuple[object, ...]]]]) -> int | None:
    """The first sheet headed like an event plan (a title column), if any."""
    for number, (_, rows) in enumerate(sheets):
        if rows and "title_ru" in {COLUMNS.get(_text(cell).lower()) for cell in rows[0]}:
            return number
    return None


def _read_events(
    rows: list[tuple[object, ...]],
    project_id: int,
    tz: ZoneInfo,
    districts: dict[str, str],
    now: datetime,
    templates: Mapping[str, SurveyTemplate],
) -> list[NewEvent]:
    if not rows:
        raise PlanError([RowError(1, "", "empty")])
    header = [COLUMNS.get(_text(cell).lower()) for cell in rows[0]]
    missing = [field for field in REQUIRED if field not in header]
    if missing:
        raise PlanError([RowError(1, field, "missing_column") for field in missing])
    if len(rows) - 1 > MAX_ROWS:
        raise PlanError([RowError(MAX_ROWS + 2, "", "too_many_rows")])
    errors: list[RowError] = []
    events: list[NewEvent] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {field: value for field, value in zip(header, row, strict=False) if field}
        if all(_text(value) == "" for value in cells.values()):
            continue
        event, row_errors = _read_row(number, cells, project_id, tz, districts, now, templates)
        errors += row_errors
        if event is not None:
            events.append(event)
    if errors:
        raise PlanError(errors)
    if not events:
        raise PlanError([RowError(2, "", "empty")])
    return events


def _read_row(
    number: int,
    cells: dict[str, object],
    project_id: int,
    tz: ZoneInfo,
    districts: dict[str, str],
    now: datetime,
    templates: Mapping[str, SurveyTemplate],
) -> tuple[NewEvent | None, list[RowError]]:
    row = _Row(number, cells)
    title = row.read("title_ru", _title, "title", "")
    title_kk = row.read("title_kk", _optional_title, "title", "")
    place = row.read("place", _place, "place", "")
    kind = row.read("type", _type, "type", EventType.SEMINAR)
    start, end = _times(row, tz, now)
    district = row.read("district", lambda value: _district(value, districts), "district", None)
    capacity = row.read("capacity", _capacity, "capacity", None)
    by_application = row.read("by_application", _by_application, "yes_no", False)
    if _text(cells.get("registration")):
        by_application = row.read("registration", _choice(REGISTRATION), "registration", False)
    survey = row.read(
        "survey_template", lambda value: _survey(value, templates), "survey_template", None
    )
    anonymous = row.read("survey_anonymous", _choice(ANONYMITY), "anonymity", False)
    description_ru = row.read("description_ru", _description, "description", None)
    description_kk = row.read("description_kk", _description, "description", None)
    if row.errors:
        return None, row.errors
    return (
        NewEvent(
            project_id=project_id,
            title_ru=title,
            title_kk=title_kk or None,
            description_ru=description_ru,
            description_kk=description_kk,
            type=kind,
            starts_at=start,
            ends_at=end,
            place=place,
            district=district,
            capacity=capacity,
            by_application=by_application,
            survey_template=survey,
            survey_anonymous=anonymous and survey is not None,
            status=EventStatus.DRAFT,
        ),
        [],
    )


def _times(row: _Row, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """The start, which must be in the future, and the end after it (after `now` when the start
    could not be read)."""
    start = row.read("start", lambda value: _moment(value, tz), "datetime", None)
    if start is not None and start <= now:
        row.fail("start", "past")
    end = row.read("end", lambda value: _moment(value, tz), "datetime", None)
    if end is not None and end <= (start or now):
        row.fail("end", "end_before_start")
    return start or now, end or now


def _district(value: object, districts: dict[str, str]) -> str | None:
    text = _text(value).lower()
    if not text:
        return None
    if text not in districts:
        raise ValueError(text)
    return districts[text]


def read_targets(
    rows: list[tuple[object, ...]], sheet: str, districts: dict[str, str]
) -> list[Target]:
    """The planned figures' sheet: format (empty: all formats), district (empty: the whole
    project), events and reach, one figure a row."""
    if not rows:
        return []
    header = [TARGET_COLUMNS.get(_text(cell).lower()) for cell in rows[0]]
    if "events" not in header and "reach" not in header:
        raise PlanError(
            [RowError(1, column, "missing_column", sheet) for column in ("events", "reach")]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise PlanError([RowError(MAX_ROWS + 2, "", "too_many_rows", sheet)])
    errors: list[RowError] = []
    targets: dict[tuple[str | None, str | None], Target] = {}
    for number, values in enumerate(rows[1:], start=2):
        cells = {field: value for field, value in zip(header, values, strict=False) if field}
        if all(_text(value) == "" for value in cells.values()):
            continue
        row = _Row(number, cells)
        target = _read_target(row, districts)
        if target is not None and (target.format, target.district) in targets:
            row.fail("format", "target_twice")
        errors += [replace(error, sheet=sheet) for error in row.errors]
        if target is not None and not row.errors:
            targets[(target.format, target.district)] = target
    if errors:
        raise PlanError(errors)
    return list(targets.values())


def _read_target(row: _Row, districts: dict[str, str]) -> Target | None:
    kind = row.read("format", _target_format, "type", None)
    district = row.read("district", lambda value: _district(value, districts), "district", None)
    events = row.read("events", _count, "target_number", None)
    reach = row.read("reach", _count, "target_number", None)
    if row.errors:
        return None
    if events is None and reach is None:
        row.fail("events", "target_empty")
    elif events is not None and kind is None:
        row.fail("format", "target_format")
    return Target(kind, district, events, reach)


def _target_format(value: object) -> str | None:
    if _text(value).lower() in ALL_FORMATS:
        return None
    return _type(value).value


def _count(value: object) -> int | None:
    return _whole_number(value, 0, TARGET_MAX)
