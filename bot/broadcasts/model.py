"""Who a coordinator's message goes to, and what it carries. Plain values, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Audience(StrEnum):
    """The values are stored in the coordinator's draft and in the outbox job's payload."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"  # the waiting list and those offered a seat
    PRESENT = "present"  # checked in


@dataclass(frozen=True)
class Content:
    text: str  # Telegram HTML as the coordinator wrote it; empty for a bare photo or file
    photo: str | None = None  # a Telegram file_id
    document: str | None = None  # a Telegram file_id


@dataclass(frozen=True)
class Board:
    """The coordinator's message that shows a delivery's progress, edited as it goes."""

    chat_id: int
    message_id: int
    language: str
