"""Notices queued for the sender: one outbox job per notice, a delivery per recipient, saved in
the caller's transaction (bot/platform/outbox_store.py). No Telegram here, so services and the
command line queue notices the same way; the bot process's sender (bot/platform/outbox.py) delivers
them, at once when woken, else at its next tick."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import Clock
from bot.due_work import QuietHours
from bot.notices import NoticeKind
from bot.platform import outbox_store as store
from bot.platform.db import Database
from bot.platform.outbox_store import JobProgress


class NoticeQueue:
    def __init__(self, db: Database, clock: Clock, quiet: QuietHours) -> None:
        self.db = db
        self.clock = clock
        self.quiet = quiet
        self._wake: Callable[[], None] = lambda: None

    async def submit(
        self,
        kind: NoticeKind,
        payload: dict[str, Any],
        recipients: Iterable[int],
        *,
        conn: aiosqlite.Connection | None = None,
        urgent: bool = False,
        created_by: int | None = None,
        dedupe_key: str | None = None,
        hold_limit: datetime | None = None,
    ) -> int:
        """Queue one message per recipient; returns the job id (the existing one for a
        dedupe_key already used). Quiet hours hold a non-urgent one, never past hold_limit.
        With conn, the job is saved in the caller's transaction."""
        now = self.clock.now()
        return await store.create_job(
            self.db,
            kind,
            payload,
            recipients,
            urgent=urgent,
            created_by=created_by,
            dedupe_key=dedupe_key,
            not_before=now if urgent else self.quiet.release_time(now),
            now=now,
            hold_limit=hold_limit,
            conn=conn,
        )

    async def progress(self, job_id: int) -> JobProgress:
        """What the sender has done so far with one job's deliveries."""
        return await store.progress(self.db, job_id)

    def on_wake(self, wake: Callable[[], None]) -> None:
        """What wake() does: the scheduler asks to run due work when something is queued."""
        self._wake = wake

    def wake(self) -> None:
        """Something was queued and committed: have it sent now, not at the next tick."""
        self._wake()
