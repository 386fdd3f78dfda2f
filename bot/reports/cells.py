"""Cell values that survive a spreadsheet: local times as real dates, people's text as text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

DATE_TIME = "DD.MM.YYYY HH:MM"
DATE = "DD.MM.YYYY"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")


def local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Excel has no time zones: the local time, written as a real date."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def text(sheet: Any, value: str | None) -> Any:
    """What people typed, kept as text: a leading "=" would otherwise become a formula in the
    coordinator's spreadsheet, and control characters make Excel refuse the file."""
    if not value:
        return value
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not cleaned.startswith("="):
        return cleaned
    cell = WriteOnlyCell(sheet, cleaned)
    cell.data_type = "s"
    return cell


def row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row with every string made safe by text(): labels carry typed text too (a district
    typed by hand is shown as typed)."""
    return [text(sheet, value) if isinstance(value, str) else value for value in values]


def styled(
    sheet: Any,
    value: Any,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    safe = text(sheet, value) if isinstance(value, str) else value
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(sheet, safe)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell
