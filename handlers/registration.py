"""Signing up from the event card: register (one tap plus a confirmation), apply with a short
motivation, cancel, take or decline an offered seat, get the .ics file."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.errors import StaleButtonError
from bot.events import Event
from bot.i18n import Translator
from bot.ics import event_calendar
from bot.reference import Reference
from bot.registration import (
    MotivationError,
    RegisterResult,
    RegistrationStatus,
    clean_motivation,
)
from bot.repositories import registrations
from bot.repositories.events import get_event
from bot.repositories.users import UserRecord
from bot.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from handlers import onboarding
from handlers.catalogue import render_card, visible
from handlers.editing import edit_in_place
from handlers.event_view import status_text, when
from handlers.links import START_PAYLOAD
from handlers.notify import notify_promotions
from handlers.participant_callbacks import EventAction, EventCallback

EVENT_ID = "apply_event_id"


class ApplyForm(StatesGroup):
    motivation = State()


def _yes_no(t: Translator, yes_key: str, yes: EventAction, event_id: int) -> Any:
    builder = InlineKeyboardBuilder()
    builder.button(text=t(yes_key), callback_data=EventCallback(action=yes, event_id=event_id))
    builder.button(
        text=t("reg.btn.no"),
        callback_data=EventCallback(action=EventAction.KEEP, event_id=event_id),
    )
    return builder.as_markup()


def build_router() -> Router:
    router = Router(name="registration")
    actions = F.action.in_(
        {
            EventAction.REGISTER,
            EventAction.CONFIRM,
            EventAction.APPLY,
            EventAction.CANCEL,
            EventAction.CANCEL_CONFIRM,
            EventAction.KEEP,
            EventAction.ACCEPT,
            EventAction.DECLINE,
            EventAction.CALENDAR,
        }
    )

    @router.callback_query(EventCallback.filter(actions), F.message.as_("message"))
    async def act(
        query: CallbackQuery,
        callback_data: EventCallback,
        message: Message,
        db: Database,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        reference: Reference,
        clock: Clock,
        settings: Settings,
        bot: Bot,
        i18n: I18n,
        state: FSMContext,
        callback_answer: CallbackAnswer,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None or not visible(event):
            raise StaleButtonError(query.data or "")
        now = clock.now()
        action = callback_data.action
        title = event.title(t.language)

        signing_up = action in (EventAction.REGISTER, EventAction.APPLY, EventAction.CONFIRM)
        if signing_up and not onboarding.is_onboarded(user):
            await state.update_data({START_PAYLOAD: f"e_{event.code}"})
            callback_answer.text = clip(t("reg.need_profile"), CALLBACK_ANSWER_LIMIT)
            await onboarding.resume(message, user, state, t, reference)
            return

        if action is EventAction.REGISTER:
            await message.answer(
                t("reg.confirm", title=title, when=when(event, tz)),
                reply_markup=_yes_no(t, "reg.btn.yes_register", EventAction.CONFIRM, event.id),
            )
        elif action is EventAction.CONFIRM:
            outcome = await registrations.register(db, event.id, user.id, now)
            await edit_in_place(
                message, _outcome_text(outcome.result, outcome.status, outcome.position, title, t)
            )
            if outcome.result in (RegisterResult.CONFIRMED, RegisterResult.WAITLISTED):
                text, markup = await render_card(db, event, user, t, tz, reference, now)
                await message.answer(text, reply_markup=markup)
        elif action is EventAction.APPLY:
            existing = await registrations.get(db, event.id, user.id)
            if existing is not None and existing.status is RegistrationStatus.APPLIED:
                callback_answer.text = clip(
                    t("reg.already", status=status_text(existing.status, t)), CALLBACK_ANSWER_LIMIT
                )
                return
            await state.set_state(ApplyForm.motivation)
            await state.update_data({EVENT_ID: event.id})
            await message.answer(
                t("reg.apply_ask", title=title),
                reply_markup=_cancel_only(t, event.id),
            )
        elif action is EventAction.KEEP:
            if await state.get_state() == ApplyForm.motivation.state:
                await state.set_state(None)
            await edit_in_place(message, t("reg.nothing_changed"))
        elif action is EventAction.CANCEL:
            await message.answer(
                t("reg.cancel_confirm", title=title),
                reply_markup=_yes_no(t, "reg.btn.yes_cancel", EventAction.CANCEL_CONFIRM, event.id),
            )
        elif action in (EventAction.CANCEL_CONFIRM, EventAction.DECLINE):
            done, promotions = await registrations.cancel(
                db,
                event.id,
                user.id,
                now,
                settings.offer_policy,
                only=RegistrationStatus.OFFERED if action is EventAction.DECLINE else None,
            )
            # A repeated tap finds the registration already cancelled: that is its outcome.
            done = done or await _now_in(db, event.id, user.id, RegistrationStatus.CANCELLED)
            if action is EventAction.DECLINE:
                key = "reg.declined" if done else "reg.decline_stale"
            else:
                key = "reg.cancelled" if done else "reg.cancel_failed"
            await edit_in_place(message, t(key, title=title))
            await notify_promotions(bot, db, i18n, tz, clock, promotions)
        elif action is EventAction.ACCEPT:
            taken = await registrations.accept_offer(db, event.id, user.id, now)
            taken = taken or await _now_in(db, event.id, user.id, RegistrationStatus.CONFIRMED)
            await edit_in_place(
                message, t("reg.offer_taken" if taken else "reg.offer_gone", title=title)
            )
        elif action is EventAction.CALENDAR:
            if not await registrations.holds_seat(db, event.id, user.id):
                raise StaleButtonError(query.data or "")
            await _send_calendar(message, event, t, now)

    @router.message(StateFilter(ApplyForm.motivation), ~F.text.startswith("/"))
    async def motivation(
        message: Message,
        state: FSMContext,
        db: Database,
        user: UserRecord,
        t: Translator,
        clock: Clock,
    ) -> None:
        event_id = (await state.get_data()).get(EVENT_ID)
        event = await get_event(db, int(event_id)) if event_id else None
        if event is None:
            await state.set_state(None)
            await message.answer(t("reg.closed"))
            return
        try:
            text = clean_motivation(message.text or "")
        except MotivationError as error:
            await message.answer(
                t(f"reg.motivation.{error.reason}"), reply_markup=_cancel_only(t, event.id)
            )
            return
        outcome = await registrations.register(db, event.id, user.id, clock.now(), text)
        await state.set_state(None)
        await message.answer(
            _outcome_text(
                outcome.result, outcome.status, outcome.position, event.title(t.language), t
            )
        )

    return router


async def _now_in(db: Database, event_id: int, user_id: int, status: RegistrationStatus) -> bool:
    mine = await registrations.get(db, event_id, user_id)
    return mine is not None and mine.status is status


def _cancel_only(t: Translator, event_id: int) -> Any:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("reg.btn.no"),
        callback_data=EventCallback(action=EventAction.KEEP, event_id=event_id),
    )
    return builder.as_markup()


def _outcome_text(
    result: RegisterResult,
    status: RegistrationStatus | None,
    position: int | None,
    title: str,
    t: Translator,
) -> str:
    if result is RegisterResult.ALREADY and status is not None:
        return t("reg.already", status=status_text(status, t, position))
    if result is RegisterResult.WAITLISTED:
        return t("reg.waitlisted", title=title, n=position or 0)
    return t(f"reg.{result.value}", title=title)


async def _send_calendar(message: Message, event: Event, t: Translator, now: Any) -> None:
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
