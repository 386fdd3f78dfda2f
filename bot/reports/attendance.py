"""The print-ready attendance sheet of one event: who registered, who came, and an empty
column for signatures."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bot.events import Event


@dataclass(frozen=True)
class AttendanceRow:
    full_name: str
    phone: str
    organisation: str
    category: str
    district: str
    status: str
    registered_at: datetime | None
    present: bool
    checked_in_at: datetime | None
    method: str


@dataclass(frozen=True)
class SheetTexts:
    sheet: str
    title: str  # event name, date and place, already joined
    headers: tuple[str, ...]  # No., name, phone, org, category, district, status, registered,
    # present, check-in time, method, signature
    yes: str
    no: str


WIDTHS = (5, 32, 16, 28, 24, 22, 18, 17, 10, 17, 14, 18)
THIN = Side(style="thin")


def build_attendance(
    event: Event, rows: list[AttendanceRow], texts: SheetTexts, tz: ZoneInfo
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.sheet[:31]
    sheet.append([texts.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(texts.headers))
    sheet.append(list(texts.headers))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    for number, row in enumerate(rows, start=1):
        sheet.append(
            [
                number,
                row.full_name,
                row.phone,
                row.organisation,
                row.category,
                row.district,
                row.status,
                _naive(row.registered_at, tz),
                texts.yes if row.present else texts.no,
                _naive(row.checked_in_at, tz),
                row.method,
                "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        for column in (8, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD.MM.YYYY HH:MM"
        sheet.row_dimensions[sheet.max_row].height = 24  # room to sign
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(texts.headers))}{max(sheet.max_row, 2)}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Excel has no time zones: local time, written as a real date."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None
