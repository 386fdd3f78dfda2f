"""Reminders before an event, with "I'll come" and "I can't come"."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.errors import StaleButtonError
from bot.events import EventStatus
from bot.i18n import Translator
from bot.outgoing import OutgoingMessage, RenderContext
from bot.registration import RegistrationStatus
from bot.repositories import registrations, schedule
from bot.repositories.events import get_event
from bot.repositories.users import UserRecord
from handlers.callbacks import Id
from handlers.editing import edit_in_place
from handlers.event_view import when
from handlers.notify import notify_promotions


class Answer(StrEnum):
    COMING = "y"
    CANT = "n"  # asks for confirmation
    CANT_CONFIRMED = "x"
    KEEP = "k"


class AttendCallback(CallbackData, prefix="att"):
    answer: Answer
    event_id: Id


def _keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("rem.btn.coming"),
        callback_data=AttendCallback(answer=Answer.COMING, event_id=event_id),
    )
    builder.button(
        text=t("rem.btn.cant"), callback_data=AttendCallback(answer=Answer.CANT, event_id=event_id)
    )
    return builder.as_markup()


async def render_reminder(ctx: RenderContext) -> OutgoingMessage | None:
    """Only for someone still confirmed for an event that is still on, at the same time."""
    event = await get_event(ctx.db, int(ctx.payload["event_id"]))
    if (
        event is None
        or event.status is not EventStatus.PUBLISHED
        or event.starts_at.isoformat() != ctx.payload.get("starts_at")
        or ctx.now >= event.starts_at
    ):
        return None
    mine = await registrations.get(ctx.db, event.id, ctx.user.id)
    if mine is None or mine.status is not RegistrationStatus.CONFIRMED:
        return None
    t = ctx.t
    text = t(
        "rem.text",
        title=event.title(t.language),
        when=when(event, ctx.tz),
        place=event.place or "—",
    )
    return OutgoingMessage(text=text, reply_markup=_keyboard(t, event.id))


def build_router() -> Router:
    router = Router(name="reminders")

    @router.callback_query(AttendCallback.filter(), F.message.as_("message"))
    async def answer(
        query: CallbackQuery,
        callback_data: AttendCallback,
        message: Message,
        db: Database,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        settings: Settings,
        bot: Bot,
        i18n: I18n,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None:
            raise StaleButtonError(query.data or "")
        now: datetime = clock.now()
        title = event.title(t.language)
        if callback_data.answer is Answer.COMING:
            confirmed = await schedule.confirm_attendance(db, event.id, user.id, now)
            await edit_in_place(
                message,
                t(
                    "rem.coming" if confirmed else "rem.not_registered",
                    title=title,
                    when=when(event, tz),
                ),
            )
        elif callback_data.answer is Answer.CANT:
            builder = InlineKeyboardBuilder()
            builder.button(
                text=t("rem.btn.cant_confirm"),
                callback_data=AttendCallback(answer=Answer.CANT_CONFIRMED, event_id=event.id),
            )
            builder.button(
                text=t("rem.btn.keep"),
                callback_data=AttendCallback(answer=Answer.KEEP, event_id=event.id),
            )
            builder.adjust(1)
            await message.answer(t("rem.cant_ask", title=title), reply_markup=builder.as_markup())
        elif callback_data.answer is Answer.CANT_CONFIRMED:
            done, promotions = await registrations.cancel(
                db, event.id, user.id, now, settings.offer_policy
            )
            await edit_in_place(
                message, t("rem.cancelled" if done else "reg.cancel_failed", title=title)
            )
            await notify_promotions(bot, db, i18n, tz, clock, promotions)
        else:
            await edit_in_place(message, t("rem.kept", title=title))

    return router
