"""Russian and Kazakh texts.

Catalogs are gettext .po files, one per feature, under locales/<language>/ (translators can use
Poedit or any PO editor). Message ids are stable keys such as ``start.welcome``; texts use
``{placeholder}`` fields and Telegram HTML. We build aiogram's gettext-based I18n from the .po
files at start-up, so there is no separate compile step and no binary .mo in the repository.
"""

from __future__ import annotations

import gettext
import html
import io
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"


class CatalogError(Exception):
    pass


def read_catalog(language: str, directory: Path = LOCALES_DIR) -> Catalog:
    """All .po files of one language merged into one catalog; a key defined twice is an error."""
    merged = Catalog(locale=language, domain="messages")
    origin: dict[str, str] = {}
    for path in sorted((directory / language).glob("*.po")):
        with path.open("rb") as fp:
            part = read_po(fp, locale=language)
        for message in part:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in origin:
                raise CatalogError(f"{path.name}: key {key!r} is already defined in {origin[key]}")
            origin[key] = path.name
            merged[message.id] = message
    return merged


class PoI18n(I18n):
    """aiogram's I18n, fed from .po files instead of compiled .mo files."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for language in LANGUAGES:
            buffer = io.BytesIO()
            write_mo(buffer, read_catalog(language, self.path))
            buffer.seek(0)
            translations[language] = gettext.GNUTranslations(buffer)
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
