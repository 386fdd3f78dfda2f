"""The kinds of notice the sender delivers: one name per kind, shared by the code that queues a
notice and the renderer table that writes its text (handlers/renderers.py; a test checks that
every kind has a renderer). The values are stored in outbox_jobs.kind."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import aiosqlite


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    PROMOTION = "promotion"  # a seat, or the offer of one, freed for someone on the waiting list
    OFFER_LAPSED = "offer_lapsed"  # an offered seat not taken in time went to the next person
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    APPLICATION_DECISION = "application_decision"
    COORDINATOR_MESSAGE = "coordinator_message"
    SURVEY_INVITATION = "survey_invitation"
    SURVEY_NUDGE = "survey_nudge"


class Notices(Protocol):
    """What a service needs of the sender: queue a notice inside its own transaction, and, once
    that has committed, wake the sender. The outbox and the scheduler provide it
    (bot/platform/outbox.py OutboxNotices); services know nothing of Telegram."""

    async def submit(
        self,
        kind: NoticeKind,
        payload: dict[str, Any],
        recipients: Iterable[int],
        *,
        conn: aiosqlite.Connection,
        urgent: bool = False,
        created_by: int | None = None,
        dedupe_key: str | None = None,
        hold_limit: datetime | None = None,
    ) -> int: ...

    def wake(self) -> None: ...
