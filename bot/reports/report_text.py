"""The report's text, ready to paste into the funder's form in the coordinator's language: the
events in the form funders' reports use ("13.06.2026 — Ауэзовский район, акимат района: 31
участник, из них членов ИПГ 25"), the totals, and the feedback summary by district and per
event. One paragraph per cell, wrapped, so it prints as it reads."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from bot.reports.formats import Audience, FormatLine
from bot.reports.sheets import bold_row, new_sheet, wrapped
from bot.reports.snapshot import EventLine, ReachCell
from surveys.templates import QuestionKind, SurveyTemplate

if TYPE_CHECKING:
    from bot.reports.project import ReportContext

# Fewer questionnaires than this in a group give no figures: they would point at people.
SMALL_GROUP = 3


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


def feedback_summaries(conn: sqlite3.Connection, project_id: int, key: str) -> dict[Any, Summary]:
    """key: "r.district" (the respondent's, at the event) or "r.event_id"."""
    scope = (
        "FROM survey_responses r JOIN events e ON e.id = r.event_id "
        "WHERE e.project_id = ? AND e.status != 'cancelled' AND r.completed_at IS NOT NULL"
    )
    found: dict[Any, Summary] = defaultdict(Summary)
    for group, count in conn.execute(
        f"SELECT {key}, COUNT(*) {scope} GROUP BY {key}", (project_id,)
    ):
        found[group].responses = count
    answers = scope.replace(
        "FROM survey_responses r",
        "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id",
        1,
    )
    for group, template, question, average in conn.execute(
        f"SELECT {key}, r.template, a.question_id, AVG(a.value_number) {answers} "
        f"AND a.value_number IS NOT NULL GROUP BY {key}, r.template, a.question_id",
        (project_id,),
    ):
        found[group].averages[(template, question)] = float(average)
    for group, template, question, option, count in conn.execute(
        f"SELECT {key}, r.template, a.question_id, j.value, COUNT(*) "
        f"{answers.replace('WHERE', ', json_each(a.value_choices) j WHERE', 1)} "
        f"AND a.value_choices IS NOT NULL GROUP BY {key}, r.template, a.question_id, j.value",
        (project_id,),
    ):
        found[group].options.setdefault((template, question), {})[str(option)] = count
    return dict(found)


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def summary_text(ctx: ReportContext, summary: Summary) -> str:
    t = ctx.text
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
    feedback: tuple[dict[Any, Summary], dict[Any, Summary]],
) -> list[tuple[bool, str]]:
    """(is a heading, text) in the order they are pasted."""
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
    by_district_fb, by_event_fb = feedback
    out.append((True, t("rep.txt.fb_by_district")))
    out += [
        (False, f"{ctx.district(code)}: {summary_text(ctx, summary)}")
        for code, summary in by_district_fb.items()
    ]
    out.append((True, t("rep.txt.fb_by_event")))
    out += [
        (
            False,
            f"{event.starts_at.astimezone(ctx.tz):%d.%m.%Y}, {event.title(ctx.language)}: "
            + summary_text(ctx, by_event_fb[event.id]),
        )
        for event in held
        if event.id in by_event_fb
    ]
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
