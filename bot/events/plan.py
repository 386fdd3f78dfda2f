"""Event plans from Excel: one row per event. Every row is checked before anything is saved,
and the errors name the row, the column and the reason, so nothing is half-imported."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.clock import parse_local
from bot.events.form import FormInputError, clean_place, clean_title
from bot.events.model import EventStatus, EventType
from bot.events.store import NewEvent
from bot.reference import Reference

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
MAX_ROWS = 500


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str  # a catalog key suffix: imp.error.<reason>


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


def _type(value: str) -> EventType:
    lowered = value.lower()
    for code, names in TYPE_NAMES.items():
        if lowered == code or lowered in names:
            return EventType(code)
    raise ValueError(value)


def read_plan(
    data: bytes, project_id: int, tz: ZoneInfo, reference: Reference, now: datetime
) -> list[NewEvent]:
    """The events of the plan, or PlanError listing every problem."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise PlanError([RowError(0, "", "not_xlsx")]) from None
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise PlanError([RowError(1, "", "empty")])
    header = [COLUMNS.get(_text(cell).lower()) for cell in rows[0]]
    missing = [field for field in REQUIRED if field not in header]
    if missing:
        raise PlanError([RowError(1, field, "missing_column") for field in missing])
    if len(rows) - 1 > MAX_ROWS:
        raise PlanError([RowError(MAX_ROWS + 2, "", "too_many_rows")])
    districts = {
        key.lower(): item.code
        for item in reference.districts.items
        for key in (item.code, item.ru, item.kk)
    }
    errors: list[RowError] = []
    events: list[NewEvent] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {field: value for field, value in zip(header, row, strict=False) if field}
        if all(_text(value) == "" for value in cells.values()):
            continue
        event, row_errors = _read_row(number, cells, project_id, tz, districts, now)
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
) -> tuple[NewEvent | None, list[RowError]]:
    row_errors: list[RowError] = []

    def fail(column: str, reason: str) -> None:
        row_errors.append(RowError(number, column, reason))

    title = title_kk = place = ""
    try:
        title = clean_title(_text(cells.get("title_ru")))
    except FormInputError:
        fail("title_ru", "title")
    try:
        kk_text = _text(cells.get("title_kk"))
        title_kk = clean_title(kk_text) if kk_text else ""
    except FormInputError:
        fail("title_kk", "title")
    try:
        place = clean_place(_text(cells.get("place")))
    except FormInputError:
        fail("place", "place")
    kind = EventType.SEMINAR
    try:
        kind = _type(_text(cells.get("type")))
    except ValueError:
        fail("type", "type")
    start = end = now
    try:
        start = _moment(cells.get("start"), tz)
        if start <= now:
            fail("start", "past")
    except ValueError:
        fail("start", "datetime")
    try:
        end = _moment(cells.get("end"), tz)
        if end <= start:
            fail("end", "end_before_start")
    except ValueError:
        fail("end", "datetime")
    district_text = _text(cells.get("district")).lower()
    district = districts.get(district_text) if district_text else None
    if district_text and district is None:
        fail("district", "district")
    capacity_text = _text(cells.get("capacity"))
    capacity: int | None = None
    if capacity_text:
        try:
            seats = float(capacity_text)
            # 12.7 seats is a typo, not 12; and inf or nan are not numbers of seats.
            if not seats.is_integer() or not 1 <= seats <= 10_000:
                raise ValueError(capacity_text)
            capacity = int(seats)
        except ValueError:
            fail("capacity", "capacity")
    flag = _text(cells.get("by_application")).lower()
    if flag not in YES | NO:
        fail("by_application", "yes_no")
    if row_errors:
        return None, row_errors
    return (
        NewEvent(
            project_id=project_id,
            title_ru=title,
            title_kk=title_kk or None,
            type=kind,
            starts_at=start,
            ends_at=end,
            place=place,
            district=district,
            capacity=capacity,
            by_application=flag in YES,
            status=EventStatus.DRAFT,
        ),
        [],
    )
