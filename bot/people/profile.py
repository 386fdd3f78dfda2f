"""The participant profile: its fields, the order they are asked in, what counts as valid, and
who counts as onboarded.

Each validator returns the value to store, or raises ProfileInputError with a reason key the
handlers turn into a message in the person's language.

The onboarding form saves each answer as it is given, so a person who cancels it is taken
back to the first question they have not answered. A skipped optional answer is saved as
SKIPPED while the form is on, so that it reads as answered, and as NULL once the profile is
done.

Gender and age band are asked only where the deployment switches them on
(PROFILE_DEMOGRAPHICS): two more optional steps after the district, each with a "prefer not
to say" answer (UNDISCLOSED) besides Skip (NULL).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Protocol

from bot.reference import OTHER_PREFIX


class ProfileField(StrEnum):
    FULL_NAME = "full_name"
    PHONE = "phone"
    ORGANISATION = "organisation"
    CATEGORY = "category"
    DISTRICT = "district"
    GENDER = "gender"
    AGE_BAND = "age_band"


# The order of the onboarding form; Back walks it in reverse.
FIELD_ORDER: tuple[ProfileField, ...] = (
    ProfileField.FULL_NAME,
    ProfileField.PHONE,
    ProfileField.ORGANISATION,
    ProfileField.CATEGORY,
    ProfileField.DISTRICT,
)
DEMOGRAPHIC_FIELDS: tuple[ProfileField, ...] = (ProfileField.GENDER, ProfileField.AGE_BAND)

UNDISCLOSED = "undisclosed"  # "prefer not to say", a real answer, unlike a skipped one
GENDERS: tuple[str, ...] = ("female", "male", UNDISCLOSED)
# Youth (14-29) is 14-17 plus 18-29: see migrations/013_demographics.sql.
AGE_BANDS: tuple[str, ...] = ("14-17", "18-29", "30-39", "40-49", "50-59", "60+", UNDISCLOSED)
YOUTH_BANDS: tuple[str, ...] = ("14-17", "18-29")
# The codes each demographic field takes, in the order they are offered.
CODES: dict[ProfileField, tuple[str, ...]] = {
    ProfileField.GENDER: GENDERS,
    ProfileField.AGE_BAND: AGE_BANDS,
}


def field_order(demographics: bool) -> tuple[ProfileField, ...]:
    """The questions of onboarding where gender and age band are (or are not) asked."""
    return FIELD_ORDER + DEMOGRAPHIC_FIELDS if demographics else FIELD_ORDER


SKIPPED = ""  # an optional answer skipped, while the onboarding form is on

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


class StoredProfile(Protocol):
    """A person's stored record as far as the profile goes (bot.people.users.UserRecord)."""

    @property
    def full_name(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def district(self) -> str | None: ...
    @property
    def gender(self) -> str | None: ...
    @property
    def age_band(self) -> str | None: ...
    @property
    def profile_done_at(self) -> str | None: ...
    @property
    def deleted_at(self) -> str | None: ...


def is_onboarded(person: StoredProfile) -> bool:
    return person.profile_done_at is not None and person.deleted_at is None


def _answers(
    person: StoredProfile, order: tuple[ProfileField, ...]
) -> dict[ProfileField, str | None]:
    return {field: getattr(person, field.value) for field in order}


def kept_answer(value: str | None) -> str:
    """What the onboarding form saves for an answer: a skipped one (None) as SKIPPED."""
    return SKIPPED if value is None else value


def resume_field(
    person: StoredProfile, order: tuple[ProfileField, ...] = FIELD_ORDER
) -> ProfileField:
    """Where the onboarding form (its questions in `order`) goes on: the first question
    without an answer (the last answer finishes the form, so one is always missing until
    then)."""
    answers = _answers(person, order)
    return next((field for field in order if answers[field] is None), order[0])


def completed(
    person: StoredProfile,
    last: ProfileField,
    value: str | None,
    order: tuple[ProfileField, ...] = FIELD_ORDER,
) -> dict[ProfileField, str | None]:
    """The finished profile (its questions in `order`): the answers saved so far and the
    `last` one, a skipped answer stored as NULL."""
    answers = {**_answers(person, order), last: value}
    return {field: None if answer == SKIPPED else answer for field, answer in answers.items()}


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
