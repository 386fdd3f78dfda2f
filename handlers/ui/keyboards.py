"""Keyboards shared by several routers."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.texts import LANGUAGES, Translator
from handlers.ui.callbacks import LanguageCallback, LanguageCode


def language_keyboard(t: Translator, preselected: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    ordered = sorted(LANGUAGES, key=lambda code: code != preselected)
    for code in ordered:
        label = t.texts.of(code)("lang.name")
        mark = "✓ " if code == preselected else ""
        builder.button(text=mark + label, callback_data=LanguageCallback(code=LanguageCode(code)))
    builder.adjust(2)
    return builder.as_markup()
