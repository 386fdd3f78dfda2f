"""Editing a message in place when a button is pressed."""

from __future__ import annotations

import html
import re

from aiogram.types import InlineKeyboardMarkup, Message

from bot.platform.callbacks import markup_key

_PIECES = re.compile(r"(<[^>]*>)")
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z-]+)([^>]*)>")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Telegram reads these HTML tags as the same entity.
_SAME_TAG = {"strong": "b", "em": "i", "ins": "u", "strike": "s", "del": "s"}


def html_shape(text: str) -> tuple[str, ...]:
    """What Telegram makes of HTML: the text and its tags, however they were escaped or spelt."""
    shape: list[str] = []
    for piece in _PIECES.split(text):
        tag = _TAG.fullmatch(piece)
        if tag is not None:
            closing, name, attributes = tag.groups()
            name = _SAME_TAG.get(name.lower(), name.lower())
            values = " ".join(
                f"{key}={html.unescape(double or single)}"
                for key, double, single in _ATTRIBUTE.findall(attributes)
            )
            shape.append(f"<{closing}{name} {values}>")
        elif piece:
            plain = html.unescape(piece)
            if shape and not shape[-1].startswith("<"):
                shape[-1] += plain
            else:
                shape.append(plain)
    if shape and not shape[0].startswith("<"):
        shape[0] = shape[0].lstrip()
    if shape and not shape[-1].startswith("<"):
        shape[-1] = shape[-1].rstrip()
    return tuple(shape)


def shows_already(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """The message already reads `text` under these buttons: an edit would change nothing."""
    return (
        message.text is not None
        and markup_key(message.reply_markup) == markup_key(reply_markup)
        and html_shape(message.html_text) == html_shape(text)
    )


async def edit_in_place(
    message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Telegram refuses an edit that changes nothing, so such an edit is not sent."""
    if not shows_already(message, text, reply_markup):
        await message.edit_text(text, reply_markup=reply_markup)


async def remove_buttons(message: Message) -> None:
    if message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)
