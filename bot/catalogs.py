"""The .po catalogs under locales/<language>/, read and compiled in memory.

Kept apart from bot.i18n (aiogram's I18n) so files built outside the bot process, such as
reports from the command line, get the same texts without loading aiogram.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

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


def plain_texts(language: str, directory: Path = LOCALES_DIR) -> Callable[..., str]:
    """Texts for files, not messages: placeholders are filled in as they are, unescaped."""
    translations = compile_catalog(language, directory)

    def text(key: str, /, **values: Any) -> str:
        return translations.gettext(key).format(**values)

    return text
