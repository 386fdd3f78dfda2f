"""Callback data of the participant's event screens (prefixes never start with "A")."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.events import EventType


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
    event_id: int


class FilterPick(StrEnum):
    NONE = ""
    DISTRICT = "d"
    TYPE = "t"


class CatalogueCallback(CallbackData, prefix="cat"):
    page: int = 0
    district: int = -1  # index in the configured district list; -1: all districts
    type: EventType | None = None
    pick: FilterPick = FilterPick.NONE
