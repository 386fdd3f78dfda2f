"""Editing a message in place when a button is pressed."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup, Message


async def edit_in_place(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Telegram refuses an edit that changes nothing; pressing the same button twice is fine."""
    try:
        await message.edit_text(text, reply_markup=reply_markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise
