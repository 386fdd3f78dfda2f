"""Plan against fact: what a project promised its funder (events per format, the unique
people to reach; migrations/012_project_plan.sql) next to what it held, for the report's
"План и факт" sheet and /stats."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from bot.events.model import EventType
from bot.reports.formats import FormatLine, format_lines
from bot.reports.sheets import bold_row, new_sheet, title_row, wrapped
from bot.reports.snapshot import open_snapshot
from bot.reports.stats_queries import reach_sql

if TYPE_CHECKING:
    from bot.reports.project import ReportContext


@dataclass(frozen=True)
class PlanLine:
    format: str | None  # an EventType value; None for the whole project's reach
    planned: int
    held: int

    @property
    def difference(self) -> int:
        return self.held - self.planned


@dataclass(frozen=True)
class PlanAgainstFact:
    events: list[PlanLine]  # one per planned format
    reach: PlanLine | None  # None when no reach was planned

    @property
    def planned(self) -> bool:
        return bool(self.events) or self.reach is not None

    @property
    def events_total(self) -> PlanLine:
        """Planned formats only: an unplanned extra event is not a planned one held."""
        return PlanLine(
            None, sum(line.planned for line in self.events), sum(line.held for line in self.events)
        )


def compare(
    targets: dict[str | None, tuple[int | None, int | None]],
    formats: list[FormatLine],
    people: int,
) -> PlanAgainstFact:
    """targets: (events, reach) planned by format (None: the whole project)."""
    held = {line.format: line.held for line in formats}
    order = [kind.value for kind in EventType]
    events = [
        PlanLine(kind, planned, held.get(kind, 0))
        for kind, (planned, _) in sorted(
            targets.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
        if kind is not None and planned is not None
    ]
    reach = targets.get(None, (None, None))[1]
    return PlanAgainstFact(events, None if reach is None else PlanLine(None, reach, people))


def plan_against_fact(conn: sqlite3.Connection, project_id: int, now: datetime) -> PlanAgainstFact:
    targets = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            "SELECT format, events, reach FROM project_targets "
            "WHERE project_id = ? AND district IS NULL",
            (project_id,),
        )
    }
    total = conn.execute(reach_sql(()), (project_id,)).fetchone()
    return compare(targets, format_lines(conn, project_id, now), total[2] if total else 0)


def read_plan_against_fact(path: Path, project_id: int, now: datetime) -> PlanAgainstFact:
    """Blocking: for a worker thread."""
    conn = open_snapshot(path)
    try:
        return plan_against_fact(conn, project_id, now)
    finally:
        conn.close()


def plan_sheet(book: Workbook, ctx: ReportContext, title: str, plan: PlanAgainstFact) -> None:
    t = ctx.text
    sheet = new_sheet(book, t("rep.sheet.plan"), (40, 14, 14, 14), 2)
    title_row(sheet, t("rep.plan_title", project=title))
    if not plan.planned:
        sheet.put([t("rep.plan.none")])
        return
    block = [
        bold_row(
            sheet,
            [
                t("rep.pcol.indicator"),
                t("rep.pcol.planned"),
                t("rep.pcol.held"),
                t("rep.pcol.diff"),
            ],
        )
    ]
    lines = [
        (t("rep.plan.events", format=t(f"evtype.{line.format}")), line) for line in plan.events
    ]
    if plan.events:
        lines.append((t("rep.plan.events_total"), plan.events_total))
    if plan.reach is not None:
        lines.append((t("rep.plan.reach"), plan.reach))
    for label, line in lines:
        block.append([wrapped(sheet, label), line.planned, line.held, line.difference])
    sheet.put_block(block)
    sheet.put([t("rep.plan.note")])
