"""Keep texts inside Telegram's limits on purpose instead of letting Telegram refuse them."""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
# How much of an event title (or a person's name) a button shows, so that a column of buttons
# stays readable on a phone.
TITLE_ON_BUTTON = 40


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten plain text (no HTML) to at most `limit` UTF-16 units."""
    if utf16_len(text) <= limit:
        return text
    budget = limit - utf16_len(ellipsis)
    out: list[str] = []
    used = 0
    for char in text:
        size = utf16_len(char)
        if used + size > budget:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + ellipsis


def clip_html(text: str, limit: int = MESSAGE_LIMIT, ellipsis: str = "…") -> str:
    """Shorten Telegram HTML at a line break, so no tag or &entity; is cut in half (which
    Telegram would refuse), and end it with an ellipsis line."""
    if utf16_len(text) <= limit:
        return text
    return f"{split_html(text, limit - utf16_len(ellipsis) - 1)[0]}\n{ellipsis}"


_TAG = re.compile(r"<[^>]*>")


def _fitting(text: str, limit: int) -> int:
    """How many characters of text fit in `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += utf16_len(char)
        if used > limit:
            return index
    return len(text)


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split a long HTML text into messages at line breaks.

    Our catalogs open and close every tag on the same line, so cutting between lines keeps each
    part well-formed. A single line longer than the limit loses its tags and is cut between
    words.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        if utf16_len(line) > limit:
            # Cut inside one line: its tags go (a cut could separate <b> from </b>).
            line = _TAG.sub("", line)
        while utf16_len(line) > limit:
            fits = _fitting(line, limit)
            cut = line.rfind(" ", 0, fits)
            cut = cut if cut > 0 else fits
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return parts
