"""The greeting a person gets once they can use the bot."""

from __future__ import annotations

from aiogram.types import Message

from bot.texts import Translator


async def show_welcome(message: Message, t: Translator, name: str) -> None:
    await message.answer(t("start.welcome", name=name))
