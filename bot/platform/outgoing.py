"""What a renderer hands the sender: one message for one person, in their language; and the
Bot API calls that message takes, the same for the sender and for a preview."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.platform.telegram_text import CAPTION_LIMIT, utf16_len
from bot.texts import Translator


@dataclass(frozen=True)
class OutgoingMessage:
    text: str  # Telegram HTML within the message limit
    reply_markup: InlineKeyboardMarkup | None = None
    photo: str | None = None  # a Telegram file_id
    document: str | None = None  # a Telegram file_id


@dataclass(frozen=True)
class RenderContext:
    db: Database
    user: UserRecord
    t: Translator
    tz: ZoneInfo
    now: datetime
    payload: dict[str, Any]


# None means the message is no longer relevant for this person (they cancelled, the event
# moved...), and the delivery is recorded as skipped.
Renderer = Callable[[RenderContext], Awaitable[OutgoingMessage | None]]


Part = Callable[[Bot, int], Awaitable[object]]


def parts(message: OutgoingMessage) -> list[Part]:
    """The API calls one message takes: the text; or the media with the text as its caption;
    or, when the text is too long for a caption, the media and then the text."""
    text, markup = message.text, message.reply_markup

    async def send_text(bot: Bot, chat_id: int) -> object:
        return await bot.send_message(chat_id, text, reply_markup=markup)

    if message.photo is None and message.document is None:
        return [send_text]
    fits = utf16_len(text) <= CAPTION_LIMIT
    caption = text if fits else None
    media_markup = markup if fits else None

    async def send_media(bot: Bot, chat_id: int) -> object:
        if message.photo is not None:
            return await bot.send_photo(
                chat_id, message.photo, caption=caption, reply_markup=media_markup
            )
        assert message.document is not None
        return await bot.send_document(
            chat_id, message.document, caption=caption, reply_markup=media_markup
        )

    return [send_media] if fits else [send_media, send_text]


async def send(bot: Bot, chat_id: int, message: OutgoingMessage) -> None:
    """Every part at once, for a single reply outside the queue (the coordinator's preview)."""
    for part in parts(message):
        await part(bot, chat_id)
