"""Message text and captions the way Telegram accepts them: parsed, trimmed, length-checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tgemu.errors import bad_request
from tgemu.html_entities import HtmlParseError, parse_html
from tgemu.utf16 import utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Telegram trims messages; these are the characters it strips from both ends.
TRIMMED = " \t\n\r\v\f"
BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?!\S)")


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> FormattedText:
    """Parse ``text`` per ``parse_mode`` (or take explicit ``entities``) and trim the result."""
    if parse_mode:
        mode = parse_mode.lower()
        if mode in ("markdown", "markdownv2"):
            raise bad_request(f"parse_mode {parse_mode} is not supported by the emulator; use HTML")
        if mode != "html":
            raise bad_request("unsupported parse_mode")
        try:
            plain, parsed = parse_html(text)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        return _trim(plain, parsed)
    return _trim(text, _checked_entities(entities or []))


def check_text(formatted: FormattedText) -> None:
    if not formatted.text:
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(formatted: FormattedText) -> None:
    if utf16_len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities a Telegram client attaches to what a user typed."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in BOT_COMMAND.finditer(text)
    ]


def _checked_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not (
            isinstance(entity.get("type"), str)
            and isinstance(offset, int)
            and isinstance(length, int)
            and offset >= 0
            and length > 0
        ):
            raise bad_request("can't parse entities: an entity needs type, offset and length")
    return entities


def _trim(text: str, entities: list[dict[str, Any]]) -> FormattedText:
    # Only ASCII characters are trimmed, so character counts equal UTF-16 counts here.
    head = len(text) - len(text.lstrip(TRIMMED))
    trimmed = text.strip(TRIMMED)
    end = utf16_len(trimmed)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - head, 0)
        stop = min(entity["offset"] + entity["length"] - head, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return FormattedText(trimmed, kept)
