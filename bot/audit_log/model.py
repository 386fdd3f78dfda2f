"""One change as the history screen shows it, and a page of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.audit_log.rules import Line


class Actor(StrEnum):
    SYSTEM = "system"  # the command line (python -m bot ...)
    COORDINATOR = "coordinator"
    PARTICIPANT = "participant"  # anyone else: never named here


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: Actor
    actor_name: str | None  # a coordinator's name; None for anyone else
    line: Line
    # The event a row of a project's history is about; None for the project's own rows.
    event_title_ru: str | None
    event_title_kk: str | None

    def event_title(self, language: str) -> str | None:
        if language == "kk" and self.event_title_kk:
            return self.event_title_kk
        return self.event_title_ru


@dataclass(frozen=True)
class HistoryPage:
    title_ru: str  # of the project or the event
    title_kk: str | None
    entries: list[Entry]
    page: int
    pages: int

    def title(self, language: str) -> str:
        return self.title_kk if language == "kk" and self.title_kk else self.title_ru
