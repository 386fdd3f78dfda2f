"""/my: a person's upcoming and past registrations with their status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.people.users import UserRecord
from bot.platform.telegram_text import TITLE_ON_BUTTON, clip, clip_html
from bot.registration.rules import RegistrationStatus
from bot.registration.service import RegistrationService
from bot.texts import Translator
from handlers.ui.callbacks import EventAction, EventCallback
from handlers.ui.event_view import status_text, when

PAST_SHOWN = 10


def build_router() -> Router:
    router = Router(name="my-events")

    @router.message(Command("my"))
    async def my_events(
        message: Message,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        registration: RegistrationService,
    ) -> None:
        now = clock.now()
        mine = await registration.registrations_of(user.id)
        upcoming = [m for m in mine if m.event.ends_at > now]
        past = [m for m in mine if m.event.ends_at <= now][-PAST_SHOWN:]
        if not upcoming and not past:
            await message.answer(t("my.empty"))
            return
        lines = [t("my.title")]
        builder = InlineKeyboardBuilder()
        if upcoming:
            lines.append("\n" + t("my.upcoming"))
            for number, item in enumerate(upcoming, start=1):
                status = status_text(item.registration.status, t, item.position)
                title = item.event.title(t.language)
                lines.append(
                    t("my.line", n=number, title=title, when=when(item.event, tz), status=status)
                )
                builder.button(
                    text=clip(f"{number}. {title}", TITLE_ON_BUTTON),
                    callback_data=EventCallback(action=EventAction.OPEN, event_id=item.event.id),
                )
        if past:
            lines.append("\n" + t("my.past"))
            for item in reversed(past):
                if item.attended:
                    status = t("status.attended")
                elif item.registration.status is RegistrationStatus.CONFIRMED:
                    status = t("status.missed")
                else:
                    status = status_text(item.registration.status, t)
                lines.append(
                    t(
                        "my.past_line",
                        title=item.event.title(t.language),
                        when=when(item.event, tz),
                        status=status,
                    )
                )
        builder.adjust(1)
        await message.answer(clip_html("\n".join(lines)), reply_markup=builder.as_markup())

    return router
