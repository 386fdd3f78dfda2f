"""Reminders before an event, with "I'll come" and "I can't come"."""

from __future__ import annotations

from enum import StrEnum
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import format_local
from bot.errors import StaleButtonError
from bot.events.model import EventStatus
from bot.events.store import get_event
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from bot.registration.service import RegistrationService
from bot.texts import Translator
from handlers.ui.callbacks import EventAction, EventCallback, Id
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import when


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


def offer_keyboard(event_id: int, t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("reg.btn.accept"),
        callback_data=EventCallback(action=EventAction.ACCEPT, event_id=event_id),
    )
    builder.button(
        text=t("reg.btn.decline"),
        callback_data=EventCallback(action=EventAction.DECLINE, event_id=event_id),
    )
    return builder.as_markup()


async def render_promotion(ctx: RenderContext) -> OutgoingMessage | None:
    """A seat freed for someone on the waiting list: given, or offered with Take/Decline.
    Only while it is still theirs when the notice's turn comes (an offer may have lapsed or
    been declined, the event cancelled)."""
    mine = await registrations.by_id(ctx.db, int(ctx.payload["registration_id"]))
    if mine is None or mine.user_id != ctx.user.id or mine.status != ctx.payload["status"]:
        return None
    event = await get_event(ctx.db, mine.event_id)
    if event is None or event.status is not EventStatus.PUBLISHED or ctx.now >= event.starts_at:
        return None
    t, title, moment = ctx.t, event.title(ctx.t.language), when(event, ctx.tz)
    if mine.status is RegistrationStatus.CONFIRMED:
        return OutgoingMessage(text=t("notify.promoted", title=title, when=moment))
    if mine.offer_expires_at is None or ctx.now >= mine.offer_expires_at:
        return None
    deadline = format_local(mine.offer_expires_at, ctx.tz)
    return OutgoingMessage(
        text=t("notify.offered", title=title, when=moment, deadline=deadline),
        reply_markup=offer_keyboard(event.id, t),
    )


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
        registration: RegistrationService,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None:
            raise StaleButtonError(query.data or "")
        title = event.title(t.language)
        if callback_data.answer is Answer.COMING:
            confirmed = await registration.confirm_attendance(event.id, user.id)
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
            done = await registration.cancel(event.id, user.id)
            await edit_in_place(
                message, t("rem.cancelled" if done else "reg.cancel_failed", title=title)
            )
        else:
            await edit_in_place(message, t("rem.kept", title=title))

    return router
