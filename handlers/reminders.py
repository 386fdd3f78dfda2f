"""Reminders before an event, with "I'll come" and "I can't come"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import format_local
from bot.events.model import Event
from bot.people.users import UserRecord
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.registration.rules import ACTIVE, RegistrationStatus
from bot.registration.service import RegistrationService, promotion_due, reminder_event
from bot.texts import Translator
from handlers.filters import EventFromButton
from handlers.ui.callbacks import AttendAnswer, AttendCallback, EventAction, EventCallback
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import when


def _keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("rem.btn.coming"),
        callback_data=AttendCallback(answer=AttendAnswer.COMING, event_id=event_id),
    )
    builder.button(
        text=t("rem.btn.cant"),
        callback_data=AttendCallback(answer=AttendAnswer.CANT, event_id=event_id),
    )
    return builder.as_markup()


# Nearer than this, the reminder counts the time left ("через 2 часа"); further, it names the
# day and the hour ("завтра в 10:00").
COUNTDOWN_WITHIN = timedelta(hours=3)
_DAYS_AHEAD = {0: "rem.soon.today", 1: "rem.soon.tomorrow", 2: "rem.soon.day_after"}


def starts_in(starts_at: datetime, now: datetime, tz: ZoneInfo, t: Translator) -> str:
    """When the event starts, seen from the moment the reminder goes out, so a reminder held
    through quiet hours or a restart still says the truth."""
    left = starts_at - now
    if left <= COUNTDOWN_WITHIN:
        return _countdown(left, t)
    start = starts_at.astimezone(tz)
    days = (start.date() - now.astimezone(tz).date()).days
    hour = f"{start:%H:%M}"
    if days in _DAYS_AHEAD:
        return t(_DAYS_AHEAD[days], time=hour)
    return t("rem.soon.on", date=f"{start:%d.%m}", time=hour)


def _countdown(left: timedelta, t: Translator) -> str:
    minutes = max(round(left.total_seconds() / 60), 1)
    if minutes >= 15:
        # The sender runs a few seconds after the due time: 1:59:57 left is "2 hours".
        minutes = 5 * round(minutes / 5)
    hours, minutes = divmod(minutes, 60)
    if not minutes:
        return t.plural("rem.soon.hours", hours)
    if not hours:
        return t.plural("rem.soon.minutes", minutes)
    return t.plural("rem.soon.hours_minutes", minutes, hours=t.plural("rem.span.hours", hours))


async def render_reminder(ctx: RenderContext) -> OutgoingMessage | None:
    due = await reminder_event(
        ctx.db, int(ctx.payload["event_id"]), ctx.payload.get("starts_at"), ctx.user.id, ctx.now
    )
    if due is None:
        return None
    t, event = ctx.t, due.event
    text = t(
        # Someone who already said they are coming is not asked again.
        "rem.text_coming" if due.coming else "rem.text",
        title=event.title(t.language),
        soon=starts_in(event.starts_at, ctx.now, ctx.tz, t),
        when=when(event, ctx.tz),
        place=event.place or "—",
    )
    return OutgoingMessage(text=text, reply_markup=None if due.coming else _keyboard(t, event.id))


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
    """A seat freed for someone on the waiting list: given, or offered with Take/Decline."""
    promoted = await promotion_due(
        ctx.db,
        int(ctx.payload["registration_id"]),
        ctx.payload["status"],
        ctx.user.id,
        ctx.now,
    )
    if promoted is None:
        return None
    event, t = promoted.event, ctx.t
    title, moment = event.title(t.language), when(event, ctx.tz)
    if promoted.deadline is None:
        return OutgoingMessage(text=t("notify.promoted", title=title, when=moment))
    deadline = format_local(promoted.deadline, ctx.tz)
    return OutgoingMessage(
        text=t("notify.offered", title=title, when=moment, deadline=deadline),
        reply_markup=offer_keyboard(event.id, t),
    )


async def coming(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    registration: RegistrationService,
) -> None:
    confirmed = await registration.confirm_attendance(event.id, user.id)
    key = "rem.coming" if confirmed else "rem.not_registered"
    await edit_in_place(message, t(key, title=event.title(t.language), when=when(event, tz)))


async def ask_cant(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    """The question takes the reminder's place, so once answered no old button is left."""
    mine = await registration.own(event.id, user.id)
    title = event.title(t.language)
    if mine is None or mine.status not in ACTIVE:
        cancelled = mine is not None and mine.status is RegistrationStatus.CANCELLED
        key = "rem.already_cancelled" if cancelled else "rem.not_registered"
        await edit_in_place(message, t(key, title=title))
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("rem.btn.cant_confirm"),
        callback_data=AttendCallback(answer=AttendAnswer.CANT_CONFIRMED, event_id=event.id),
    )
    builder.button(
        text=t("rem.btn.keep"),
        callback_data=AttendCallback(answer=AttendAnswer.KEEP, event_id=event.id),
    )
    builder.adjust(1)
    await edit_in_place(message, t("rem.cant_ask", title=title), builder.as_markup())


async def cant(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    done = await registration.cancel(event.id, user.id)
    key = "rem.cancelled" if done else "reg.cancel_failed"
    await edit_in_place(message, t(key, title=event.title(t.language)))


async def keep(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    registration: RegistrationService,
) -> None:
    """Saying "No, I'll come" is saying "I'm coming": the next reminder does not ask again."""
    confirmed = await registration.confirm_attendance(event.id, user.id)
    key = "rem.kept" if confirmed else "rem.not_registered"
    await edit_in_place(message, t(key, title=event.title(t.language)))


def build_router() -> Router:
    router = Router(name="reminders")
    for handler, answer in (
        (coming, AttendAnswer.COMING),
        (ask_cant, AttendAnswer.CANT),
        (cant, AttendAnswer.CANT_CONFIRMED),
        (keep, AttendAnswer.KEEP),
    ):
        router.callback_query.register(
            handler,
            AttendCallback.filter(F.answer == answer),
            F.message.as_("message"),
            EventFromButton(),
        )
    return router
