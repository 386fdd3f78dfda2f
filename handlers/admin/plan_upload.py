"""An event plan sent to the bot as an .xlsx file from the project screen."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Document, Message

from bot.clock import Clock
from bot.events.plan import PlanError, RowError, read_plan_file
from bot.events.service import EventService
from bot.people.users import UserRecord
from bot.platform.telegram_text import clip_html
from bot.reference import Reference
from bot.texts import Translator
from surveys.templates import SurveyTemplate

PROJECT_ID = "plan_project"
MAX_BYTES = 5 * 1024 * 1024
ERRORS_SHOWN = 30


class PlanUpload(StatesGroup):
    file = State()


async def ask_for_plan(message: Message, state: FSMContext, t: Translator, project_id: int) -> None:
    await state.set_state(PlanUpload.file)
    await state.update_data({PROJECT_ID: project_id})
    await message.answer(t("imp.ask"))


def describe(errors: list[RowError], t: Translator) -> str:
    lines = [
        t(
            "imp.error_line_sheet" if error.sheet else "imp.error_line",
            sheet=error.sheet,
            row=error.row,
            column=t(f"imp.column.{error.column}") if error.column else "—",
            reason=t(f"imp.error.{error.reason}"),
        )
        for error in errors[:ERRORS_SHOWN]
    ]
    if len(errors) > ERRORS_SHOWN:
        lines.append(t("imp.more_errors", n=len(errors) - ERRORS_SHOWN))
    return "\n".join(lines)


def build_router() -> Router:
    router = Router(name="admin-plan-upload")

    @router.message(StateFilter(PlanUpload.file), F.document.as_("document"))
    async def upload(
        message: Message,
        document: Document,
        state: FSMContext,
        bot: Bot,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        reference: Reference,
        user: UserRecord,
        events: EventService,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        project = await events.project(int((await state.get_data()).get(PROJECT_ID) or 0))
        if project is None:
            await state.clear()
            await message.answer(t("proj.gone"))
            return
        if not (document.file_name or "").lower().endswith(".xlsx"):
            await message.answer(t("imp.not_xlsx"))
            return
        if (document.file_size or 0) > MAX_BYTES:
            await message.answer(t("imp.too_big"))
            return
        buffer = io.BytesIO()
        await bot.download(document, destination=buffer)
        now = clock.now()
        try:
            plan = read_plan_file(
                buffer.getvalue(), project.id, tz, reference, now, survey_templates
            )
        except PlanError as error:
            text = t("imp.failed") + "\n" + describe(error.errors, t)
            await message.answer(clip_html(text))
            return
        count = await events.import_plan(project.id, plan.events, user.id, plan.targets)
        await state.clear()
        done = [t.plural("imp.done", count, title=project.title(t.language))] if count else []
        if plan.targets is not None:
            done.append(t.plural("imp.targets_done", len(plan.targets)))
        await message.answer("\n".join(done))

    @router.message(StateFilter(PlanUpload.file), ~F.text.startswith("/"))
    async def not_a_file(message: Message, t: Translator) -> None:
        await message.answer(t("imp.ask"))

    return router
