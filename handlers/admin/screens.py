"""What coordinator screens share when a typed answer ends a step: the screen the step was
asked from loses its buttons, so only the fresh screen sent after the answer is live."""

from __future__ import annotations

import contextlib

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

SCREEN = "screen_message"  # where a form keeps the id of the screen it was started from


async def retire(bot: Bot, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off an older screen; one the coordinator deleted, or one already
    without buttons, is left as it is."""
    if not message_id:
        return
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
