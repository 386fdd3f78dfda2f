"""/start and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.commands import PARTICIPANT_COMMANDS, help_lines
from bot.i18n import Html, Translator
from bot.repositories.users import UserRecord
from handlers.keyboards import language_keyboard

START_PAYLOAD = "start_payload"


async def show_welcome(message: Message, t: Translator, name: str) -> None:
    await message.answer(t("start.welcome", name=name))


def build_router() -> Router:
    router = Router(name="start")

    @router.message(CommandStart())
    async def start(
        message: Message, command: CommandObject, user: UserRecord, t: Translator, state: FSMContext
    ) -> None:
        if not user.language_chosen:
            # Keep the deep-link payload so the person lands where the link pointed after setup.
            await state.update_data({START_PAYLOAD: command.args})
            await message.answer(t("lang.choose"), reply_markup=language_keyboard(t, user.language))
            return
        await show_welcome(message, t, message.from_user.full_name if message.from_user else "")

    @router.message(Command("help"))
    async def help_(message: Message, t: Translator) -> None:
        await message.answer(t("help.text", commands=Html(help_lines(PARTICIPANT_COMMANDS, t))))

    return router
