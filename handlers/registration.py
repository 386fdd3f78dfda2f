"""Signing up from the event card: register (one tap plus a confirmation), apply with a short
motivation, cancel, take or decline an offered seat, get the .ics file. One handler per button;
`EventFromButton` hands each the event its button points at. Every button of a cancelled
event's old messages but "No" just says the event is cancelled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.errors import StaleButtonError
from bot.events.model import Event, EventStatus
from bot.events.service import EventService
from bot.ics import event_calendar
from bot.people.users import UserRecord
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.reference import Reference
from bot.registration.rules import (
    MotivationError,
    RegisterResult,
    RegistrationStatus,
    clean_motivation,
)
from bot.registration.service import RegisterOutcome, RegistrationService
from bot.texts import Translator
from handlers.catalogue import render_card
from handlers.filters import EventFromButton
from handlers.ui.callbacks import EventAction, EventCallback
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import status_text, when

EVENT_ID = "apply_event_id"


class ApplyForm(StatesGroup):
    motivation = State()


def _yes_no(t: Translator, yes_key: str, yes: EventAction, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t(yes_key), callback_data=EventCallback(action=yes, event_id=event_id))
    builder.button(
        text=t("reg.btn.no"),
        callback_data=EventCallback(action=EventAction.KEEP, event_id=event_id),
    )
    return builder.as_markup()


def _cancel_only(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("reg.btn.no"),
        callback_data=EventCallback(action=EventAction.KEEP, event_id=event_id),
    )
    return builder.as_markup()


async def ask_to_register(
    query: CallbackQuery, message: Message, event: Event, t: Translator, tz: ZoneInfo
) -> None:
    await message.answer(
        t("reg.confirm", title=event.title(t.language), when=when(event, tz)),
        reply_markup=_yes_no(t, "reg.btn.yes_register", EventAction.CONFIRM, event.id),
    )


async def register(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    clock: Clock,
    registration: RegistrationService,
) -> None:
    outcome = await registration.register(event.id, user.id)
    await edit_in_place(message, _outcome_text(outcome, event.title(t.language), t))
    if outcome.result in (RegisterResult.CONFIRMED, RegisterResult.WAITLISTED):
        text, markup = await render_card(event, user, t, tz, reference, clock.now(), registration)
        await message.answer(text, reply_markup=markup)


async def ask_motivation(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    registration: RegistrationService,
) -> None:
    existing = await registration.own(event.id, user.id)
    if existing is not None and existing.status is RegistrationStatus.APPLIED:
        callback_answer.text = clip(
            t("reg.already", status=status_text(existing.status, t)), CALLBACK_ANSWER_LIMIT
        )
        return
    await state.set_state(ApplyForm.motivation)
    await state.update_data({EVENT_ID: event.id})
    await message.answer(
        t("reg.apply_ask", title=event.title(t.language)), reply_markup=_cancel_only(t, event.id)
    )


async def keep(query: CallbackQuery, message: Message, t: Translator, state: FSMContext) -> None:
    """'No' to any of the questions: nothing changes."""
    if await state.get_state() == ApplyForm.motivation.state:
        await state.clear()
    await edit_in_place(message, t("reg.nothing_changed"))


async def ask_to_cancel(
    query: CallbackQuery, message: Message, event: Event, t: Translator
) -> None:
    await message.answer(
        t("reg.cancel_confirm", title=event.title(t.language)),
        reply_markup=_yes_no(t, "reg.btn.yes_cancel", EventAction.CANCEL_CONFIRM, event.id),
    )


async def cancel(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    done = await registration.cancel(event.id, user.id)
    key = "reg.cancelled" if done else "reg.cancel_failed"
    await edit_in_place(message, t(key, title=event.title(t.language)))


async def decline_offer(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    done = await registration.decline_offer(event.id, user.id)
    key = "reg.declined" if done else "reg.decline_stale"
    await edit_in_place(message, t(key, title=event.title(t.language)))


async def accept_offer(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    taken = await registration.accept_offer(event.id, user.id)
    key = "reg.offer_taken" if taken else "reg.offer_gone"
    await edit_in_place(message, t(key, title=event.title(t.language)))


async def send_calendar(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    clock: Clock,
    registration: RegistrationService,
) -> None:
    if not await registration.holds_seat(event.id, user.id):
        raise StaleButtonError(query.data or "")
    await _send_calendar(message, event, t, clock.now())


async def motivation(
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    events: EventService,
    registration: RegistrationService,
) -> None:
    event_id = (await state.get_data()).get(EVENT_ID)
    event = await events.get(int(event_id)) if event_id else None
    if event is None:
        await state.clear()
        await message.answer(t("reg.closed"))
        return
    if event.status is EventStatus.CANCELLED:
        await state.clear()
        await message.answer(t("reg.event_cancelled", title=event.title(t.language)))
        return
    try:
        text = clean_motivation(message.text or "")
    except MotivationError as error:
        await message.answer(
            t(f"reg.motivation.{error.reason}"), reply_markup=_cancel_only(t, event.id)
        )
        return
    outcome = await registration.register(event.id, user.id, text)
    await state.clear()
    await message.answer(_outcome_text(outcome, event.title(t.language), t))


async def event_cancelled(
    query: CallbackQuery, event: Event, t: Translator, callback_answer: CallbackAnswer
) -> None:
    """A button of an old card (or confirmation, or offer) of an event cancelled since: said
    at once, with nothing asked and nothing sent."""
    callback_answer.text = clip(
        # An alert is plain text: a title with "&" must not read "&amp;".
        t.plain("reg.event_cancelled", title=event.title(t.language)),
        CALLBACK_ANSWER_LIMIT,
    )
    callback_answer.show_alert = True


def _is_cancelled(_: CallbackQuery, event: Event) -> bool:
    return event.status is EventStatus.CANCELLED


CallbackHandler = Callable[..., Awaitable[None]]

# The buttons that sign the person up: they need a finished profile.
SIGN_UP: dict[EventAction, CallbackHandler] = {
    EventAction.REGISTER: ask_to_register,
    EventAction.CONFIRM: register,
    EventAction.APPLY: ask_motivation,
}


# The other buttons a cancelled event's old messages carry; KEEP ("No") changes nothing anyway.
AFTER_SIGN_UP = frozenset(
    {
        EventAction.CANCEL,
        EventAction.CANCEL_CONFIRM,
        EventAction.DECLINE,
        EventAction.ACCEPT,
        EventAction.CALENDAR,
    }
)


def _guard_cancelled(router: Router, actions: Iterable[EventAction]) -> None:
    """Registered before the buttons' own handlers, so a cancelled event never gets to them."""
    router.callback_query.register(
        event_cancelled,
        EventCallback.filter(F.action.in_(frozenset(actions))),
        EventFromButton(),
        _is_cancelled,
    )


def _register_buttons(router: Router, handlers: dict[EventAction, CallbackHandler]) -> None:
    for action, handler in handlers.items():
        router.callback_query.register(
            handler,
            EventCallback.filter(F.action == action),
            F.message.as_("message"),
            EventFromButton(),
        )


def build_onboarded_router() -> Router:
    """Signing up needs a finished profile (handlers/start.py puts this behind the gate)."""
    router = Router(name="registration-onboarded")
    _guard_cancelled(router, SIGN_UP)
    _register_buttons(router, SIGN_UP)
    return router


def build_router() -> Router:
    router = Router(name="registration")
    _guard_cancelled(router, AFTER_SIGN_UP)
    _register_buttons(
        router,
        {
            EventAction.KEEP: keep,
            EventAction.CANCEL: ask_to_cancel,
            EventAction.CANCEL_CONFIRM: cancel,
            EventAction.DECLINE: decline_offer,
            EventAction.ACCEPT: accept_offer,
            EventAction.CALENDAR: send_calendar,
        },
    )
    router.message.register(motivation, StateFilter(ApplyForm.motivation), ~F.text.startswith("/"))
    return router


def _outcome_text(outcome: RegisterOutcome, title: str, t: Translator) -> str:
    if outcome.result is RegisterResult.ALREADY and outcome.status is not None:
        return t("reg.already", status=status_text(outcome.status, t, outcome.position))
    if outcome.result is RegisterResult.WAITLISTED:
        return t("reg.waitlisted", title=title, n=outcome.position or 0)
    return t(f"reg.{outcome.result.value}", title=title)


async def _send_calendar(message: Message, event: Event, t: Translator, now: datetime) -> None:
    data = event_calendar(
        event,
        title=event.title(t.language),
        place=event.place,
        description=event.description(t.language),
        now=now,
        domain="civic-events-bot",
    )
    await message.answer_document(
        BufferedInputFile(data, filename=f"event-{event.code}.ics"),
        caption=t("reg.calendar_caption"),
    )
