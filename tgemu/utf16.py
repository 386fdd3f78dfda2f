"""The Bot API measures text in UTF-16 code units: an emoji outside the BMP counts twice."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
