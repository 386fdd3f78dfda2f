"""The analysis of feedback questionnaires in the project report: one sheet by district, given
both ways (the respondent's district and the event's), and one per event. Every question is a
table of groups with a totals row; small anonymous groups are merged and the sheet says so."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart import Reference as ChartRange

from bot.reports.feedback import MERGED, SMALL_GROUP, Feedback, Group, QuestionStats
from bot.reports.print_layout import PrintedSheet, fitting_width
from bot.reports.sheets import bold_row, new_sheet, title_row, wrapped
from bot.reports.snapshot import EventLine
from surveys.flow import OTHER
from surveys.templates import Question, QuestionKind

if TYPE_CHECKING:
    from bot.reports.project import ReportContext

CHART_ROWS = 24


@dataclass(frozen=True)
class _Grouping:
    """How one grouping's rows are headed, named, ordered and totalled."""

    feedback: Feedback
    column: str  # the first column's header: whose district, or the event
    names: Mapping[Group, str]  # every group's row label, in the order the rows go
    total: str


def bar_chart(title: str, y_title: str) -> BarChart:
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


def district_sheet(
    book: Workbook,
    ctx: ReportContext,
    title: str,
    by_respondent: Feedback,
    by_event_district: Feedback,
) -> None:
    """Each question twice: by the respondent's district, then by the event's."""
    t = ctx.text
    groupings = [
        _Grouping(
            by_respondent,
            t("rep.fb.col.respondent_district"),
            district_names(ctx, by_respondent),
            t("rep.fb.all"),
        ),
        _Grouping(
            by_event_district,
            t("rep.fb.col.event_district"),
            district_names(ctx, by_event_district),
            t("rep.fb.all"),
        ),
    ]
    sheet = new_sheet(book, t("rep.sheet.feedback"), _widths(ctx, groupings, 40.0), 1)
    title_row(sheet, t("rep.feedback_title", project=title, date=_today(ctx)))
    sheet.put([t("rep.fb.district_note")])
    _merged_note(sheet, ctx, groupings)
    sheet.blank()
    first = _rating_table(sheet, ctx, groupings[0], t("rep.fb.rating_heading"))
    if first is not None:
        chart = bar_chart(t("rep.chart.rating"), t("rep.fb.col.average"))
        chart.y_axis.scaling.min = 0
        last = first + len(groupings[0].names) - 1
        chart.add_data(ChartRange(sheet.ws, min_col=3, min_row=first, max_row=last))
        chart.set_categories(ChartRange(sheet.ws, min_col=1, min_row=first, max_row=last))
        sheet.ws.add_chart(chart, f"E{first - 1}")
    sheet.blank()
    _rating_table(sheet, ctx, groupings[1], t("rep.fb.rating_heading_event"))
    if first is not None:
        # The question blocks start below the chart, which is about 22 rows tall.
        sheet.blank(max(0, first + CHART_ROWS - sheet.rows))
    _question_blocks(sheet, ctx, groupings)


def event_sheet(
    book: Workbook, ctx: ReportContext, title: str, events: list[EventLine], by_event: Feedback
) -> None:
    """Each question per event, in the order the events were held."""
    t = ctx.text
    names: dict[Group, str] = {}
    for event in events:
        if any(event.id in part.responses for part in by_event.by_template.values()):
            day = f"{event.starts_at.astimezone(ctx.tz):%d.%m.%Y}"
            names[event.id] = f"{day}, {event.title(ctx.language)}"
    if by_event.merged:
        names[MERGED] = t("rep.fb.merged_events", n=SMALL_GROUP)
    groupings = [_Grouping(by_event, t("rep.fb.col.event"), names, t("rep.fb.all_events"))]
    sheet = new_sheet(book, t("rep.sheet.feedback_events"), _widths(ctx, groupings, 44.0), 1)
    title_row(sheet, t("rep.feedback_events_title", project=title, date=_today(ctx)))
    sheet.put([t("rep.fb.events_note")])
    _merged_note(sheet, ctx, groupings)
    _question_blocks(sheet, ctx, groupings)


def district_names(ctx: ReportContext, feedback: Feedback) -> dict[Group, str]:
    """The configured districts in their own order, then others, "not specified" and the
    merged small groups, each as far as anyone answered from it."""
    found = {group for part in feedback.by_template.values() for group in part.responses}
    codes: list[str | None] = [item.code for item in ctx.reference.districts.items]
    codes += sorted(code for code in found if isinstance(code, str) and code not in codes)
    names: dict[Group, str] = {code: ctx.district(code) for code in [*codes, None] if code in found}
    if MERGED in found:
        names[MERGED] = ctx.text("rep.fb.merged_districts", n=SMALL_GROUP)
    return names


def _widths(ctx: ReportContext, groupings: list[_Grouping], first: float) -> list[float]:
    """Each column as wide as its longest word in any question's header: an option's name is
    never broken in the middle."""
    heads = [
        _head_and_columns(ctx, question, grouping.column)[0]
        for grouping in groupings
        for part in grouping.feedback.by_template.values()
        for question in part.template.questions
    ]
    widths = [first, 12.0, 12.0, *(11.0 for _ in range(12))]
    for index in range(1, len(widths)):
        labels = [head[index] for head in heads if len(head) > index]
        widths[index] = fitting_width(labels, widths[index])
    return widths


def _merged_note(sheet: PrintedSheet, ctx: ReportContext, groupings: list[_Grouping]) -> None:
    if any(grouping.feedback.merged for grouping in groupings):
        sheet.put([sheet.wrapped(ctx.text("rep.fb.merged_note", n=SMALL_GROUP))])


def _rating_table(
    sheet: PrintedSheet, ctx: ReportContext, grouping: _Grouping, heading: str
) -> int | None:
    """The average rating per group; the row of its first group, None when nobody rated."""
    t = ctx.text
    ratings = grouping.feedback.rating_by_district()
    if not ratings:
        return None
    sheet.put(bold_row(sheet, [heading]))
    sheet.put(bold_row(sheet, [grouping.column, t("rep.fb.col.rated"), t("rep.fb.col.average")]))
    first = sheet.rows + 1
    pooled = QuestionStats()
    for group, name in grouping.names.items():
        if group in ratings:
            stats = ratings[group]
            pooled.add(stats)
            sheet.put([wrapped(sheet, name), sum(stats.values.values()), average(stats)])
    sheet.put(bold_row(sheet, [grouping.total, sum(pooled.values.values()), average(pooled)]))
    return first


def _question_blocks(sheet: PrintedSheet, ctx: ReportContext, groupings: list[_Grouping]) -> None:
    t = ctx.text
    templates = groupings[0].feedback.by_template
    if not templates:
        sheet.blank()
        sheet.put([t("rep.fb.none")])
        return
    for template_id, part in templates.items():
        sheet.blank()
        name = part.template.title.get(ctx.language) or part.template.title["ru"]
        heading = bold_row(sheet, [t("rep.fb.template", title=name, n=part.total_responses)])
        for number, question in enumerate(part.template.questions):
            block: list[list[Any]] = [
                [],
                bold_row(sheet, [question.label(ctx.language), t(f"rep.fb.kind.{question.kind}")]),
            ]
            for grouping in groupings:
                block += _question_table(sheet, ctx, grouping, template_id, question)
            if question.kind is QuestionKind.TEXT:
                block.append([t("rep.fb.texts_note")])
            # A questionnaire's title stays with its first question.
            sheet.put_block([heading, *block] if number == 0 else block)


def _question_table(
    sheet: PrintedSheet,
    ctx: ReportContext,
    grouping: _Grouping,
    template_id: str,
    question: Question,
) -> Iterator[list[Any]]:
    part = grouping.feedback.by_template[template_id]
    per_group = part.questions.get(question.id, {})
    head, columns = _head_and_columns(ctx, question, grouping.column)
    yield bold_row(sheet, head)
    for group, name in grouping.names.items():
        if group in per_group:
            stats = per_group[group]
            yield [wrapped(sheet, name), stats.answered, *(column(stats) for column in columns)]
    overall = part.overall(question.id)
    yield bold_row(
        sheet, [grouping.total, overall.answered, *(column(overall) for column in columns)]
    )


def _head_and_columns(
    ctx: ReportContext, question: Question, first: str
) -> tuple[list[str], list[Callable[[QuestionStats], Any]]]:
    t = ctx.text
    head = [first, t("rep.fb.col.answered")]
    columns: list[Callable[[QuestionStats], Any]]
    if question.kind is QuestionKind.SCALE:
        scale = range(question.scale_min, question.scale_max + 1)
        head += [t("rep.fb.col.average"), *(str(value) for value in scale)]
        columns = [average, *(_value_count(float(value)) for value in scale)]
    elif question.kind is QuestionKind.YESNO:
        head += [t("common.yes"), t("common.no"), t("rep.fb.col.yes_share")]
        columns = [_value_count(1.0), _value_count(0.0), _yes_share]
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        options = [option.id for option in question.options]
        if question.other_option:
            options.append(OTHER)
        head += [option_label(ctx, question, option) for option in options]
        columns = [_option_count(option) for option in options]
    else:
        columns = []
    return head, columns


def _value_count(value: float) -> Callable[[QuestionStats], int]:
    return lambda stats: stats.values.get(value, 0)


def _option_count(option: str) -> Callable[[QuestionStats], int]:
    return lambda stats: stats.options.get(option, 0)


def _yes_share(stats: QuestionStats) -> float | None:
    value = stats.average
    return None if value is None else round(100 * value, 1)


def average(stats: QuestionStats) -> float | None:
    value = stats.average
    return None if value is None else round(value, 2)


def option_label(ctx: ReportContext, question: Question, option_id: str) -> str:
    if option_id == OTHER:
        return ctx.text("sv.btn.other")
    option = question.option(option_id)
    return option.label(ctx.language) if option else option_id


def _today(ctx: ReportContext) -> str:
    return f"{ctx.now.astimezone(ctx.tz):%d.%m.%Y}"
