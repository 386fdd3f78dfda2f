"""Russian and Kazakh texts, for messages and for files.

Catalogs are gettext .po files, one per feature, under locales/<language>/ (translators can use
Poedit or any PO editor). Message ids are stable keys such as ``start.welcome``; texts use
``{placeholder}`` fields and Telegram HTML. The .po files are compiled in memory at start-up, so
there is no compile step and no binary .mo in the repository. Nothing here needs aiogram: the
command line builds reports with the same texts.
"""

from __future__ import annotations

import gettext
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["ru", "kk"]
LANGUAGES: tuple[Language, ...] = ("ru", "kk")
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


def compile_catalog(language: str, directory: Path = LOCALES_DIR) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(language, directory))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Html(str):
    """A fragment that is already safe Telegram HTML and must not be escaped again."""

    __slots__ = ()


def _safe(value: Any) -> Any:
    if isinstance(value, Html | int | float):
        return value
    return html.escape(str(value), quote=False)


class Texts:
    """Both catalogs, compiled once; `of(language)` gives the texts of one language."""

    def __init__(self, default_language: str = "ru", directory: Path = LOCALES_DIR) -> None:
        self.default_language = default_language
        self._catalogs: dict[str, gettext.GNUTranslations] = {
            language: compile_catalog(language, directory) for language in LANGUAGES
        }

    def of(self, language: str) -> Translator:
        code = language if language in self._catalogs else self.default_language
        return Translator(self, code, self._catalogs[code])


class Translator:
    """Texts in one language. Every placeholder value is HTML-escaped unless wrapped in Html."""

    def __init__(self, texts: Texts, language: str, catalog: gettext.GNUTranslations) -> None:
        self.texts = texts
        self.language = language
        self._catalog = catalog

    def __call__(self, key: str, /, **values: Any) -> str:
        text = self._catalog.gettext(key)
        return text.format(**{name: _safe(value) for name, value in values.items()})

    def plain(self, key: str, /, **values: Any) -> str:
        """For files (spreadsheets, charts), not messages: nothing is HTML-escaped."""
        return self._catalog.gettext(key).format(**values)

    def plural(self, key: str, n: int, /, **values: Any) -> str:
        """A text whose form depends on n (1 место / 2 места / 5 мест); n is available as {n}."""
        text = self._catalog.ngettext(key, key, n)
        return text.format(n=n, **{name: _safe(value) for name, value in values.items()})


def plain_texts(language: str, directory: Path = LOCALES_DIR) -> Callable[..., str]:
    """Texts for files, not messages: placeholders are filled in as they are, unescaped."""
    return Texts(language, directory).of(language).plain
