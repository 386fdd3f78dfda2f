"""The sheets added to the project report by format, plan against fact and the report's text:
built as the report's own sheets are, A4 landscape with the header repeated on each page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from bot.reports import cells
from bot.reports.print_layout import PrintedSheet


def new_sheet(book: Workbook, title: str, widths: Iterable[float], header_row: int) -> PrintedSheet:
    """Widths and frozen panes go first: write-only sheets write them before the rows."""
    sheet = book.create_sheet(title[:31])
    widths = tuple(widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    return PrintedSheet(sheet, widths, header_row)


def bold_row(sheet: PrintedSheet, values: Iterable[Any]) -> list[Any]:
    return [
        cells.styled(sheet.ws, value, font=cells.BOLD, alignment=cells.WRAP)
        if value is not None
        else None
        for value in values
    ]


def title_row(sheet: PrintedSheet, text: str) -> None:
    sheet.put([cells.styled(sheet.ws, text, font=cells.TITLE)])


def wrapped(sheet: PrintedSheet, value: str | None) -> Any:
    return sheet.wrapped(value) if value else value
