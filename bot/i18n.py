"""Russian and Kazakh texts.

Catalogs are gettext .po files, one per feature, under locales/<language>/ (translators can use
Poedit or any PO editor). Message ids are stable keys such as ``start.welcome``; texts use
``{placeholder}`` fields and Telegram HTML. We build aiogram's gettext-based I18n from the .po
files at start-up, so there is no separate compile step and no binary .mo in the repository.
"""

from __future__ import annotations

import gettext
import html
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n

from bot.catalogs import LOCALES_DIR, compile_catalog
from bot.config import LANGUAGES


class PoI18n(I18n):
    """aiogram's I18n, fed from .po files instead of compiled .mo files."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for language in LANGUAGES:
            translations[language] = compile_catalog(language, self.path)
        return translations


def build_i18n(default_language: str, directory: Path = LOCALES_DIR) -> PoI18n:
    return PoI18n(path=directory, default_locale=default_language)


class Html(str):
    """A fragment that is already safe Telegram HTML and must not be escaped again."""

    __slots__ = ()


def _safe(value: Any) -> Any:
    if isinstance(value, Html | int | float):
        return value
    return html.escape(str(value), quote=False)


class Translator:
    """Texts in one language. Every placeholder value is HTML-escaped unless wrapped in Html."""

    def __init__(self, i18n: I18n, language: str) -> None:
        self.i18n = i18n
        self.language = language

    def __call__(self, key: str, /, **values: Any) -> str:
        text = self.i18n.gettext(key, locale=self.language)
        return text.format(**{name: _safe(value) for name, value in values.items()})

    def plain(self, key: str, /, **values: Any) -> str:
        """For files (spreadsheets, charts), not messages: nothing is HTML-escaped."""
        return self.i18n.gettext(key, locale=self.language).format(**values)

    def plural(self, key: str, n: int, /, **values: Any) -> str:
        """A text whose form depends on n (1 место / 2 места / 5 мест); n is available as {n}."""
        text = self.i18n.gettext(key, key, n, locale=self.language)
        return text.format(n=n, **{name: _safe(value) for name, value in values.items()})
