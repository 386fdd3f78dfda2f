"""Keyboards shared by several routers."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import Translator
from handlers.callbacks import LanguageCallback, LanguageCode


def language_keyboard(t: Translator, preselected: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    ordered = sorted(LANGUAGES, key=lambda code: code != preselected)
    for code in ordered:
        label = Translator(t.i18n, code)("lang.name")
        mark = "✓ " if code == preselected else ""
        builder.button(text=mark + label, callback_data=LanguageCallback(code=LanguageCode(code)))
    builder.adjust(2)
    return builder.as_markup()
