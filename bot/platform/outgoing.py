"""What a renderer hands the sender: one message for one person, in their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup

from bot.people.users import UserRecord
from bot.platform.db import Database
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
