"""Callback data of the participant's screens (prefixes never start with "A", which the
coordinator's deny router claims), and the number types every factory uses. Every factory
keeps its packed form within Telegram's 64 bytes: string fields are enums or have max_length,
numbers are bounded (a test checks every CallbackData)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.events.model import EventType
from bot.people.profile import ProfileField

# Button data comes back from the client and can be anything. A number SQLite cannot hold
# (signed 64 bits) would raise OverflowError in a query. Out of range, unpack() raises pydantic's
# ValidationError, a ValueError, which CallbackData.filter() takes as "not this factory's": the
# press reaches the fallback and gets the "button is outdated" alert.
SQLITE_INT_MAX = 2**63 - 1
# Pages are multiplied by a page size into an OFFSET: with 31 bits the product stays within
# SQLite's range for any page size below 2**32, and no list is ever that long.
POSITION_MAX = 2**31 - 1

# A row id or a Telegram user id; 0 where a field may name nothing.
Id = Annotated[int, Field(ge=0, le=SQLITE_INT_MAX)]
# A page, or a place in a list (a question in a questionnaire).
Position = Annotated[int, Field(ge=0, le=POSITION_MAX)]


class LanguageCode(StrEnum):
    RU = "ru"
    KK = "kk"


class LanguageCallback(CallbackData, prefix="lang"):
    code: LanguageCode


class ConsentCallback(CallbackData, prefix="consent"):
    accept: bool


class ConsentLanguageCallback(CallbackData, prefix="clang"):
    """A language button on the consent screen of someone whose language came from Telegram:
    the screen is redrawn in it, not followed by a second one."""

    code: LanguageCode


class ProfileEditCallback(CallbackData, prefix="pf"):
    field: ProfileField


class DeleteMeCallback(CallbackData, prefix="del"):
    confirm: bool


class EventAction(StrEnum):
    OPEN = "o"
    REGISTER = "r"  # asks for confirmation
    CONFIRM = "y"  # registers
    APPLY = "p"  # asks for the motivation
    CANCEL = "c"  # asks for confirmation
    CANCEL_CONFIRM = "x"
    KEEP = "k"  # "no" to any confirmation question
    ACCEPT = "a"  # takes an offered seat
    DECLINE = "d"
    CALENDAR = "i"


class EventCallback(CallbackData, prefix="ev"):
    action: EventAction
    event_id: Id


class FilterPick(StrEnum):
    NONE = ""
    DISTRICT = "d"
    TYPE = "t"


class AttendAnswer(StrEnum):
    """The buttons under a reminder."""

    COMING = "y"
    CANT = "n"  # asks for confirmation
    CANT_CONFIRMED = "x"
    KEEP = "k"


class AttendCallback(CallbackData, prefix="att"):
    answer: AttendAnswer
    event_id: Id


class SurveyCallback(CallbackData, prefix="sv"):
    """A questionnaire's buttons: `value` is a score, yes/no, an option id, or one of the
    actions handlers/survey.py names (start, skip, back, done)."""

    event_id: Id
    index: Position
    value: str = Field(max_length=8)


class CatalogueCallback(CallbackData, prefix="cat"):
    page: Position = 0
    # index in the configured district list; -1: all districts
    district: Annotated[int, Field(ge=-1, le=POSITION_MAX)] = -1
    type: EventType | None = None
    pick: FilterPick = FilterPick.NONE
