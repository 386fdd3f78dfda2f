"""The print-ready attendance sheet of one event: who registered, who came, and an empty
column for signatures."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from bot.clock import format_local
from bot.events.model import Event
from bot.platform.db import Database
from bot.reference import Reference
from bot.reports import cells
from bot.reports.files import file_name
from bot.reports.print_layout import A4, text_lines
from bot.reports.project import Text
from bot.reports.stats_queries import attendance_records

# The sheet printed for the door has only what is needed there; the second sheet has the rest.
PRINT_KEYS = ("no", "name", "org_or_category", "district", "signature", "mark")
DETAIL_KEYS = (
    "no", "name", "phone", "organisation", "category", "district", "status", "registered",
    "present", "checked_in", "method",
)  # fmt: skip


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
    print_sheet: str
    details_sheet: str
    title: str  # event name, date and place, already joined
    print_headers: tuple[str, ...]  # in PRINT_KEYS order
    detail_headers: tuple[str, ...]  # in DETAIL_KEYS order
    yes: str
    no: str


# Portrait A4 at 100 %: the widths add up to what fits between the margins (about 180 mm), so
# LibreOffice and Excel never shrink the 11 pt text to fit.
PRINT_WIDTHS = (4.5, 28, 26, 17, 15, 5)
DETAIL_WIDTHS = (5, 32, 16, 28, 24, 22, 18, 17, 12, 17, 16)
BODY = Font(size=11)
HEADER = Font(bold=True, size=11)
# 30 pt is 10.6 mm: room for a signature, and for a name or organisation on two lines.
SIGN_ROW_HEIGHT = 30.0
LINE_HEIGHT = 14.0
CHECK_MARK = "✓"
THIN = Side(style="thin")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


async def attendance_report(
    db: Database, event: Event, text: Text, language: str, reference: Reference, tz: ZoneInfo
) -> tuple[str, bytes]:
    """The file name and the workbook; the rows are read here, the workbook is written in a
    worker thread."""
    rows = [
        AttendanceRow(
            full_name=record.full_name or text("adm.list.deleted"),
            phone=record.phone or "",
            organisation=record.organisation or "",
            category=reference.categories.label(record.category, language),
            district=reference.districts.label(record.district, language),
            status=text(f"plist.status.{record.status}") if record.status else text("rep.walkin"),
            registered_at=record.registered_at,
            present=record.checked_in_at is not None,
            checked_in_at=record.checked_in_at,
            method=text(f"adm.method.{record.method}") if record.method else "",
        )
        for record in await attendance_records(db, event.id)
    ]
    texts = SheetTexts(
        print_sheet=text("rep.attendance_sheet"),
        details_sheet=text("rep.attendance_details"),
        title=text(
            "rep.attendance_title",
            title=event.title(language),
            when=format_local(event.starts_at, tz),
            place=event.place or "—",
        ),
        print_headers=tuple(text(f"rep.col.{key}") for key in PRINT_KEYS),
        detail_headers=tuple(text(f"rep.col.{key}") for key in DETAIL_KEYS),
        yes=text("common.yes"),
        no=text("common.no"),
    )
    data = await asyncio.to_thread(build_attendance, rows, texts, tz)
    day = f"{event.starts_at.astimezone(tz):%Y-%m-%d}"
    return file_name(text("rep.file_attendance"), event.title(language), day), data


def build_attendance(rows: list[AttendanceRow], texts: SheetTexts, tz: ZoneInfo) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has its first sheet
    _print_sheet(sheet, rows, texts)
    _details_sheet(book.create_sheet(texts.details_sheet[:31]), rows, texts, tz)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _print_sheet(sheet: Worksheet, rows: list[AttendanceRow], texts: SheetTexts) -> None:
    sheet.title = texts.print_sheet[:31]
    _title(sheet, texts.title, len(PRINT_KEYS), PRINT_WIDTHS)
    _header(sheet, texts.print_headers, PRINT_WIDTHS)
    for number, row in enumerate(rows, start=1):
        values = [
            number,
            row.full_name,
            row.organisation or row.category,
            row.district,
            "",
            CHECK_MARK if row.present else "",
        ]
        _body_row(sheet, values, PRINT_WIDTHS, wrap=(1, 2, 3))
        sheet.row_dimensions[sheet.max_row].height = _height(values, PRINT_WIDTHS, (1, 2, 3))
    sheet.freeze_panes = "A3"
    _page(sheet, "portrait", "1:2")


def _details_sheet(
    sheet: Worksheet, rows: list[AttendanceRow], texts: SheetTexts, tz: ZoneInfo
) -> None:
    _title(sheet, texts.title, len(DETAIL_KEYS), DETAIL_WIDTHS)
    _header(sheet, texts.detail_headers, DETAIL_WIDTHS)
    for number, row in enumerate(rows, start=1):
        values: list[object] = [
            number,
            row.full_name,
            row.phone,
            row.organisation,
            row.category,
            row.district,
            row.status,
            cells.local(row.registered_at, tz),
            texts.yes if row.present else texts.no,
            cells.local(row.checked_in_at, tz),
            row.method,
        ]
        _body_row(sheet, values, DETAIL_WIDTHS, wrap=(1, 3, 4, 5))
        for column in (8, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = cells.DATE_TIME
        sheet.row_dimensions[sheet.max_row].height = _height(values, DETAIL_WIDTHS, (1, 3, 4, 5))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(DETAIL_KEYS))}{max(sheet.max_row, 2)}"
    _page(sheet, "landscape", "2:2")


def _title(sheet: Worksheet, title: str, columns: int, widths: tuple[float, ...]) -> None:
    sheet.append([cells.text(sheet, title)])
    cell = sheet["A1"]
    cell.font = cells.TITLE
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    lines = text_lines(title, sum(widths) * 0.85)  # 13 pt letters are wider than 11 pt ones
    sheet.row_dimensions[1].height = lines * 17.0 + 4


def _header(sheet: Worksheet, headers: tuple[str, ...], widths: tuple[float, ...]) -> None:
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = HEADER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BOX
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    lines = max(text_lines(header, width) for header, width in zip(headers, widths, strict=True))
    sheet.row_dimensions[2].height = lines * LINE_HEIGHT + 6


def _body_row(
    sheet: Worksheet, values: list[object], widths: tuple[float, ...], wrap: tuple[int, ...]
) -> None:
    sheet.append(cells.row(sheet, values))
    for index, cell in enumerate(sheet[sheet.max_row]):
        cell.font = BODY
        cell.border = BOX
        cell.alignment = Alignment(
            wrap_text=index in wrap,
            vertical="center",
            horizontal="center" if index in (0, len(widths) - 1) else None,
        )


def _height(values: list[object], widths: tuple[float, ...], wrapped: tuple[int, ...]) -> float:
    """Tall enough for every wrapped line, never lower than a signature needs: a row is not
    clipped in print, where no one can widen it."""
    lines = max(text_lines(str(values[i] or ""), widths[i]) for i in wrapped)
    return max(SIGN_ROW_HEIGHT, lines * LINE_HEIGHT + 6)


def _page(sheet: Worksheet, orientation: str, repeat: str) -> None:
    sheet.print_title_rows = repeat
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.5, bottom=0.5)
    sheet.print_options.horizontalCentered = True
