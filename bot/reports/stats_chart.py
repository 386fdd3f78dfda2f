"""The picture /stats sends: people reached and attendances by district next to the average
rating by district, labelled in the coordinator's language.

matplotlib is imported only here and only when a chart is drawn (it takes a moment to load);
its bundled DejaVu Sans has every Kazakh and Russian letter. Figures are made through the
object API, not pyplot, so charts can be drawn in worker threads.
"""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.reports import snapshot as report_rows
from bot.reports.feedback import analyse
from bot.reports.project import ReportContext, ordered_codes


@dataclass(frozen=True)
class DistrictBar:
    label: str
    people: int
    attendances: int
    rating: float | None


@dataclass(frozen=True)
class ChartData:
    title: str
    bars: list[DistrictBar]


def chart_data(conn: sqlite3.Connection, project_id: int, ctx: ReportContext) -> ChartData | None:
    """None when nobody has attended anything yet: an empty chart tells nothing."""
    project = report_rows.project_info(conn, project_id)
    if project is None:
        return None
    reach = {c.district: c for c in report_rows.reach_cells(conn, project_id, ("district",))}
    if not reach:
        return None
    events = {event.id: event for event in report_rows.event_lines(conn, project_id)}
    # Small anonymous groups are merged away from their districts: their rating is not shown
    # on any district's bar.
    ratings = {
        district: stats
        for district, stats in analyse(
            report_rows.feedback_tallies(conn, project_id),
            report_rows.responses_by_district(conn, project_id),
            ctx.templates,
            events,
        )
        .rating_by_district()
        .items()
        if district is None or isinstance(district, str)
    }
    bars = []
    for district in ordered_codes(ctx.reference.districts, {**reach, **ratings}):
        cell = reach.get(district)
        rated = ratings.get(district)
        if cell is None and rated is None:
            continue
        bars.append(
            DistrictBar(
                label=ctx.district(district),
                people=cell.people if cell else 0,
                attendances=cell.attendances if cell else 0,
                rating=rated.average if rated else None,
            )
        )
    return ChartData(project.title(ctx.language), bars)


def render(data: ChartData, ctx: ReportContext) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    t = ctx.text
    labels = [_literal(bar.label) for bar in data.bars]
    positions = list(range(len(labels)))
    height = max(3.5, 0.55 * len(labels) + 1.6)
    figure = Figure(figsize=(11, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    reach, rating = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    reach.barh(
        [p - 0.2 for p in positions],
        [bar.people for bar in data.bars],
        height=0.4,
        color="#3182bd",
        label=t("rep.chart.people"),
    )
    reach.barh(
        [p + 0.2 for p in positions],
        [bar.attendances for bar in data.bars],
        height=0.4,
        color="#9ecae1",
        label=t("rep.chart.attendances"),
    )
    reach.set_yticks(positions, labels)
    reach.invert_yaxis()
    reach.set_title(t("rep.chart.reach"))
    reach.legend(loc="lower right")
    reach.xaxis.get_major_locator().set_params(integer=True)
    rated = [bar.rating if bar.rating is not None else 0.0 for bar in data.bars]
    rating.barh(positions, rated, height=0.5, color="#31a354")
    for position, bar in zip(positions, data.bars, strict=True):
        text = f"{bar.rating:.2f}" if bar.rating is not None else t("rep.chart.no_rating")
        rating.text(max(rated[position], 0) + 0.05, position, text, va="center")
    rating.set_xlim(0, max([5.0, *rated]) + 0.8)
    rating.set_title(t("rep.chart.rating"))
    figure.suptitle(_literal(data.title), fontweight="bold")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _literal(text: str) -> str:
    """matplotlib reads text between two "$" as mathematics (and fails on some)."""
    return text.replace("$", r"\$")


def stats_chart(conn: sqlite3.Connection, project_id: int, ctx: ReportContext) -> bytes | None:
    data = chart_data(conn, project_id, ctx)
    return render(data, ctx) if data else None


def draw_project_chart(db_path: Path, project_id: int, ctx: ReportContext) -> bytes | None:
    """Blocking: read a snapshot and draw; run it in a worker thread."""
    conn = report_rows.open_snapshot(db_path)
    try:
        return stats_chart(conn, project_id, ctx)
    finally:
        conn.close()
