"""/language and the language buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.texts import Texts, Translator
from handlers import onboarding
from handlers.ui.callbacks import LanguageCallback
from handlers.ui.editing import edit_in_place
from handlers.ui.keyboards import language_keyboard


async def ask(message: Message, user: UserRecord, t: Translator) -> None:
    await message.answer(t("lang.choose"), reply_markup=language_keyboard(t, user.language))


async def choose(
    query: CallbackQuery,
    callback_data: LanguageCallback,
    message: Message,
    user: UserRecord,
    texts: Texts,
    people: PeopleService,
) -> None:
    language = callback_data.code.value
    await people.choose_language(user.id, language)
    t = texts.of(language)
    await edit_in_place(message, t("lang.changed"))
    if not user.language_chosen:
        await onboarding.offer_consent(message, t)


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask, Command("language"))
    router.callback_query.register(choose, LanguageCallback.filter(), F.message.as_("message"))
    return router
