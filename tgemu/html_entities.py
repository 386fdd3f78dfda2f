"""Telegram's HTML parse mode: a marked-up string to plain text plus MessageEntity dicts.

Modelled on tdlib's ``parse_html`` (its error wording included) with one deliberate difference:
a bare ``&`` that starts no entity is refused instead of kept, because Telegram's documentation
requires escaping it and a lenient emulator would hide the bug until a real message breaks.
Offsets and lengths are in UTF-16 code units, as the Bot API counts them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tgemu.utf16 import utf16_len

SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
SUPPORTED_TAGS = frozenset({*SIMPLE_TYPES, "a", "code", "pre", "blockquote", "tg-emoji"})
# Telegram's monospace entities may not contain other entities.
MONOSPACE = frozenset({"code", "pre"})
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
TAG_NAME = re.compile(r"[^\s>]*")
ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_-]+")
UNQUOTED_VALUE = re.compile(r"[^\s>]*")
SPACES = re.compile(r"\s*")
PLAIN = re.compile(r"[^&<]+")


class HtmlParseError(ValueError):
    """The reason Telegram would give after "can't parse entities: "."""


@dataclass
class _OpenTag:
    name: str
    index: int
    start: int
    attributes: dict[str, str]
    language: str | None = None
    nested: list[dict[str, Any]] = field(default_factory=list)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and its entities, sorted the way Telegram returns them."""
    return _Parser(source).run()


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0
        self.pieces: list[str] = []
        self.length = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        while self.position < len(self.source):
            char = self.source[self.position]
            if char == "&":
                self.emit(self.entity())
            elif char == "<" and self.source.startswith("</", self.position):
                self.end_tag()
            elif char == "<":
                self.start_tag()
            else:
                match = PLAIN.match(self.source, self.position)
                assert match is not None  # the current char is neither & nor <
                self.emit(match.group())
                self.position = match.end()
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.pieces), entities

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.pieces.append(text)
        self.length += utf16_len(text)

    def entity(self) -> str:
        decoded, self.position = decode_entity(self.source, self.position, self.byte_offset)
        return decoded

    def start_tag(self) -> None:
        begin = self.position
        name_match = TAG_NAME.match(self.source, begin + 1)
        assert name_match is not None  # the pattern accepts the empty string
        name = name_match.group().lower()
        if name_match.end() >= len(self.source):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        self.position = name_match.end()
        attributes = self.attributes(name, begin)
        tag = _OpenTag(name, begin, self.length, attributes)
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise HtmlParseError(
                "Custom emoji entity must have a numeric emoji-id at byte offset "
                f"{self.byte_offset(begin)}"
            )
        if name == "code":
            tag.language = attributes.get("class", "").removeprefix("language-") or None
        self.stack.append(tag)

    def attributes(self, tag_name: str, begin: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.position >= len(self.source):
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if self.source[self.position] == ">":
                self.position += 1
                return attributes
            name_match = ATTRIBUTE_NAME.match(self.source, self.position)
            if name_match is None:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag_name}" at byte offset '
                    f"{self.byte_offset(self.position)}"
                )
            self.position = name_match.end()
            self.skip_spaces()
            value = ""
            # Valueless attributes exist: <blockquote expandable>.
            if self.source.startswith("=", self.position):
                self.position += 1
                self.skip_spaces()
                value = self.attribute_value(begin)
            attributes[name_match.group().lower()] = value

    def attribute_value(self, begin: int) -> str:
        quote = self.source[self.position : self.position + 1]
        if quote in ('"', "'"):
            close = self.source.find(quote, self.position + 1)
            if close == -1:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            raw_start, raw = self.position + 1, self.source[self.position + 1 : close]
            self.position = close + 1
        else:
            match = UNQUOTED_VALUE.match(self.source, self.position)
            assert match is not None  # the pattern accepts the empty string
            raw_start, raw = self.position, match.group()
            self.position = match.end()
        return self.decode_attribute(raw, raw_start)

    def decode_attribute(self, raw: str, raw_start: int) -> str:
        pieces: list[str] = []
        index = 0
        while (amp := raw.find("&", index)) != -1:
            pieces.append(raw[index:amp])
            decoded, end = decode_entity(raw, amp, lambda i: self.byte_offset(raw_start + i))
            pieces.append(decoded)
            index = end
        pieces.append(raw[index:])
        return "".join(pieces)

    def skip_spaces(self) -> None:
        match = SPACES.match(self.source, self.position)
        assert match is not None  # the pattern accepts the empty string
        self.position = match.end()

    def end_tag(self) -> None:
        begin = self.position
        close = self.source.find(">", begin)
        if close == -1:
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 2 : close].strip().lower()
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        tag = self.stack[-1]
        if name != tag.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self.stack.pop()
        self.position = close + 1
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        parent = self.stack[-1] if self.stack else None
        if tag.name == "code" and parent is not None and parent.name == "pre":
            # <pre><code class="language-x"> is a single pre entity that knows its language.
            parent.language = parent.language or tag.language
            return
        length = self.length - tag.start
        inside_monospace = any(open_tag.name in MONOSPACE for open_tag in self.stack)
        if length == 0 or inside_monospace:
            return
        entity = _entity(tag)
        if entity is not None:
            entity.update(offset=tag.start, length=length)
            self.entities.append(entity)


def _entity(tag: _OpenTag) -> dict[str, Any] | None:
    if tag.name in SIMPLE_TYPES:
        return {"type": SIMPLE_TYPES[tag.name]}
    if tag.name == "a":
        href = tag.attributes.get("href", "")
        return {"type": "text_link", "url": href} if href else None
    if tag.name in MONOSPACE:
        entity: dict[str, Any] = {"type": tag.name}
        if tag.language:
            entity["language"] = tag.language
        return entity
    if tag.name == "blockquote":
        expandable = "expandable" in tag.attributes
        return {"type": "expandable_blockquote" if expandable else "blockquote"}
    return {"type": "custom_emoji", "custom_emoji_id": tag.attributes["emoji-id"]}


def decode_entity(text: str, index: int, byte_offset: Callable[[int], int]) -> tuple[str, int]:
    """The character an HTML entity at ``text[index]`` stands for, and where it ends."""
    match = ENTITY.match(text, index)
    if match is None:
        raise HtmlParseError(
            f'Unsupported HTML entity at byte offset {byte_offset(index)}; write "&" as "&amp;"'
        )
    named, decimal, hexadecimal = match.groups()
    if named:
        return NAMED_ENTITIES[named], match.end()
    code_point = int(decimal) if decimal else int(hexadecimal, 16)
    if code_point > 0x10FFFF or 0xD800 <= code_point <= 0xDFFF or code_point == 0:
        raise HtmlParseError(f"Invalid HTML entity at byte offset {byte_offset(index)}")
    return chr(code_point), match.end()
