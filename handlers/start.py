"""/start (with or without a deep-link payload) and /help."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.people.users import UserRecord
from bot.platform.commands import PARTICIPANT_COMMANDS, help_lines
from bot.reference import Reference
from bot.texts import Html, Translator
from handlers import onboarding
from handlers.links import START_PAYLOAD, needs_profile, open_link
from handlers.ui.keyboards import language_keyboard
from handlers.welcome import show_welcome


def build_router() -> Router:
    router = Router(name="start")

    @router.message(CommandStart())
    async def start(
        message: Message,
        command: CommandObject,
        user: UserRecord,
        t: Translator,
        state: FSMContext,
        reference: Reference,
        **data: Any,
    ) -> None:
        payload = command.args
        onboarded = onboarding.is_onboarded(user)
        opens_now = bool(payload) and (onboarded or not needs_profile(payload))
        if payload and (not user.language_chosen or not opens_now):
            # Kept so the person lands where the link pointed once the setup is over.
            await state.update_data({START_PAYLOAD: payload})
        if not user.language_chosen:
            await message.answer(t("lang.choose"), reply_markup=language_keyboard(t, user.language))
            return
        if opens_now:
            deps = {**data, "user": user, "t": t, "state": state, "reference": reference}
            await open_link(message, payload, deps)
            return
        if not onboarded:
            await onboarding.resume(message, user, state, t, reference)
            return
        await show_welcome(message, t, message.from_user.full_name if message.from_user else "")

    @router.message(Command("help"))
    async def help_(message: Message, t: Translator) -> None:
        await message.answer(t("help.text", commands=Html(help_lines(PARTICIPANT_COMMANDS, t))))

    return router
