"""Checking in at the venue: scanning the QR code at the entrance (a deep link) or typing the
six-digit code the coordinator announces (/checkin)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from bot.checkin import store as checkins
from bot.checkin.links import opens, read_checkin_link
from bot.checkin.rules import CheckinMethod, CheckinResult, window
from bot.checkin.service import CheckinService
from bot.clock import Clock, format_local
from bot.deeplinks import DeepLink
from bot.events.model import Event
from bot.events.store import get_event, get_event_by_code
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.reference import Reference
from bot.texts import Translator
from handlers import onboarding

CODE_LENGTH = 6


class CheckinForm(StatesGroup):
    code = State()


def result_text(result: CheckinResult, event: Event, t: Translator, tz: ZoneInfo) -> str:
    opens, closes = window(event)
    return t(
        f"ci.{result.value}",
        title=event.title(t.language),
        opens=format_local(opens, tz),
        closes=format_local(closes, tz),
    )


async def open_checkin(
    message: Message,
    link: DeepLink,
    *,
    db: Database,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    checkin: CheckinService,
    **_: Any,
) -> None:
    parts = read_checkin_link(link)
    event = await get_event_by_code(db, parts[0]) if parts else None
    if event is None or parts is None or not opens(event, parts[1]):
        await message.answer(t("link.invalid"))
        return
    result = await checkin.check_in(event.id, user.id, CheckinMethod.QR)
    await message.answer(result_text(result, event, t, tz))


def build_router() -> Router:
    router = Router(name="checkin")

    @router.message(Command("checkin"))
    async def ask_code(
        message: Message, user: UserRecord, state: FSMContext, t: Translator, reference: Reference
    ) -> None:
        if not onboarding.is_onboarded(user):
            await onboarding.resume(message, user, state, t, reference)
            return
        await state.set_state(CheckinForm.code)
        await message.answer(t("ci.ask_code"))

    @router.message(StateFilter(CheckinForm.code), ~F.text.startswith("/"))
    async def typed_code(
        message: Message,
        state: FSMContext,
        db: Database,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        checkin: CheckinService,
    ) -> None:
        code = "".join((message.text or "").split())
        if not (code.isdigit() and len(code) == CODE_LENGTH):
            await message.answer(t("ci.code_format"))
            return
        now = clock.now()
        candidates = [
            event
            for event_id in await checkins.events_with_code(db, code)
            if (event := await get_event(db, event_id)) is not None
        ]
        if not candidates:
            await message.answer(t("ci.code_unknown"))
            return
        # Codes are random per event; if two events share one, the one running now wins.
        candidates.sort(key=lambda e: not (window(e)[0] <= now <= window(e)[1]))
        event = candidates[0]
        result = await checkin.check_in(event.id, user.id, CheckinMethod.CODE)
        await state.clear()
        await message.answer(result_text(result, event, t, tz))

    return router
