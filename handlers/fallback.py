"""Whatever no other router took: an unknown command or a stray message gets a polite hint."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.errors import StaleButtonError
from bot.texts import Translator


def build_router() -> Router:
    router = Router(name="fallback")

    @router.message(F.text.startswith("/"))
    async def unknown_command(message: Message, t: Translator) -> None:
        await message.answer(t("fallback.unknown_command"))

    @router.message()
    async def stray(message: Message, t: Translator) -> None:
        await message.answer(t("fallback.unknown_message"))

    @router.callback_query()
    async def unknown_button(query: CallbackQuery) -> None:
        # A button from an older version of the bot, or with data we no longer understand.
        raise StaleButtonError(query.data or "")

    return router
