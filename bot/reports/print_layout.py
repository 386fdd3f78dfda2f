"""What makes a workbook print: A4 set explicitly, rows as tall as their wrapped text, and page
breaks that keep a table's header, rows and totals on one page.

Spreadsheets do not measure text when they print a file they did not lay out themselves, so
a wrapped cell in a row of default height is cut, and a tall header is drawn over the rows
below it. The heights here are estimated from the text and the column widths, on the safe
side, before each row is written (write-only sheets cannot change a row afterwards).
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from functools import lru_cache
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet.pagebreak import Break

from bot.reports import cells

A4 = 9  # the paper size code in SpreadsheetML
DEFAULT_ROW = 15.0  # points: one line of 11 pt text
LINE = 14.0
PADDING = 4.0
# One width unit is about 5.3 pt of 11 pt text. Landscape A4 (842 x 595 pt) less the margins
# below leaves about 770 x 520 pt; the repeated header is taken off each page's height.
POINTS_PER_WIDTH = 5.3
PRINTABLE_WIDTH = 770.0
PRINTABLE_HEIGHT = 520.0


@lru_cache(maxsize=4096)  # the same question and place come back on many rows
def text_lines(value: str, width: float) -> int:
    """Lines a text takes in a column `width` characters wide, breaking at spaces as a
    spreadsheet does; a conservative guess, as letters differ in width."""
    room = max(1.0, width - 2)
    lines, used = 1, 0.0
    for word in value.split():
        length = len(word)
        if used and used + 1 + length > room:
            lines, used = lines + 1, 0.0
        used = length if not used else used + 1 + length
        while used > room:  # a word longer than the column breaks where it must
            lines, used = lines + 1, used - int(room)
    return lines


def fitting_width(labels: Iterable[str], least: float) -> float:
    """A column wide enough that no word of its labels is broken in the middle."""
    longest = max((len(word) for label in labels for word in label.split()), default=0)
    return max(least, longest + 3.0)


class PrintedSheet:
    """A write-only sheet that counts its rows and the height they take on paper, so each
    row gets its height before it is written and a block can be moved whole to the next
    page."""

    def __init__(self, sheet: Any, widths: Iterable[float], header_row: int) -> None:
        self.ws = sheet
        self.widths = tuple(widths)
        self.rows = 0
        self._header_row = header_row
        self._header_height = 0.0
        self._on_page = 0.0
        # Wrapped cells share one style: copying it is much cheaper than assigning an
        # alignment to each of many cells, and its id tells a wrapped cell at a glance.
        prototype = cells.styled(sheet, "", alignment=cells.WRAP)
        self._wrap_style = prototype._style
        self._wrap_id = prototype._style.alignmentId
        scale = min(1.0, PRINTABLE_WIDTH / (sum(self.widths) * POINTS_PER_WIDTH))
        # fitToWidth shrinks the whole page, so a page holds more rows of the sheet.
        self._page_height = PRINTABLE_HEIGHT / scale
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.paperSize = A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = f"{header_row}:{header_row}"

    def wrapped(self, value: str) -> Cell:
        """Text that may be longer than its column, wrapped so that nothing is cut."""
        safe = cells.text(self.ws, value)
        cell = safe if isinstance(safe, Cell) else WriteOnlyCell(self.ws, safe)
        cell._style = copy(self._wrap_style)
        return cell

    def height_of(self, values: list[Any]) -> float:
        lines = 1
        for value, width in zip(values, self.widths, strict=False):
            if (
                isinstance(value, Cell)
                and value._style  # an unstyled cell has none
                and value._style.alignmentId == self._wrap_id
                and isinstance(value.value, str)
            ):
                lines = max(lines, text_lines(value.value, width))
        return DEFAULT_ROW if lines == 1 else lines * LINE + PADDING

    def put(self, values: Iterable[Any]) -> None:
        row = cells.row(self.ws, values)
        height = self.height_of(row)
        self.rows += 1
        if height != DEFAULT_ROW:
            self.ws.row_dimensions[self.rows].height = height
        if self.rows == self._header_row:
            self._header_height = height
        self._on_page += height
        self.ws.append(row)
        if height != DEFAULT_ROW:
            # Written with the row; a write-only sheet need not keep it (100,000 answers).
            del self.ws.row_dimensions[self.rows]

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.put([])

    def keep_together(self, block: list[list[Any]]) -> None:
        """Starts a new page before the block unless it fits in what is left of this one."""
        needed = sum(self.height_of(cells.row(self.ws, values)) for values in block)
        if self._on_page and self._on_page + needed > self._page_height:
            self.ws.row_breaks.append(Break(id=self.rows))
            self._on_page = self._header_height  # the header is printed again on top

    def put_block(self, block: list[list[Any]]) -> None:
        self.keep_together(block)
        for values in block:
            self.put(values)
