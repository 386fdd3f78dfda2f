"""The Bot API measures text in UTF-16 code units: an emoji outside the BMP counts twice."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_prefix_len(text: str, units: int) -> int:
    """How many Python characters of ``text`` span its first ``units`` UTF-16 code units."""
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(text)
