"""Events by format, as a funder's report counts them: per format the events held and the
people reached once each, and each event's audience by category ("для 31 человек из числа ИПГ
района"). Read from the report's snapshot connection (bot/reports/snapshot.py)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from bot.clock import to_db
from bot.reports import cells
from bot.reports.print_layout import fitting_width
from bot.reports.sheets import bold_row, new_sheet, title_row, wrapped
from bot.reports.snapshot import EventLine
from bot.reports.stats_queries import attendance_sql

if TYPE_CHECKING:
    from bot.reports.project import ReportContext


@dataclass(frozen=True)
class FormatLine:
    format: str  # an EventType value
    events: int  # not cancelled
    held: int  # published and over
    people: int  # unique within the format
    attendances: int


@dataclass(frozen=True)
class Audience:
    """Who came to one event, by category (None: not specified)."""

    event_id: int
    by_category: dict[str | None, int] = field(default_factory=dict)

    @property
    def attended(self) -> int:
        return sum(self.by_category.values())

    def largest(self) -> tuple[str | None, int] | None:
        """The category most of the audience had; a named one wins a tie with "not specified"."""
        if not self.by_category:
            return None
        return max(self.by_category.items(), key=lambda item: (item[1], item[0] is not None))


def format_lines(conn: sqlite3.Connection, project_id: int, now: datetime) -> list[FormatLine]:
    counts = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            "SELECT type, COUNT(*), SUM(status = 'published' AND ends_at <= ?) FROM events "
            "WHERE project_id = ? AND status != 'cancelled' GROUP BY type",
            (to_db(now), project_id),
        )
    }
    reach = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            "SELECT e.type, COUNT(DISTINCT a.person), COUNT(*) "
            f"FROM ({attendance_sql()}) a JOIN events e ON e.id = a.event_id GROUP BY e.type",
            (project_id,),
        )
    }
    return [
        FormatLine(kind, events, int(held or 0), *reach.get(kind, (0, 0)))
        for kind, (events, held) in sorted(counts.items(), key=lambda item: -item[1][0])
    ]


def audiences(conn: sqlite3.Connection, project_id: int) -> dict[int, Audience]:
    found: dict[int, dict[str | None, int]] = defaultdict(dict)
    for event_id, category, count in conn.execute(
        f"SELECT event_id, category, COUNT(*) FROM ({attendance_sql()}) "
        "GROUP BY event_id, category",
        (project_id,),
    ):
        found[event_id][category] = count
    return {event_id: Audience(event_id, cats) for event_id, cats in found.items()}


def formats_sheet(
    book: Workbook, ctx: ReportContext, title: str, lines: list[FormatLine], people: int
) -> None:
    """Per format: events, held, unique people and attendances; the total counts a person
    who came to two formats once."""
    t = ctx.text
    sheet = new_sheet(book, t("rep.sheet.formats"), (30, 14, 14, 18, 14), 2)
    title_row(sheet, t("rep.formats_title", project=title))
    keys = ("format", "events", "held", "people", "attendances")
    block = [bold_row(sheet, (t(f"rep.fcol.{key}") for key in keys))]
    for line in lines:
        block.append(
            [
                wrapped(sheet, t(f"evtype.{line.format}")),
                line.events,
                line.held,
                line.people,
                line.attendances,
            ]
        )
    block.append(
        bold_row(
            sheet,
            [
                t("rep.total"),
                sum(line.events for line in lines),
                sum(line.held for line in lines),
                people,
                sum(line.attendances for line in lines),
            ],
        )
    )
    sheet.put_block(block)
    sheet.put([t("rep.formats_note")])


def audience_sheet(
    book: Workbook,
    ctx: ReportContext,
    title: str,
    events: list[EventLine],
    found: dict[int, Audience],
) -> None:
    """Each event that anyone attended, by category of its audience."""
    t = ctx.text
    shown = [e for e in events if e.status != "cancelled" and e.id in found]
    codes: list[str | None] = [item.code for item in ctx.reference.categories.items]
    present = {code for audience in found.values() for code in audience.by_category}
    codes = [code for code in codes if code in present]
    codes += sorted(code for code in present if code is not None and code not in codes)
    if None in present:
        codes.append(None)
    labels = [ctx.label(ctx.reference.categories, code) for code in codes]
    widths = (12, 36, 18, *(fitting_width([label], 14) for label in labels), 12)
    sheet = new_sheet(book, t("rep.sheet.audience"), widths, 2)
    title_row(sheet, t("rep.audience_title", project=title))
    sheet.put(
        bold_row(
            sheet,
            [t("rep.ecol.date"), t("rep.ecol.title"), t("rep.ecol.type"), *labels, t("rep.total")],
        )
    )
    totals: dict[str | None, int] = defaultdict(int)
    table: list[list[Any]] = []
    for event in shown:
        audience = found[event.id]
        for code, count in audience.by_category.items():
            totals[code] += count
        row: list[Any] = [
            cells.styled(sheet.ws, cells.local(event.starts_at, ctx.tz), number_format=cells.DATE),
            wrapped(sheet, event.title(ctx.language)),
            wrapped(sheet, t(f"evtype.{event.type}")),
            *(audience.by_category.get(code, 0) for code in codes),
            audience.attended,
        ]
        table.append(row)
    table.append(
        bold_row(
            sheet,
            [t("rep.total"), None, None, *(totals[code] for code in codes), sum(totals.values())],
        )
    )
    for row in table[:-2]:
        sheet.put(row)
    sheet.put_block(table[-2:])  # the totals never start a page alone
    sheet.put([t("rep.audience_note")])
