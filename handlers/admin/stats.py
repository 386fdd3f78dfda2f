"""/stats: for each project, events held, registrations, attendance and unique people
reached, by district."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.clock import Clock
from bot.db import Database
from bot.i18n import Translator
from bot.reference import Reference
from bot.repositories.events import list_projects
from bot.repositories.reports import project_stats
from bot.telegram_text import split_html


def build_router() -> Router:
    router = Router(name="admin-stats")

    @router.message(Command("stats"))
    async def stats(
        message: Message, db: Database, t: Translator, clock: Clock, reference: Reference
    ) -> None:
        projects = await list_projects(db)
        if not projects:
            await message.answer(t("adm.no_projects"))
            return
        blocks = []
        for project in projects:
            numbers = await project_stats(db, project.id, clock.now())
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
            blocks.append("\n".join(lines))
        for chunk in split_html("\n\n".join(blocks)):
            await message.answer(chunk)

    return router
