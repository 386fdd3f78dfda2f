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

from bot.checkin.rules import CheckinResult, window
from bot.checkin.service import CheckinService
from bot.clock import format_local
from bot.deeplinks import DeepLink
from bot.events.model import Event
from bot.people.users import UserRecord
from bot.texts import Translator

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
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    checkin: CheckinService,
    **_: Any,
) -> None:
    done = await checkin.check_in_with_link(link, user.id)
    if done is None:
        await message.answer(t("link.invalid"))
        return
    await message.answer(result_text(done.result, done.event, t, tz))


async def ask_code(message: Message, state: FSMContext, t: Translator) -> None:
    await state.set_state(CheckinForm.code)
    await message.answer(t("ci.ask_code"))


async def typed_code(
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    checkin: CheckinService,
) -> None:
    code = "".join((message.text or "").split())
    if not (code.isdigit() and len(code) == CODE_LENGTH):
        await message.answer(t("ci.code_format"))
        return
    done = await checkin.check_in_with_code(code, user.id)
    if done is None:
        await message.answer(t("ci.code_unknown"))
        return
    await state.clear()
    await message.answer(result_text(done.result, done.event, t, tz))


def build_onboarded_router() -> Router:
    """What needs a finished profile (handlers/start.py puts it behind the gate)."""
    router = Router(name="checkin-onboarded")
    router.message.register(ask_code, Command("checkin"))
    return router


def build_router() -> Router:
    router = Router(name="checkin")
    router.message.register(typed_code, StateFilter(CheckinForm.code), ~F.text.startswith("/"))
    return router
