"""The participant profile: its fields, the order they are asked in, and what counts as valid.

Each validator returns the value to store, or raises ProfileInputError with a reason key the
handlers turn into a message in the person's language.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.reference import OTHER_PREFIX


class ProfileField(StrEnum):
    FULL_NAME = "full_name"
    PHONE = "phone"
    ORGANISATION = "organisation"
    CATEGORY = "category"
    DISTRICT = "district"


# The order of the onboarding form; Back walks it in reverse.
FIELD_ORDER: tuple[ProfileField, ...] = tuple(ProfileField)

NAME_MAX = 100
ORGANISATION_MAX = 200
DISTRICT_TEXT_MIN = 2
DISTRICT_TEXT_MAX = 60

# Russian and Kazakh Cyrillic, Latin; a word may join parts with a hyphen or an apostrophe.
_LETTERS = "A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі"
_NAME_WORD = re.compile(rf"[{_LETTERS}]+(?:[-'’][{_LETTERS}]+)*")
_PHONE_NOISE = re.compile(r"[\s()\-.]")


class ProfileInputError(ValueError):
    """`reason` is a catalog key suffix: the text says what is wrong and what is expected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def next_field(current: ProfileField) -> ProfileField | None:
    index = FIELD_ORDER.index(current)
    return FIELD_ORDER[index + 1] if index + 1 < len(FIELD_ORDER) else None


def previous_field(current: ProfileField) -> ProfileField | None:
    index = FIELD_ORDER.index(current)
    return FIELD_ORDER[index - 1] if index > 0 else None


def clean_full_name(raw: str) -> str:
    name = " ".join(raw.split())
    if len(name) > NAME_MAX:
        raise ProfileInputError("name_too_long")
    words = name.split(" ") if name else []
    if not all(_NAME_WORD.fullmatch(word) for word in words):
        raise ProfileInputError("name_letters")
    if len(words) < 2:
        raise ProfileInputError("name_two_words")
    return name


def normalise_phone(raw: str) -> str:
    """Kazakhstan numbers as +7XXXXXXXXXX, from how people type them: 8 701..., +7 (701)..."""
    text = _PHONE_NOISE.sub("", raw.strip())
    digits = text.removeprefix("+")
    if not digits.isdigit():
        raise ProfileInputError("phone_format")
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or not digits.startswith(("6", "7")):
        raise ProfileInputError("phone_format")
    return "+7" + digits


def clean_organisation(raw: str) -> str:
    text = " ".join(raw.split())
    if not text:
        raise ProfileInputError("organisation_empty")
    if len(text) > ORGANISATION_MAX:
        raise ProfileInputError("organisation_too_long")
    return text


def typed_district(raw: str) -> str:
    """A district or town not on the list, kept as typed (reports show it as typed)."""
    text = " ".join(raw.split())
    if not DISTRICT_TEXT_MIN <= len(text) <= DISTRICT_TEXT_MAX:
        raise ProfileInputError("district_length")
    return OTHER_PREFIX + text
