"""The coordinator side. Every handler sits behind a role check made on the server for each
update; a participant who sends a coordinator command or a forged coordinator button reaches the
`deny` router and is told it is not allowed. Coordinator callback prefixes start with "A"."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.platform.commands import COORDINATOR_COMMANDS
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import Translator
from handlers.admin import (
    applications,
    audit_log,
    event_form,
    event_screen,
    exports,
    messages,
    panel,
    plan_upload,
    share,
    stats,
    survey_results,
    team,
    walkins,
)
from handlers.filters import CoordinatorFilter

ADMIN_CALLBACK_PREFIX = "A"


def build_router() -> Router:
    admin = Router(name="admin")
    staff = Router(name="admin-staff")
    staff.message.filter(CoordinatorFilter())
    staff.callback_query.filter(CoordinatorFilter())
    staff.include_routers(
        panel.build_router(),
        event_form.build_router(),
        event_screen.build_router(),
        applications.build_router(),
        team.build_router(),
        messages.build_router(),
        plan_upload.build_router(),
        walkins.build_router(),
        stats.build_router(),
        survey_results.build_router(),
        exports.build_router(),
        share.build_router(),
        audit_log.build_router(),
    )
    admin.include_routers(staff, _deny_router())
    return admin


def _deny_router() -> Router:
    deny = Router(name="admin-deny")
    deny.message.filter(~CoordinatorFilter())
    deny.callback_query.filter(~CoordinatorFilter())

    @deny.message(Command(*(c.name for c in COORDINATOR_COMMANDS)))
    async def refuse_command(message: Message, t: Translator) -> None:
        await message.answer(t("admin.not_allowed"))

    @deny.callback_query(F.data.startswith(ADMIN_CALLBACK_PREFIX))
    async def refuse_button(
        query: CallbackQuery, t: Translator, callback_answer: CallbackAnswer
    ) -> None:
        callback_answer.text = clip(t("admin.not_allowed"), CALLBACK_ANSWER_LIMIT)
        callback_answer.show_alert = True

    return deny
