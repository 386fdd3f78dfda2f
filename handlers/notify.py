"""Messages a participant gets because of someone else's action: a seat freed up for them."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock, format_local
from bot.db import Database
from bot.i18n import Translator
from bot.registration import RegistrationStatus
from bot.repositories import users
from bot.repositories.events import get_event
from bot.repositories.registrations import Promotion
from handlers.event_view import when
from handlers.participant_callbacks import EventAction, EventCallback

log = logging.getLogger(__name__)


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


async def notify_promotions(
    bot: Bot, db: Database, i18n: I18n, tz: ZoneInfo, clock: Clock, promotions: list[Promotion]
) -> None:
    """Tell each promoted person in their own language; an offer comes with Accept/Decline."""
    for promotion in promotions:
        person = await users.get(db, promotion.user_id)
        event = await get_event(db, promotion.event_id)
        if person is None or event is None or person.deleted_at is not None:
            continue
        t = Translator(i18n, person.language)
        title, moment = event.title(t.language), when(event, tz)
        if promotion.status is RegistrationStatus.OFFERED and promotion.offer_expires_at:
            deadline = format_local(promotion.offer_expires_at, tz)
            text = t("notify.offered", title=title, when=moment, deadline=deadline)
            markup: InlineKeyboardMarkup | None = offer_keyboard(event.id, t)
        else:
            text = t("notify.promoted", title=title, when=moment)
            markup = None
        try:
            await bot.send_message(promotion.user_id, text, reply_markup=markup)
        except TelegramForbiddenError:
            await users.mark_unreachable(db, promotion.user_id, clock.now())
        except TelegramAPIError:
            log.exception("Could not tell user %s about a freed seat", promotion.user_id)
