"""The history screens' one door into the audit log: read-only, so no transaction."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from bot.audit_log import store
from bot.audit_log.model import Actor, Entry, HistoryPage
from bot.audit_log.rules import describe
from bot.events.service import COMMAND_LINE
from bot.platform.db import Database

Rows = Callable[[int, int], Awaitable[tuple[list[store.Row], int]]]


class AuditLogService:
    def __init__(self, db: Database, admin_ids: frozenset[int]) -> None:
        self.db = db
        # Super-coordinators are coordinators by configuration, not by a stored row.
        self.admin_ids = admin_ids

    async def project_history(self, project_id: int, page: int, size: int) -> HistoryPage | None:
        """The project's changes and its events', newest first; a page past the end is the
        last one; None when the project is gone."""

        async def rows(offset: int, limit: int) -> tuple[list[store.Row], int]:
            return await store.project_rows(self.db, project_id, offset, limit)

        return await self._page("projects", project_id, rows, page, size)

    async def event_history(self, event_id: int, page: int, size: int) -> HistoryPage | None:
        async def rows(offset: int, limit: int) -> tuple[list[store.Row], int]:
            return await store.event_rows(self.db, event_id, offset, limit)

        return await self._page("events", event_id, rows, page, size)

    async def _page(
        self, table: str, object_id: int, rows: Rows, page: int, size: int
    ) -> HistoryPage | None:
        titles = await store.title(self.db, table, object_id)
        if titles is None:
            return None
        found, total = await rows(page * size, size)
        pages = max(1, -(-total // size))
        if page >= pages:
            page = pages - 1
            found, total = await rows(page * size, size)
        return HistoryPage(*titles, [self._entry(row) for row in found], page, pages)

    def _entry(self, row: store.Row) -> Entry:
        actor = self._actor(row)
        details = json.loads(row.details)
        return Entry(
            row.at,
            actor,
            row.actor_name if actor is Actor.COORDINATOR else None,
            describe(row.action, details if isinstance(details, dict) else {}),
            row.event_title_ru,
            row.event_title_kk,
        )

    def _actor(self, row: store.Row) -> Actor:
        if row.actor_id == COMMAND_LINE:
            return Actor.SYSTEM
        if row.stored_coordinator or row.actor_id in self.admin_ids:
            return Actor.COORDINATOR
        return Actor.PARTICIPANT
