"""Callback data of the participant's event screens (prefixes never start with "A")."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.events.model import EventType
from handlers.callbacks import POSITION_MAX, Id, Position


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


class CatalogueCallback(CallbackData, prefix="cat"):
    page: Position = 0
    # index in the configured district list; -1: all districts
    district: Annotated[int, Field(ge=-1, le=POSITION_MAX)] = -1
    type: EventType | None = None
    pick: FilterPick = FilterPick.NONE
