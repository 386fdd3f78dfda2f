"""/my: a person's upcoming and past registrations with their status. Events cancelled by the
organisers and applications not approved have sections of their own, so "upcoming" holds only
what the person may still go to."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.events.model import Event, EventStatus
from bot.people.users import UserRecord
from bot.platform.telegram_text import TITLE_ON_BUTTON, clip, clip_html
from bot.registration.rules import RegistrationStatus
from bot.registration.service import RegistrationService
from bot.texts import Translator
from handlers.ui.callbacks import EventAction, EventCallback
from handlers.ui.event_view import status_text, when

PAST_SHOWN = 10


def _past_status(event: Event, attended: bool, status: RegistrationStatus, t: Translator) -> str:
    if event.status is EventStatus.CANCELLED:
        return t("my.event_cancelled")  # not "no check-in recorded": it did not take place
    if attended:
        return t("status.attended")
    if status is RegistrationStatus.CONFIRMED:
        return t("status.missed")
    return status_text(status, t)


def _bullet(event: Event, status: str, t: Translator, tz: ZoneInfo) -> str:
    return t("my.past_line", title=event.title(t.language), when=when(event, tz), status=status)


def build_router() -> Router:
    router = Router(name="my-events")

    @router.message(Command("my"))
    async def my_events(
        message: Message,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        registration: RegistrationService,
    ) -> None:
        sections = await registration.my_events(user.id, PAST_SHOWN)
        if sections.empty():
            await message.answer(t("my.empty"))
            return
        lines = [t("my.title")]
        builder = InlineKeyboardBuilder()
        if sections.upcoming:
            lines.append("\n" + t("my.upcoming"))
            for number, item in enumerate(sections.upcoming, start=1):
                status = status_text(item.registration.status, t, item.position)
                title = item.event.title(t.language)
                lines.append(
                    t("my.line", n=number, title=title, when=when(item.event, tz), status=status)
                )
                builder.button(
                    text=clip(f"{number}. {title}", TITLE_ON_BUTTON),
                    callback_data=EventCallback(action=EventAction.OPEN, event_id=item.event.id),
                )
        if sections.not_approved:
            lines.append("\n" + t("my.not_approved"))
            rejected = status_text(RegistrationStatus.REJECTED, t)
            lines += [_bullet(item.event, rejected, t, tz) for item in sections.not_approved]
        if sections.cancelled:
            lines.append("\n" + t("my.cancelled"))
            cancelled = t("my.event_cancelled")
            lines += [_bullet(item.event, cancelled, t, tz) for item in sections.cancelled]
        if sections.past:
            lines.append("\n" + t("my.past"))
            for item in reversed(sections.past):
                status = _past_status(item.event, item.attended, item.registration.status, t)
                lines.append(_bullet(item.event, status, t, tz))
        builder.adjust(1)
        await message.answer(clip_html("\n".join(lines)), reply_markup=builder.as_markup())

    return router
