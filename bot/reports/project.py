"""The project report an NGO owes its funder: events held, people reached (unique, by district
and category), the analysis of feedback questionnaires by district, and the raw answers, with
charts of attendance per event and of the average rating by district.

Written in openpyxl's write-only mode, row by row as the rows are read, so a project with
10,000 participants and 100,000 answers keeps memory flat. It is plain blocking code: the bot
runs it in a worker thread.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart import Reference as ChartRange
from openpyxl.utils import get_column_letter

from bot.reference import Reference, ReferenceList
from bot.reports import cells
from bot.reports import snapshot as report_rows
from bot.reports.feedback import Feedback, QuestionStats, TemplateFeedback, analyse
from bot.reports.print_layout import PrintedSheet, fitting_width
from bot.reports.snapshot import AnswerLine, EventLine, ProjectInfo, ReachCell
from surveys.flow import OTHER
from surveys.templates import Question, QuestionKind, SurveyTemplate

CHART_ROWS = 24
# A catalog text without HTML escaping: files are not Telegram messages.
Text = Callable[..., str]


@dataclass(frozen=True)
class ReportContext:
    text: Text
    language: str
    reference: Reference
    templates: Mapping[str, SurveyTemplate]
    tz: ZoneInfo
    now: datetime

    def label(self, items: ReferenceList, code: str | None) -> str:
        """A district's or category's name in the report's language, or "not specified"."""
        return items.label(code, self.language) if code else self.text("rep.unspecified")

    def district(self, code: str | None) -> str:
        return self.label(self.reference.districts, code)


@dataclass(frozen=True)
class ReportSummary:
    title: str
    events_held: int
    people: int
    attendances: int
    responses: int


class ProjectNotFoundError(LookupError):
    pass


class ReportStoppedError(Exception):
    """The bot is shutting down: the build gave up between two rows."""


def write_project_report(
    conn: sqlite3.Connection,
    project_id: int,
    ctx: ReportContext,
    target: IO[bytes],
    stop: threading.Event | None = None,
) -> ReportSummary:
    """conn: a read snapshot from report_rows.open_snapshot; stop, once set, ends the build
    with ReportStoppedError (the long part is the raw answers, checked between them)."""
    project = report_rows.project_info(conn, project_id)
    if project is None:
        raise ProjectNotFoundError(project_id)
    events = report_rows.event_lines(conn, project_id)
    ratings = report_rows.rating_by_event(
        conn,
        project_id,
        {key: t.rating.id for key, t in ctx.templates.items() if t.rating is not None},
    )
    feedback = analyse(
        report_rows.feedback_tallies(conn, project_id),
        report_rows.responses_by_district(conn, project_id),
        ctx.templates,
    )
    book = Workbook(write_only=True)
    try:
        held = _events_sheet(book, ctx, project, events, ratings)
        total = _reach_sheet(book, ctx, project, conn, held)
        _feedback_sheet(book, ctx, project, feedback)
        lines = report_rows.answer_lines(conn, project_id)
        _answers_sheet(book, ctx, project, events, lines, stop or threading.Event())
        book.save(target)
    except BaseException:
        _discard(book)
        raise
    return ReportSummary(
        title=project.title(ctx.language),
        events_held=held,
        people=total.people,
        attendances=total.attendances,
        responses=sum(e.responses for e in events if e.status != "cancelled"),
    )


def _discard(book: Workbook) -> None:
    """Close the half-written sheets, whose row writers would otherwise fail later, when
    they are garbage-collected, on temporary files already gone."""
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()


def _sheet(
    book: Workbook, title: str, widths: Iterable[float], freeze: str, header_row: int
) -> PrintedSheet:
    """Widths and frozen panes go first: write-only sheets write them before the rows. A4
    landscape, one page wide, the rows down to the header repeated on every page."""
    sheet = book.create_sheet(title[:31])
    widths = tuple(widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    return PrintedSheet(sheet, widths, header_row)


def _bold_row(sheet: PrintedSheet, values: Iterable[Any]) -> list[Any]:
    return [
        cells.styled(sheet.ws, value, font=cells.BOLD, alignment=cells.WRAP)
        if value is not None
        else None
        for value in values
    ]


def _wrapped(sheet: PrintedSheet, value: str | None) -> Any:
    """Text that may be longer than its column: wrapped, so nothing is cut in print."""
    return sheet.wrapped(value) if value else value


def _title(sheet: PrintedSheet, text: str) -> None:
    sheet.put([cells.styled(sheet.ws, text, font=cells.TITLE)])


def _bar_chart(title: str, y_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.width = 24
    chart.height = 11
    # openpyxl hides both axes unless told otherwise, and Excel then draws bare bars.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _event_status(event: EventLine, now: datetime) -> str:
    if event.status == "published":
        return "held" if event.ends_at <= now else "planned"
    return event.status


def _events_sheet(
    book: Workbook,
    ctx: ReportContext,
    project: ProjectInfo,
    events: list[EventLine],
    ratings: Mapping[int, tuple[int, float]],
) -> int:
    t = ctx.text
    keys = (
        "no", "date", "title", "type", "place", "district", "capacity", "registered", "attended",
        "responses", "rating", "status",
    )  # fmt: skip
    widths = (5, 17, 40, 18, 30, 22, 11, 13, 12, 13, 12, 15)
    sheet = _sheet(book, t("rep.sheet.events"), widths, "A3", 2)
    _title(sheet, t("rep.events_title", project=project.title(ctx.language), date=_today(ctx)))
    sheet.put(_bold_row(sheet, (t(f"rep.ecol.{key}") for key in keys)))
    counted = [e for e in events if e.status != "cancelled"]
    # Cancelled events are listed last, so the chart, which takes a range of rows, leaves
    # them out as the totals do.
    listed = counted + [e for e in events if e.status == "cancelled"]
    held = 0
    rows: list[list[Any]] = []
    for number, event in enumerate(listed, start=1):
        status = _event_status(event, ctx.now)
        held += status == "held"
        rated = ratings.get(event.id)
        rows.append(
            [
                number,
                cells.styled(
                    sheet.ws, cells.local(event.starts_at, ctx.tz), number_format=cells.DATE_TIME
                ),
                _wrapped(sheet, event.title(ctx.language)),
                _wrapped(sheet, t(f"evtype.{event.type}")),
                _wrapped(sheet, event.place),
                _wrapped(sheet, ctx.reference.districts.label(event.district, ctx.language)),
                event.capacity,
                event.registered,
                event.attended,
                event.responses,
                _rounded(rated[1] / rated[0]) if rated else None,
                t(f"rep.estatus.{status}"),
            ]
        )
    rated_all = [ratings[e.id] for e in counted if e.id in ratings]
    given = sum(count for count, _ in rated_all)
    totals = _bold_row(
        sheet,
        [
            None,
            None,
            t("rep.total_events", n=len(counted)),
            None,
            None,
            None,
            sum(e.capacity or 0 for e in counted),
            sum(e.registered for e in counted),
            sum(e.attended for e in counted),
            sum(e.responses for e in counted),
            _rounded(sum(total for _, total in rated_all) / given) if given else None,
            t("rep.total_held", n=held),
        ],
    )
    for row in rows[:-1]:
        sheet.put(row)
    sheet.put_block([*rows[-1:], totals])  # the totals never start a page alone
    last = 2 + len(events)
    sheet.ws.auto_filter.ref = f"A2:{get_column_letter(len(keys))}{last}"
    if counted:
        chart = _bar_chart(t("rep.chart.attendance"), t("rep.ecol.attended"))
        chart.y_axis.majorUnit = max(1, math.ceil(max(e.attended for e in counted) / 8))
        charted = 2 + len(counted)
        chart.add_data(ChartRange(sheet.ws, min_col=9, min_row=3, max_row=charted))
        chart.set_categories(ChartRange(sheet.ws, min_col=3, min_row=3, max_row=charted))
        sheet.ws.add_chart(chart, f"A{last + 3}")
    return held


def _reach_sheet(
    book: Workbook, ctx: ReportContext, project: ProjectInfo, conn: sqlite3.Connection, held: int
) -> ReachCell:
    t = ctx.text
    project_id = project.id
    total = next(iter(report_rows.reach_cells(conn, project_id, ())), ReachCell(None, None, 0, 0))
    by_district = {c.district: c for c in report_rows.reach_cells(conn, project_id, ("district",))}
    by_category = {c.category: c for c in report_rows.reach_cells(conn, project_id, ("category",))}
    matrix = {
        (c.district, c.category): c
        for c in report_rows.reach_cells(conn, project_id, ("district", "category"))
    }
    districts = ordered_codes(ctx.reference.districts, by_district)
    categories = ordered_codes(ctx.reference.categories, by_category)
    header_row = 7
    category_widths = [
        fitting_width([ctx.label(ctx.reference.categories, code)], 16) for code in categories
    ]
    sheet = _sheet(
        book,
        t("rep.sheet.reach"),
        (34, *category_widths, 16, 14),
        f"B{header_row + 1}",
        header_row,
    )
    _title(sheet, t("rep.reach_title", project=project.title(ctx.language), date=_today(ctx)))
    sheet.put([t("rep.reach.held"), held])
    sheet.put([t("rep.reach.people"), total.people])
    sheet.put([t("rep.reach.attendances"), total.attendances])
    sheet.put([t("rep.reach.note")])
    sheet.put([])

    sheet.put(
        _bold_row(
            sheet,
            [
                t("rep.rcol.district"),
                *(ctx.label(ctx.reference.categories, code) for code in categories),
                t("rep.rcol.people"),
                t("rep.rcol.attendances"),
            ],
        ),
    )
    table: list[list[Any]] = []
    for district in districts:
        row = by_district.get(district)
        table.append(
            [
                _wrapped(sheet, ctx.district(district)),
                *(_people(matrix.get((district, code))) for code in categories),
                row.people if row else 0,
                row.attendances if row else 0,
            ]
        )
    last = header_row + len(districts)
    table.append(
        _bold_row(
            sheet,
            [
                t("rep.total"),
                *(_people(by_category.get(code)) for code in categories),
                total.people,
                total.attendances,
            ],
        )
    )
    for values in table[:-2]:
        sheet.put(values)
    sheet.put_block(table[-2:])  # the totals never start a page alone
    sheet.put([t("rep.reach.by_category_note")])
    sheet.put([])
    by_category_table = [
        _bold_row(sheet, [t("rep.rcol.category"), t("rep.rcol.people"), t("rep.rcol.attendances")])
    ]
    for code in categories:
        cell = by_category.get(code)
        by_category_table.append(
            [
                _wrapped(sheet, ctx.label(ctx.reference.categories, code)),
                cell.people if cell else 0,
                cell.attendances if cell else 0,
            ]
        )
    by_category_table.append(_bold_row(sheet, [t("rep.total"), total.people, total.attendances]))
    sheet.put_block(by_category_table)
    sheet.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(categories) + 3)}{last}"
    return total


def _people(cell: ReachCell | None) -> int:
    return cell.people if cell else 0


def ordered_codes(reference: ReferenceList, found: Mapping[str | None, Any]) -> list[str | None]:
    """The configured list in its own order, then values outside it, then "not specified"."""
    codes: list[str | None] = [item.code for item in reference.items]
    codes += sorted(code for code in found if code is not None and code not in codes)
    if None in found:
        codes.append(None)
    return codes


def _feedback_sheet(
    book: Workbook, ctx: ReportContext, project: ProjectInfo, feedback: Feedback
) -> None:
    t = ctx.text
    heads = [
        _head_and_columns(ctx, question)[0]
        for part in feedback.by_template.values()
        for question in part.template.questions
    ]
    # Each column as wide as its longest word in any question's header: an option's name
    # is never broken in the middle.
    widths = [40.0, 12.0, 12.0, *(11.0 for _ in range(12))]
    for index in range(2, len(widths)):
        labels = [head[index] for head in heads if len(head) > index]
        widths[index] = fitting_width(labels, widths[index])
    sheet = _sheet(book, t("rep.sheet.feedback"), widths, "A2", 1)
    sheet.put(
        [
            cells.styled(
                sheet.ws,
                t("rep.feedback_title", project=project.title(ctx.language), date=_today(ctx)),
                font=cells.TITLE,
            )
        ]
    )
    sheet.put([t("rep.fb.district_note")])
    sheet.blank()
    ratings = feedback.rating_by_district()
    districts = [d for d in ordered_codes(ctx.reference.districts, ratings) if d in ratings]
    sheet.put(_bold_row(sheet, [t("rep.fb.rating_heading")]))
    sheet.put(
        _bold_row(sheet, [t("rep.fb.col.district"), t("rep.fb.col.rated"), t("rep.fb.col.average")])
    )
    first = sheet.rows + 1
    for district in districts:
        stats = ratings[district]
        sheet.put(
            [_wrapped(sheet, ctx.district(district)), sum(stats.values.values()), _avg(stats)]
        )
    last = sheet.rows
    pooled = QuestionStats()
    for stats in ratings.values():
        pooled.add(stats)
    sheet.put(_bold_row(sheet, [t("rep.fb.all"), sum(pooled.values.values()), _avg(pooled)]))
    if districts:
        chart = _bar_chart(t("rep.chart.rating"), t("rep.fb.col.average"))
        chart.y_axis.scaling.min = 0
        chart.add_data(ChartRange(sheet.ws, min_col=3, min_row=first, max_row=last))
        chart.set_categories(ChartRange(sheet.ws, min_col=1, min_row=first, max_row=last))
        sheet.ws.add_chart(chart, f"E{first - 1}")
        # The question blocks start below the chart, which is about 22 rows tall.
        sheet.blank(max(0, first + CHART_ROWS - sheet.rows))
    if not feedback.by_template:
        sheet.blank()
        sheet.put([t("rep.fb.none")])
        return
    for part in feedback.by_template.values():
        sheet.blank()
        title = part.template.title.get(ctx.language) or part.template.title["ru"]
        heading = _bold_row(sheet, [t("rep.fb.template", title=title, n=part.total_responses)])
        for number, question in enumerate(part.template.questions):
            block = [[], *_question_block(sheet, ctx, part, question)]
            # A questionnaire's title stays with its first question.
            sheet.put_block([heading, *block] if number == 0 else block)


def _head_and_columns(
    ctx: ReportContext, question: Question
) -> tuple[list[str], list[Callable[[QuestionStats], Any]]]:
    t = ctx.text
    head = [t("rep.fb.col.district"), t("rep.fb.col.answered")]
    columns: list[Callable[[QuestionStats], Any]]
    if question.kind is QuestionKind.SCALE:
        scale = range(question.scale_min, question.scale_max + 1)
        head += [t("rep.fb.col.average"), *(str(value) for value in scale)]
        columns = [_avg, *(_value_count(float(value)) for value in scale)]
    elif question.kind is QuestionKind.YESNO:
        head += [t("common.yes"), t("common.no"), t("rep.fb.col.yes_share")]
        columns = [_value_count(1.0), _value_count(0.0), _yes_share]
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        options = [option.id for option in question.options]
        if question.other_option:
            options.append(OTHER)
        head += [_option_label(ctx, question, option) for option in options]
        columns = [_option_count(option) for option in options]
    else:
        columns = []
    return head, columns


def _question_block(
    sheet: PrintedSheet, ctx: ReportContext, part: TemplateFeedback, question: Question
) -> Iterator[list[Any]]:
    t = ctx.text
    per_district = part.questions.get(question.id, {})
    districts = [
        d for d in ordered_codes(ctx.reference.districts, per_district) if d in per_district
    ]
    overall = part.overall(question.id)
    yield _bold_row(sheet, [question.label(ctx.language), t(f"rep.fb.kind.{question.kind}")])
    head, columns = _head_and_columns(ctx, question)
    yield _bold_row(sheet, head)
    for district in districts:
        stats = per_district[district]
        yield [
            _wrapped(sheet, ctx.district(district)),
            stats.answered,
            *(column(stats) for column in columns),
        ]
    yield _bold_row(
        sheet, [t("rep.fb.all"), overall.answered, *(column(overall) for column in columns)]
    )
    if question.kind is QuestionKind.TEXT:
        yield [t("rep.fb.texts_note")]


def _value_count(value: float) -> Callable[[QuestionStats], int]:
    return lambda stats: stats.values.get(value, 0)


def _option_count(option: str) -> Callable[[QuestionStats], int]:
    return lambda stats: stats.options.get(option, 0)


def _yes_share(stats: QuestionStats) -> float | None:
    average = stats.average
    return None if average is None else round(100 * average, 1)


def _avg(stats: QuestionStats) -> float | None:
    average = stats.average
    return None if average is None else _rounded(average)


def _rounded(value: float) -> float:
    return round(value, 2)


def _option_label(ctx: ReportContext, question: Question, option_id: str) -> str:
    if option_id == OTHER:
        return ctx.text("sv.btn.other")
    option = question.option(option_id)
    return option.label(ctx.language) if option else option_id


def _answers_sheet(
    book: Workbook,
    ctx: ReportContext,
    project: ProjectInfo,
    events: list[EventLine],
    lines: Iterator[AnswerLine],
    stop: threading.Event,
) -> None:
    t = ctx.text
    keys = ("response", "event", "date", "district", "category", "respondent", "question", "answer")
    widths = (10, 36, 12, 22, 24, 28, 44, 50)
    sheet = _sheet(book, t("rep.sheet.answers"), widths, "A3", 2)
    _title(sheet, t("rep.answers_title", project=project.title(ctx.language), date=_today(ctx)))
    sheet.put(_bold_row(sheet, (t(f"rep.acol.{key}") for key in keys)))
    by_id = {event.id: event for event in events}
    titles = {event.id: event.title(ctx.language) for event in events}
    days = {event.id: cells.local(event.starts_at, ctx.tz) for event in events}
    district_labels: dict[str | None, str] = {}
    category_labels: dict[str | None, str] = {}
    anonymous = t("rep.anonymous")
    deleted = t("adm.list.deleted")
    written = 2
    for number, (_, group) in enumerate(
        itertools.groupby(lines, key=lambda line: line.response_id), start=1
    ):
        if stop.is_set():
            raise ReportStoppedError
        answers = list(group)
        first = answers[0]
        template = ctx.templates.get(first.template)
        order = {q.id: index for index, q in enumerate(template.questions)} if template else {}
        answers.sort(key=lambda line: order.get(line.question, len(order)))
        event = by_id[first.event_id]
        if first.district not in district_labels:
            district_labels[first.district] = ctx.district(first.district)
        if first.category not in category_labels:
            category_labels[first.category] = ctx.reference.categories.label(
                first.category, ctx.language
            )
        district: str | None = district_labels[first.district]
        category: str | None = category_labels[first.category]
        if event.anonymous:
            # District and category next to a whole questionnaire would point at the one
            # person from that district and category in the room.
            who: Any = anonymous
            district = category = None
        elif first.respondent_deleted:
            who = deleted
        else:
            who = first.respondent or "—"
        for line in answers:
            question = _find(template, line.question)
            # The raw answers are for filtering, not for print: plain rows, without the
            # heights and wrapping that would cost the export much of its speed.
            sheet.ws.append(
                cells.row(
                    sheet.ws,
                    [
                        number,
                        titles[event.id],
                        cells.styled(sheet.ws, days[event.id], number_format=cells.DATE),
                        district,
                        category,
                        who,
                        question.label(ctx.language) if question else line.question,
                        _answer_value(ctx, question, line),
                    ],
                )
            )
            written += 1
    sheet.ws.auto_filter.ref = f"A2:{get_column_letter(len(keys))}{written}"


def _find(template: SurveyTemplate | None, question_id: str) -> Question | None:
    if template is None:
        return None
    return next((q for q in template.questions if q.id == question_id), None)


def _answer_value(ctx: ReportContext, question: Question | None, line: AnswerLine) -> Any:
    kind = question.kind if question else None
    if kind is QuestionKind.YESNO and line.number is not None:
        return ctx.text("common.yes") if line.number else ctx.text("common.no")
    if line.number is not None:
        return int(line.number) if float(line.number).is_integer() else line.number
    if line.choices and question is not None:
        labels = [
            f"{ctx.text('sv.btn.other')}: {line.text or ''}".strip()
            if choice == OTHER
            else _option_label(ctx, question, choice)
            for choice in line.choices
        ]
        return "; ".join(labels)
    return line.text


def _today(ctx: ReportContext) -> str:
    return f"{ctx.now.astimezone(ctx.tz):%d.%m.%Y}"
