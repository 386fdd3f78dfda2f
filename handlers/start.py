"""/start (with or without a deep-link payload), /help, and the gate in front of what needs a
finished profile: signing up, checking in, the profile itself. Those run for people who have
one; everyone else is taken to the step of onboarding they are at, and, once it is done, to
where they were going."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.config import Settings
from bot.deeplinks import DeepLink, LinkKind
from bot.events.model import Event
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.commands import PARTICIPANT_COMMANDS, help_lines
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.reference import Reference
from bot.texts import Html, Translator
from handlers import checkin, onboarding, profile, registration
from handlers.filters import EventFromButton, LanguageKnown, Onboarded
from handlers.links import START_PAYLOAD, needs_profile, open_link
from handlers.ui.callbacks import EventCallback, ProfileEditCallback
from handlers.ui.keyboards import language_keyboard
from handlers.welcome import show_welcome


async def choose_language_first(
    message: Message, command: CommandObject, user: UserRecord, t: Translator, state: FSMContext
) -> None:
    if command.args:
        # Kept so the person lands where the link pointed once the setup is over.
        await state.update_data({START_PAYLOAD: command.args})
    await message.answer(t("lang.choose"), reply_markup=language_keyboard(t, user.language))


async def start(
    message: Message,
    command: CommandObject,
    user: UserRecord,
    t: Translator,
    state: FSMContext,
    reference: Reference,
    **data: Any,
) -> None:
    if command.args:
        deps = {**data, "user": user, "t": t, "state": state, "reference": reference}
        await open_link(message, command.args, deps)
        return
    await show_welcome(message, t, message.from_user.full_name if message.from_user else "")


async def start_newcomer(
    message: Message,
    command: CommandObject,
    user: UserRecord,
    t: Translator,
    state: FSMContext,
    reference: Reference,
    people: PeopleService,
    **data: Any,
) -> None:
    """Someone without a profile: a link that needs one waits for it; a coordinator goes to
    the panel with a name only (after their invitation, if that is the link)."""
    payload = command.args
    if payload and needs_profile(payload):
        await state.update_data({START_PAYLOAD: payload})
        await onboarding.resume(message, user, state, t, reference, data["settings"])
        return
    if payload:
        deps = {**data, "user": user, "t": t, "state": state, "reference": reference}
        await open_link(message, payload, {**deps, "people": people})
    if await people.is_coordinator(user.id):
        await onboarding.greet_staff(message, user, state, t)
    elif not payload:
        await onboarding.resume(message, user, state, t, reference, data["settings"])


async def help_(message: Message, t: Translator) -> None:
    await message.answer(t("help.text", commands=Html(help_lines(PARTICIPANT_COMMANDS, t))))


async def resume_onboarding(
    message: Message,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    await onboarding.resume(message, user, state, t, reference, settings)


async def resume_from_button(
    query: CallbackQuery,
    message: Message,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    await onboarding.resume(message, user, state, t, reference, settings)


async def sign_up_after_profile(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    callback_answer: CallbackAnswer,
    settings: Settings,
) -> None:
    """Back to this event's card once the profile is done."""
    await state.update_data({START_PAYLOAD: DeepLink(LinkKind.EVENT, event.code).payload})
    callback_answer.text = clip(t("reg.need_profile"), CALLBACK_ANSWER_LIMIT)
    await onboarding.resume(message, user, state, t, reference, settings)


def _onboarded() -> Router:
    router = Router(name="onboarded")
    router.message.filter(Onboarded())
    router.callback_query.filter(Onboarded())
    router.message.register(start, CommandStart())
    router.include_routers(
        registration.build_onboarded_router(),
        checkin.build_onboarded_router(),
        profile.build_onboarded_router(),
    )
    return router


def _newcomers() -> Router:
    """Whatever the onboarded router takes, for everyone else."""
    router = Router(name="newcomers")
    router.message.filter(~Onboarded())
    router.callback_query.filter(~Onboarded())
    router.message.register(start_newcomer, CommandStart())
    router.message.register(resume_onboarding, Command("checkin", "profile"))
    router.callback_query.register(
        resume_from_button, ProfileEditCallback.filter(), F.message.as_("message")
    )
    router.callback_query.register(
        sign_up_after_profile,
        EventCallback.filter(F.action.in_(registration.SIGN_UP)),
        F.message.as_("message"),
        EventFromButton(),
    )
    return router


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(choose_language_first, CommandStart(), ~LanguageKnown())
    router.message.register(help_, Command("help"))
    router.include_routers(_onboarded(), _newcomers())
    return router
