"""/language and the language buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.clock import Clock
from bot.db import Database
from bot.i18n import Translator
from bot.people import users
from bot.people.users import UserRecord
from handlers import onboarding
from handlers.callbacks import LanguageCallback
from handlers.editing import edit_in_place
from handlers.keyboards import language_keyboard


def build_router() -> Router:
    router = Router(name="language")

    @router.message(Command("language"))
    async def ask(message: Message, user: UserRecord, t: Translator) -> None:
        await message.answer(t("lang.choose"), reply_markup=language_keyboard(t, user.language))

    @router.callback_query(LanguageCallback.filter(), F.message.as_("message"))
    async def choose(
        query: CallbackQuery,
        callback_data: LanguageCallback,
        message: Message,
        user: UserRecord,
        db: Database,
        clock: Clock,
        i18n: I18n,
    ) -> None:
        language = callback_data.code.value
        await users.choose_language(db, user.id, language, clock.now())
        t = Translator(i18n, language)
        await edit_in_place(message, t("lang.changed"))
        if not user.language_chosen:
            await onboarding.offer_consent(message, t)

    return router
