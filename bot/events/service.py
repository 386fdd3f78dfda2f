"""The coordinator's use cases on events, one method each: read, decide, write, the audit row
and the notices to participants in one write transaction. The people told are read inside it,
so whoever registers while an event is being moved or cancelled is either told or finds
registration closed. The chat and the command line call the same methods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot import audit
from bot.clock import Clock
from bot.events import store
from bot.events.model import Event, EventStatus
from bot.events.rules import TOLD_FIELDS, deadline_when_moved, end_when_moved
from bot.events.store import NewEvent
from bot.notices import NoticeKind, Notices
from bot.platform.db import Database
from bot.registration import store as registrations
from bot.registration.service import RegistrationService

# The actor of a change made from the command line (python -m bot ...), in audit rows.
COMMAND_LINE = 0


class EditRefused(StrEnum):
    GONE = "gone"  # the event no longer exists
    CAPACITY_BELOW = "capacity_below"  # fewer seats than are held
    APPLICATIONS_WAITING = "applications_waiting"  # decide them before opening the event


@dataclass(frozen=True)
class Edited:
    event: Event | None  # as saved; None when refused
    told: int = 0  # participants told of the change
    refused: EditRefused | None = None
    count: int = 0  # seats held (CAPACITY_BELOW) or applications waiting


class EventService:
    def __init__(
        self, db: Database, notices: Notices, clock: Clock, registration: RegistrationService
    ) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock
        self.registration = registration

    async def create(self, new: NewEvent, actor: int) -> Event:
        now = self.clock.now()
        async with self.db.write() as conn:
            event_id = await store.insert_event(conn, new, now)
            await audit.record(
                conn, actor, "event.create", f"event:{event_id}", {"title": new.title_ru}, now
            )
            event = await store.event_in(conn, event_id)
        assert event is not None, "inserted in this transaction"
        return event

    async def publish(self, event_id: int, actor: int) -> Event | None:
        """None when the event is no longer a draft: a cancelled one is never brought back."""
        return await self._set(
            event_id, actor, "event.publish", {"status": EventStatus.PUBLISHED}, draft_only=True
        )

    async def allow_walkins(self, event_id: int, allowed: bool, actor: int) -> Event | None:
        return await self._set(
            event_id, actor, "event.walkins", {"walkins_allowed": allowed}, {"allowed": allowed}
        )

    async def _set(
        self,
        event_id: int,
        actor: int,
        action: str,
        changes: dict[str, object],
        details: dict[str, object] | None = None,
        *,
        draft_only: bool = False,
    ) -> Event | None:
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None or (draft_only and event.status is not EventStatus.DRAFT):
                return None
            await store.update_event(conn, event_id, changes, now)
            await audit.record(conn, actor, action, f"event:{event_id}", details or {}, now)
            return await store.event_in(conn, event_id)

    async def cancel(self, event_id: int, actor: int) -> int | None:
        """How many participants are told; None when it is gone or cancelled already."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None or event.status is EventStatus.CANCELLED:
                return None
            people = await registrations.people_to_tell_in(conn, event_id)
            await store.update_event(conn, event_id, {"status": EventStatus.CANCELLED}, now)
            await self._tell(conn, NoticeKind.EVENT_CANCELLED, event_id, people, actor)
            await audit.record(
                conn, actor, "event.cancel", f"event:{event_id}", {"told": len(people)}, now
            )
        if people:
            self.notices.wake()
        return len(people)

    async def edit(self, event_id: int, changes: dict[str, object], actor: int) -> Edited:
        """One field of the coordinator's form (a survey timing is three columns). Moving the
        start keeps the length and drops a deadline the new start passes; closing
        applications waits until none is undecided; capacity never goes below the seats
        held, and seats it frees go down the waiting list. Participants are told of a new
        time or place."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None:
                return Edited(None, refused=EditRefused.GONE)
            changes, details = dict(changes), dict(changes)
            starts_at = changes.get("starts_at")
            if isinstance(starts_at, datetime):
                changes["ends_at"] = end_when_moved(event, starts_at)
                if event.registration_deadline != deadline_when_moved(event, starts_at):
                    changes["registration_deadline"] = None
            if event.by_application and changes.get("by_application") is False:
                waiting = await registrations.undecided_in(conn, event_id)
                if waiting:
                    return Edited(None, refused=EditRefused.APPLICATIONS_WAITING, count=waiting)
            people: list[int] = []
            if "capacity" in changes:
                capacity = changes.pop("capacity")
                assert capacity is None or isinstance(capacity, int)
                change = await self.registration.set_capacity(conn, event, capacity)
                if not change.saved:
                    return Edited(None, refused=EditRefused.CAPACITY_BELOW, count=change.taken)
            if changes:
                if TOLD_FIELDS & changes.keys() and event.status is EventStatus.PUBLISHED:
                    people = await registrations.people_to_tell_in(conn, event_id)
                await store.update_event(conn, event_id, changes, now)
                await self._tell(conn, NoticeKind.EVENT_CHANGED, event_id, people, actor)
            await audit.record(conn, actor, "event.edit", f"event:{event_id}", details, now)
            saved = await store.event_in(conn, event_id)
        self.notices.wake()
        return Edited(saved, told=len(people))

    async def import_plan(self, project_id: int, events: list[NewEvent], actor: int) -> int:
        """A whole plan, all or nothing, as drafts; audited from the chat and the command
        line alike."""
        now = self.clock.now()
        async with self.db.write() as conn:
            for new in events:
                await store.insert_event(conn, new, now)
            await audit.record(
                conn, actor, "plan.import", f"project:{project_id}", {"events": len(events)}, now
            )
        return len(events)

    async def _tell(
        self,
        conn: aiosqlite.Connection,
        kind: NoticeKind,
        event_id: int,
        people: list[int],
        actor: int,
    ) -> None:
        if people:
            await self.notices.submit(
                kind, {"event_id": event_id}, people, urgent=True, created_by=actor, conn=conn
            )
