"""/language and the language buttons."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.texts import Texts, Translator
from handlers import onboarding
from handlers.links import START_PAYLOAD, needs_profile, open_link
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
    state: FSMContext,
    **data: Any,
) -> None:
    language = callback_data.code.value
    await people.choose_language(user.id, language)
    t = texts.of(language)
    await edit_in_place(message, t("lang.changed" if language != user.language else "lang.kept"))
    if not user.language_chosen:
        chosen = replace(user, language=language, language_chosen=True)
        await _first_step(message, chosen, t, people, state, {**data, "texts": texts})


async def _first_step(
    message: Message,
    user: UserRecord,
    t: Translator,
    people: PeopleService,
    state: FSMContext,
    data: dict[str, Any],
) -> None:
    """After the first choice of a language: the link the person came with, if it needs no
    profile (an invitation), then a coordinator's name or everyone else's consent."""
    payload = (await state.get_data()).get(START_PAYLOAD)
    opens = bool(payload) and not needs_profile(payload)
    if opens:
        await state.update_data({START_PAYLOAD: None})
        deps = {**data, "user": user, "t": t, "state": state, "people": people}
        await open_link(message, payload, deps)
    if await people.is_coordinator(user.id):
        await onboarding.greet_staff(message, user, state, t)
    elif not opens:
        await onboarding.offer_consent(message, t)


def build_router() -> Router:
    router = Router(name="language")
    router.message.register(ask, Command("language"))
    router.callback_query.register(choose, LanguageCallback.filter(), F.message.as_("message"))
    return router
