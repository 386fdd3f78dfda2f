"""People's use cases: erasing a person on request, and the coordinators' team (invitations,
joining, removal), each with its audit row in the transaction of the change."""

from __future__ import annotations

from bot import audit
from bot.clock import Clock
from bot.config import Settings
from bot.events import store as events
from bot.notices import Notices
from bot.people import coordinators, store, users
from bot.people.coordinators import InviteResult
from bot.people.roles import is_coordinator
from bot.platform.db import Database
from bot.registration.service import RegistrationService


class PeopleService:
    def __init__(
        self,
        db: Database,
        notices: Notices,
        clock: Clock,
        settings: Settings,
        registration: RegistrationService,
    ) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock
        self.settings = settings
        self.registration = registration

    async def erase(self, user_id: int) -> bool:
        """/delete_me: False when nothing about the person is stored. Registrations for events
        not started yet are cancelled and their seats move down the waiting lists (the people
        moved up are told) in the same transaction; then the WAL is emptied, so the erased
        values are not left readable on disk."""
        now = self.clock.now()
        promoted = 0
        async with self.db.write() as conn:
            if await users.get_in(conn, user_id) is None:
                return False
            for event_id in await store.cancel_future_registrations(conn, user_id, now):
                event = await events.event_in(conn, event_id)
                if event is not None:
                    promoted += await self.registration.fill_seats(conn, event)
            await store.erase_identity(conn, user_id, now)
        await self.db.forget_erased()
        if promoted:
            self.notices.wake()
        return True

    async def is_coordinator(self, user_id: int) -> bool:
        """Checked against the database on every update: hiding a button is not security."""
        if is_coordinator(self.settings, user_id, stored=False):
            return True
        return await coordinators.is_stored_coordinator(self.db, user_id)

    async def coordinator_ids(self) -> set[int]:
        return set(self.settings.admin_ids) | await coordinators.stored_ids(self.db)

    async def invite_coordinator(self, actor: int) -> str:
        """A one-time invitation code for a new coordinator."""
        now = self.clock.now()
        async with self.db.write() as conn:
            code = await coordinators.create_invite(conn, actor, now)
            await audit.record(conn, actor, "coordinator.invite", "invite", {}, now)
        return code

    async def join_team(self, code: str, user_id: int) -> InviteResult:
        now = self.clock.now()
        async with self.db.write() as conn:
            stored = await coordinators.is_stored(conn, user_id)
            already = is_coordinator(self.settings, user_id, stored=stored)
            result = await coordinators.accept_invite(conn, code, user_id, now, already=already)
            if result is InviteResult.JOINED:
                await audit.record(conn, user_id, "coordinator.join", f"user:{user_id}", {}, now)
        return result

    async def remove_coordinator(self, user_id: int, actor: int) -> bool:
        now = self.clock.now()
        async with self.db.write() as conn:
            removed = await coordinators.remove(conn, user_id)
            if removed:
                await audit.record(conn, actor, "coordinator.remove", f"user:{user_id}", {}, now)
        return removed
