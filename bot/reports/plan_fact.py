"""Plan against fact: what a project promised its funder (events per format, the unique
people to reach, for the whole project and per district; migrations/012_project_plan.sql) next
to what it held, for the report's "План и факт" sheet and /stats. A district's events are
those held in it; its reach, the people who were from it at the event, as the reach sheet
counts them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from bot.clock import to_db
from bot.events.model import EventType
from bot.reports.formats import FormatLine, format_lines
from bot.reports.sheets import bold_row, new_sheet, title_row, wrapped
from bot.reports.snapshot import open_snapshot
from bot.reports.stats_queries import attendance_sql, reach_sql

if TYPE_CHECKING:
    from bot.reports.print_layout import PrintedSheet
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
class DistrictLine:
    """One planned row of a district: a format's events and/or reach, or (format None) the
    district's reach in all formats."""

    district: str
    format: str | None
    events: PlanLine | None
    reach: PlanLine | None


@dataclass(frozen=True)
class PlanAgainstFact:
    events: list[PlanLine]  # one per planned format
    reach: PlanLine | None  # None when no reach was planned
    districts: list[DistrictLine] = field(default_factory=list)

    @property
    def planned(self) -> bool:
        return bool(self.events) or self.reach is not None or bool(self.districts)

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
    found = compare(targets, format_lines(conn, project_id, now), total[2] if total else 0)
    return replace(found, districts=district_lines(conn, project_id, now))


def district_lines(conn: sqlite3.Connection, project_id: int, now: datetime) -> list[DistrictLine]:
    planned = conn.execute(
        "SELECT district, format, events, reach FROM project_targets "
        "WHERE project_id = ? AND district IS NOT NULL",
        (project_id,),
    ).fetchall()
    if not planned:
        return []
    held: dict[tuple[str | None, str | None], int] = {}
    for kind, district, count in conn.execute(
        "SELECT type, district, SUM(status = 'published' AND ends_at <= ?) FROM events "
        "WHERE project_id = ? AND status != 'cancelled' GROUP BY type, district",
        (to_db(now), project_id),
    ):
        held[(kind, district)] = int(count or 0)
    reached: dict[tuple[str | None, str | None], int] = {
        (None, row[0]): row[2] for row in conn.execute(reach_sql(("district",)), (project_id,))
    }
    for kind, district, people in conn.execute(
        "SELECT e.type, a.district, COUNT(DISTINCT a.person) "
        f"FROM ({attendance_sql()}) a JOIN events e ON e.id = a.event_id "
        "GROUP BY e.type, a.district",
        (project_id,),
    ):
        reached[(kind, district)] = people
    order = [kind.value for kind in EventType]
    lines = [
        DistrictLine(
            district,
            kind,
            None if events is None else PlanLine(kind, events, held.get((kind, district), 0)),
            None if reach is None else PlanLine(kind, reach, reached.get((kind, district), 0)),
        )
        for district, kind, events, reach in planned
    ]
    # A district's formats in the form's order, then its reach in all formats.
    return sorted(lines, key=lambda x: order.index(x.format) if x.format else len(order))


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
    if lines:  # a plan may be per district only
        sheet.put_block(block)
    sheet.put([t("rep.plan.note")])
    if plan.districts:
        _district_table(sheet, ctx, plan.districts)


def _district_table(sheet: PrintedSheet, ctx: ReportContext, lines: list[DistrictLine]) -> None:
    """A bold row per district (in the configured order), then its planned rows; a district
    stays together on one page."""
    t = ctx.text
    sheet.blank()
    sheet.put([sheet.wrapped(t("rep.plan.by_district"))])
    head = [t("rep.pcol.indicator"), t("rep.pcol.planned"), t("rep.pcol.held"), t("rep.pcol.diff")]
    sheet.put(bold_row(sheet, head))
    codes = [item.code for item in ctx.reference.districts.items]
    by_district: dict[str, list[DistrictLine]] = {}
    for line in sorted(
        lines, key=lambda x: codes.index(x.district) if x.district in codes else len(codes)
    ):
        by_district.setdefault(line.district, []).append(line)
    for district, mine in by_district.items():
        block: list[list[Any]] = [bold_row(sheet, [ctx.district(district)])]
        for line in mine:
            kind = t(f"evtype.{line.format}") if line.format else ""
            if line.events is not None:
                label = t("rep.plan.events", format=kind)
                block.append([wrapped(sheet, label), *_figures(line.events)])
            if line.reach is not None:
                label = t("rep.plan.reach_format", format=kind) if kind else t("rep.plan.reach")
                block.append([wrapped(sheet, label), *_figures(line.reach)])
        sheet.put_block(block)


def _figures(line: PlanLine) -> list[int]:
    return [line.planned, line.held, line.difference]
