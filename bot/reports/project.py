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
from openpyxl.chart import Reference as ChartRange
from openpyxl.utils import get_column_letter

from bot.people.profile import CODES, UNDISCLOSED, YOUTH_BANDS, ProfileField
from bot.reference import Reference, ReferenceList
from bot.reports import cells, feedback_sheets, formats, plan_fact, report_text
from bot.reports import snapshot as report_rows
from bot.reports.feedback import SMALL_GROUP, By, Feedback, Group, analyse
from bot.reports.feedback_sheets import bar_chart as _bar_chart
from bot.reports.feedback_sheets import option_label as _option_label
from bot.reports.print_layout import PrintedSheet, fitting_width
from bot.reports.snapshot import AnswerLine, EventLine, ProjectInfo, ReachCell
from bot.reports.stats_queries import demographic_reach_sql
from surveys.flow import OTHER
from surveys.templates import Question, QuestionKind, SurveyTemplate

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
    tallies = list(report_rows.feedback_tallies(conn, project_id))
    responses = report_rows.responses_by_district(conn, project_id)
    by_id = {event.id: event for event in events}
    by_respondent, by_event_district, by_event = (
        analyse(tallies, responses, ctx.templates, by_id, by)
        for by in (By.RESPONDENT_DISTRICT, By.EVENT_DISTRICT, By.EVENT)
    )
    # Anonymous events whose few questionnaires are merged: their answers are not listed
    # under the event either.
    merged = sorted(group for group in by_event.merged_from if isinstance(group, int))
    book = Workbook(write_only=True)
    try:
        held = _events_sheet(book, ctx, project, events, ratings, by_event.merged_from)
        total = _reach_sheet(book, ctx, project, conn, held)
        title = project.title(ctx.language)
        feedback_sheets.district_sheet(book, ctx, title, by_respondent, by_event_district)
        feedback_sheets.event_sheet(book, ctx, title, events, by_event)
        _plan_and_text_sheets(book, ctx, project, conn, events, total, (by_respondent, by_event))
        lines = report_rows.answer_lines(conn, project_id, merged)
        _answers_sheet(book, ctx, project, events, lines, set(merged), stop or threading.Event())
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


def _plan_and_text_sheets(
    book: Workbook,
    ctx: ReportContext,
    project: ProjectInfo,
    conn: sqlite3.Connection,
    events: list[EventLine],
    total: ReachCell,
    feedback: tuple[Feedback, Feedback],
) -> None:
    """Events by format and by audience, plan against fact, and the report's text; feedback:
    by the respondent's district and by event."""
    title = project.title(ctx.language)
    lines = formats.format_lines(conn, project.id, ctx.now)
    audiences = formats.audiences(conn, project.id)
    formats.formats_sheet(book, ctx, title, lines, total.people)
    formats.audience_sheet(book, ctx, title, events, audiences)
    plan_fact.plan_sheet(book, ctx, title, plan_fact.plan_against_fact(conn, project.id, ctx.now))
    held = [e for e in events if _event_status(e, ctx.now) == "held"]
    by_district = report_rows.reach_cells(conn, project.id, ("district",))
    by_district.sort(key=lambda cell: _district_order(ctx, cell.district))
    text = report_text.paragraphs(
        ctx, title, held, audiences, lines, (total.people, by_district), feedback
    )
    report_text.text_sheet(book, ctx, text)


def _district_order(ctx: ReportContext, code: str | None) -> int:
    codes = [item.code for item in ctx.reference.districts.items]
    return codes.index(code) if code in codes else len(codes)


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
    merged: frozenset[Group],
) -> int:
    """merged: the anonymous events whose few questionnaires are merged in the feedback
    sheets; their average rating would tell what the two or so who answered said."""
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
                _event_rating(rated, event.id in merged),
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
    if any(e.id in merged and e.id in ratings for e in listed):
        sheet.put([sheet.wrapped(t("rep.events.rating_hidden", n=SMALL_GROUP))])
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


def _event_rating(rated: tuple[int, float] | None, hidden: bool) -> float | str | None:
    if rated is None:
        return None
    return "—" if hidden else _rounded(rated[1] / rated[0])


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
    _demographic_tables(sheet, ctx, conn, project_id, total)
    sheet.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(categories) + 3)}{last}"
    return total


def _demographic_tables(
    sheet: PrintedSheet,
    ctx: ReportContext,
    conn: sqlite3.Connection,
    project_id: int,
    total: ReachCell,
) -> None:
    """Reach by gender and by age band (with youth, 14-29), once anyone reached has given
    either: a deployment that does not ask them (PROFILE_DEMOGRAPHICS) gets no empty tables.
    "Prefer not to say" and "not specified" (skipped, never asked, a walk-in) are apart."""
    t = ctx.text
    found = {
        field: {
            row[0]: (row[1], row[2])
            for row in conn.execute(demographic_reach_sql(field), (project_id,))
        }
        for field in (ProfileField.GENDER, ProfileField.AGE_BAND)
    }
    if not any(code is not None for values in found.values() for code in values):
        return
    sheet.put([t("rep.demo.note")])
    for field, values in found.items():
        sheet.put([])
        table = [
            _bold_row(
                sheet,
                [t(f"rep.rcol.{field.value}"), t("rep.rcol.people"), t("rep.rcol.attendances")],
            )
        ]
        for code in (*CODES[field], None):
            people, attendances = values.get(code, (0, 0))
            table.append(
                [_wrapped(sheet, _demographic_label(ctx, field, code)), people, attendances]
            )
        table.append(_bold_row(sheet, [t("rep.total"), total.people, total.attendances]))
        if field is ProfileField.AGE_BAND:
            youth = [values.get(band, (0, 0)) for band in YOUTH_BANDS]
            table.append(
                [t("rep.demo.youth"), *(sum(column) for column in zip(*youth, strict=True))]
            )
        sheet.put_block(table)


def _demographic_label(ctx: ReportContext, field: ProfileField, code: str | None) -> str:
    if code is None:
        return ctx.text("rep.unspecified")
    if code == UNDISCLOSED:
        return ctx.text("rep.demo.undisclosed")
    return ctx.text(f"profile.{field.value}.{code}")


def _people(cell: ReachCell | None) -> int:
    return cell.people if cell else 0


def ordered_codes(reference: ReferenceList, found: Mapping[str | None, Any]) -> list[str | None]:
    """The configured list in its own order, then values outside it, then "not specified"."""
    codes: list[str | None] = [item.code for item in reference.items]
    codes += sorted(code for code in found if code is not None and code not in codes)
    if None in found:
        codes.append(None)
    return codes


def _rounded(value: float) -> float:
    return round(value, 2)


def _answers_sheet(
    book: Workbook,
    ctx: ReportContext,
    project: ProjectInfo,
    events: list[EventLine],
    lines: Iterator[AnswerLine],
    merged: set[int],
    stop: threading.Event,
) -> None:
    """merged: anonymous events with too few questionnaires to be told apart, listed together
    at the end without their title or date."""
    t = ctx.text
    keys = ("response", "event", "date", "district", "category", "respondent", "question", "answer")
    widths = (10, 36, 12, 22, 24, 28, 44, 50)
    sheet = _sheet(book, t("rep.sheet.answers"), widths, "A3", 2)
    _title(sheet, t("rep.answers_title", project=project.title(ctx.language), date=_today(ctx)))
    sheet.put(_bold_row(sheet, (t(f"rep.acol.{key}") for key in keys)))
    by_id = {event.id: event for event in events}
    merged_label = t("rep.fb.merged_events", n=SMALL_GROUP)
    titles = {
        event.id: merged_label if event.id in merged else event.title(ctx.language)
        for event in events
    }
    days = {
        event.id: None if event.id in merged else cells.local(event.starts_at, ctx.tz)
        for event in events
    }
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
