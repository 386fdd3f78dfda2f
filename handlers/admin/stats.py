"""/stats: for each project, events held, registrations, attendance and unique people
reached, by district; then a picture per project of reach and ratings by district."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.clock import Clock
from bot.events.service import EventService
from bot.platform.telegram_text import split_html
from bot.reference import Reference
from bot.reports.project import ReportContext
from bot.reports.service import ReportService
from bot.texts import Translator
from surveys.templates import SurveyTemplate


def build_router() -> Router:
    router = Router(name="admin-stats")

    @router.message(Command("stats"))
    async def stats(
        message: Message,
        t: Translator,
        clock: Clock,
        tz: ZoneInfo,
        reference: Reference,
        survey_templates: dict[str, SurveyTemplate],
        events: EventService,
        reporting: ReportService,
    ) -> None:
        projects = await events.projects()
        if not projects:
            await message.answer(t("adm.no_projects"))
            return
        blocks = []
        for project in projects:
            numbers = await reporting.project_stats(project.id)
            lines = [
                t(
                    "stats.project",
                    title=project.title(t.language),
                    held=numbers.events_held,
                    planned=numbers.events_planned,
                    registrations=numbers.registrations,
                    attendances=numbers.total.attendances,
                    people=numbers.total.people,
                )
            ]
            for district, reach in numbers.by_district.items():
                lines.append(
                    t(
                        "stats.district",
                        district=reference.districts.label(district, t.language),
                        people=reach.people,
                        attendances=reach.attendances,
                    )
                )
            plan = await reporting.plan_against_fact(project.id)
            planned = [(t(f"evtype.{line.format}"), line) for line in plan.events]
            if plan.reach is not None:
                planned.append((t("stats.plan_reach"), plan.reach))
            if planned:
                lines.append(t("stats.plan_head"))
            for label, line in planned:
                lines.append(
                    t(
                        "stats.plan_line",
                        what=label,
                        planned=line.planned,
                        held=line.held,
                        diff=f"{line.difference:+d}",
                    )
                )
            blocks.append("\n".join(lines))
        for chunk in split_html("\n\n".join(blocks)):
            await message.answer(chunk)
        ctx = ReportContext(t.plain, t.language, reference, survey_templates, tz, clock.now())
        for project in projects:
            picture = await reporting.chart(project.id, ctx)
            if picture is not None:
                await message.answer_photo(
                    BufferedInputFile(picture, filename=f"stats-{project.id}.png"),
                    caption=t("stats.chart_caption", title=project.title(t.language)),
                )

    return router
