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

from bot.clock import format_local
from bot.events.model import Event
from bot.platform.db import Database
from bot.reference import Reference
from bot.reports import cells
from bot.reports.files import file_name
from bot.reports.project import Text
from bot.reports.stats_queries import attendance_records

HEADER_KEYS = (
    "no", "name", "phone", "organisation", "category", "district", "status", "registered",
    "present", "checked_in", "method", "signature",
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
    sheet: str
    title: str  # event name, date and place, already joined
    headers: tuple[str, ...]  # No., name, phone, org, category, district, status, registered,
    # present, check-in time, method, signature
    yes: str
    no: str


WIDTHS = (5, 32, 16, 28, 24, 22, 18, 17, 10, 17, 14, 18)
THIN = Side(style="thin")


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
        sheet=text("rep.attendance_sheet"),
        title=text(
            "rep.attendance_title",
            title=event.title(language),
            when=format_local(event.starts_at, tz),
            place=event.place or "—",
        ),
        headers=tuple(text(f"rep.col.{key}") for key in HEADER_KEYS),
        yes=text("common.yes"),
        no=text("common.no"),
    )
    data = await asyncio.to_thread(build_attendance, rows, texts, tz)
    day = f"{event.starts_at.astimezone(tz):%Y-%m-%d}"
    return file_name(text("rep.file_attendance"), event.title(language), day), data


def build_attendance(rows: list[AttendanceRow], texts: SheetTexts, tz: ZoneInfo) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.sheet[:31]
    sheet.append([cells.text(sheet, texts.title)])
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
                cells.text(sheet, row.full_name),
                cells.text(sheet, row.phone),
                cells.text(sheet, row.organisation),
                cells.text(sheet, row.category),
                cells.text(sheet, row.district),
                row.status,
                cells.local(row.registered_at, tz),
                texts.yes if row.present else texts.no,
                cells.local(row.checked_in_at, tz),
                row.method,
                "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        for column in (8, 10):
            sheet.cell(row=sheet.max_row, column=column).number_format = cells.DATE_TIME
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
