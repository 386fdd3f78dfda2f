"""The report's text, ready to paste into the funder's form in the coordinator's language: the
events in the form funders' reports use ("13.06.2026 — Ауэзовский район, акимат района: 31
участник, из них членов ИПГ 25"), the totals, and the feedback summary by district and per
event. One paragraph per cell, wrapped, so it prints as it reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openpyxl import Workbook

from bot.reports.feedback import MERGED, SMALL_GROUP, Feedback, Group
from bot.reports.feedback_sheets import district_names
from bot.reports.formats import Audience, FormatLine
from bot.reports.sheets import bold_row, new_sheet, wrapped
from bot.reports.snapshot import EventLine, ReachCell
from surveys.templates import QuestionKind, SurveyTemplate

if TYPE_CHECKING:
    from bot.reports.project import ReportContext


def plural_form(n: int, language: str) -> str:
    """The catalog suffix for a count: Russian has three forms, Kazakh one."""
    if language != "ru":
        return "one"
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


@dataclass
class Summary:
    """The feedback of one group (a district or an event), per template and question."""

    responses: int = 0
    averages: dict[tuple[str, str], float] = field(default_factory=dict)
    options: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)


def summaries(feedback: Feedback) -> dict[Group, Summary]:
    """Each group's summary from the analysis the feedback sheets show, small anonymous groups
    merged the same way, so the text and the sheets never disagree."""
    found: dict[Group, Summary] = defaultdict(Summary)
    for template_id, part in feedback.by_template.items():
        for group, count in part.responses.items():
            found[group].responses += count
        for question_id, per_group in part.questions.items():
            for group, stats in per_group.items():
                mean = stats.average
                if mean is not None:
                    found[group].averages[(template_id, question_id)] = mean
                if stats.options:
                    found[group].options[(template_id, question_id)] = dict(stats.options)
    return dict(found)


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def summary_text(ctx: ReportContext, summary: Summary) -> str:
    t = ctx.text
    # Fewer questionnaires than this give no figures, even merged: they would point at people.
    if summary.responses < SMALL_GROUP:
        return t("rep.txt.fb_small", n=summary.responses)
    parts: list[str] = []
    for key, template in ctx.templates.items():
        for question in template.questions:
            asked = (key, question.id)
            label = question.label(ctx.language)
            if question.kind is QuestionKind.SCALE and asked in summary.averages:
                parts.append(
                    t(
                        "rep.txt.fb_average",
                        question=label,
                        average=_number(summary.averages[asked]),
                        top=question.scale_max,
                    )
                )
            elif question.kind is QuestionKind.YESNO and asked in summary.averages:
                share = _number(100 * summary.averages[asked])
                parts.append(t("rep.txt.fb_yes", question=label, share=share))
            elif asked in summary.options:
                option, count = max(summary.options[asked].items(), key=lambda item: item[1])
                parts.append(
                    t(
                        "rep.txt.fb_top",
                        question=label,
                        option=_option(ctx, template, question.id, option),
                        n=count,
                    )
                )
    forms = t(f"rep.txt.questionnaires.{plural_form(summary.responses, ctx.language)}")
    head = t("rep.txt.fb_head", n=summary.responses, questionnaires=forms)
    return "; ".join([head, *parts]) + "."


def _option(ctx: ReportContext, template: SurveyTemplate, question_id: str, option_id: str) -> str:
    question = next(q for q in template.questions if q.id == question_id)
    option = question.option(option_id)
    return option.label(ctx.language) if option else ctx.text("sv.btn.other")


def event_line(ctx: ReportContext, event: EventLine, audience: Audience | None) -> str:
    t = ctx.text
    attended = audience.attended if audience else 0
    people = t(f"rep.txt.participants.{plural_form(attended, ctx.language)}", n=attended)
    where = ", ".join(
        part
        for part in (
            ctx.reference.districts.label(event.district, ctx.language) if event.district else "",
            event.place,
        )
        if part
    )
    line = t(
        "rep.txt.event",
        date=f"{event.starts_at.astimezone(ctx.tz):%d.%m.%Y}",
        where=where or "—",
        people=people,
    )
    largest = audience.largest() if audience else None
    if largest is not None and largest[0] is not None:
        label = ctx.reference.categories.label(largest[0], ctx.language)
        line = t("rep.txt.event_of", line=line, category=label, n=largest[1])
    return line


def paragraphs(
    ctx: ReportContext,
    title: str,
    held: list[EventLine],
    audiences: Mapping[int, Audience],
    formats: list[FormatLine],
    reach: tuple[int, Iterable[ReachCell]],
    feedback: tuple[Feedback, Feedback],
) -> list[tuple[bool, str]]:
    """(is a heading, text) in the order they are pasted; feedback: analysed by the
    respondent's district and by event."""
    t = ctx.text
    out: list[tuple[bool, str]] = [(True, title)]
    for line in formats:
        mine = [e for e in held if e.type == line.format]
        if not mine:
            continue
        out.append((True, t("rep.txt.format_head", format=t(f"evtype.{line.format}"), n=len(mine))))
        out += [
            (False, f"{number}. {event_line(ctx, event, audiences.get(event.id))}")
            for number, event in enumerate(mine, start=1)
        ]
    people, by_district = reach
    kinds = ", ".join(
        t("rep.txt.format_count", format=t(f"evtype.{line.format}"), n=line.held)
        for line in formats
        if line.held
    )
    districts = ", ".join(
        t("rep.txt.format_count", format=ctx.district(cell.district), n=cell.people)
        for cell in by_district
    )
    events_word = t(f"rep.txt.events.{plural_form(len(held), ctx.language)}", n=len(held))
    people_word = t(f"rep.txt.people.{plural_form(people, ctx.language)}", n=people)
    out.append((True, t("rep.txt.totals_head")))
    out.append(
        (
            False,
            t(
                "rep.txt.totals",
                events=events_word,
                formats=kinds or "—",
                people=people_word,
                districts=districts or "—",
            ),
        )
    )
    by_respondent, by_event = feedback
    per_district = summaries(by_respondent)
    out.append((True, t("rep.txt.fb_by_district")))
    out += [
        (False, f"{name}: {summary_text(ctx, per_district[group])}")
        for group, name in district_names(ctx, by_respondent).items()
    ]
    per_event = summaries(by_event)
    out.append((True, t("rep.txt.fb_by_event")))
    out += [
        (
            False,
            f"{event.starts_at.astimezone(ctx.tz):%d.%m.%Y}, {event.title(ctx.language)}: "
            + summary_text(ctx, per_event[event.id]),
        )
        for event in held
        if event.id in per_event
    ]
    if MERGED in per_event:
        merged = t("rep.fb.merged_events", n=SMALL_GROUP)
        out.append((False, f"{merged}: {summary_text(ctx, per_event[MERGED])}"))
    return out


def text_sheet(book: Workbook, ctx: ReportContext, lines: list[tuple[bool, str]]) -> None:
    sheet = new_sheet(book, ctx.text("rep.sheet.text"), (110,), 1)
    for number, (is_heading, text) in enumerate(lines):
        if is_heading:
            if number:
                sheet.blank()
            sheet.put(bold_row(sheet, [text]))
        else:
            sheet.put([wrapped(sheet, text)])
