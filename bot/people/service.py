"""People's use cases: consent and the profile, erasing a person on request, and the
coordinators' team (invitations, joining, removal). Each is one transaction; a change to the
team has its audit row in it."""

from __future__ import annotations

from collections.abc import Mapping

from bot import audit
from bot.clock import Clock
from bot.config import Settings
from bot.events import store as events
from bot.notices import Notices
from bot.people import coordinators, store, users
from bot.people.coordinators import Coordinator, InviteResult
from bot.people.profile import ProfileField, kept_answer
from bot.people.roles import is_coordinator
from bot.people.users import UserRecord
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

    async def choose_language(self, user_id: int, language: str) -> None:
        """Also the first row stored for a newcomer: nothing is kept before they choose."""
        await users.choose_language(self.db, user_id, language, self.clock.now())

    async def set_reachable(self, user_id: int, reachable: bool) -> None:
        """Telegram's word that the person blocked the bot (bulk messages skip them while it
        stands) or unblocked it."""
        if reachable:
            await users.mark_reachable(self.db, user_id)
        else:
            await users.mark_unreachable(self.db, user_id, self.clock.now())

    async def give_consent(self, user_id: int, language: str) -> None:
        async with self.db.write() as conn:
            await store.give_consent(conn, user_id, language, self.clock.now())

    async def decline_consent(self, user_id: int, language: str) -> bool:
        """Consent declined: only what the bot needs to answer the person stays (their id and
        language, and a coordinator's name). True for a coordinator."""
        async with self.db.write() as conn:
            staff = is_coordinator(
                self.settings, user_id, stored=await coordinators.is_stored(conn, user_id)
            )
            await users.keep_only_language(
                conn, user_id, language, self.clock.now(), keep_name=staff
            )
        return staff

    async def name_coordinator(self, user_id: int, language: str, name: str) -> None:
        """A coordinator's name, all the panel needs: a participant profile is asked only
        when they sign up for an event."""
        async with self.db.write() as conn:
            await users.name_coordinator(conn, user_id, language, name, self.clock.now())

    async def keep_answer(self, user_id: int, field: ProfileField, value: str | None) -> None:
        """One answer of the onboarding form, saved as it is given: a person who cancels the
        form finds it kept (bot/people/profile.py, `resume_field`)."""
        async with self.db.write() as conn:
            await store.update_field(conn, user_id, field, kept_answer(value))

    async def finish_profile(
        self, user_id: int, values: Mapping[ProfileField, str | None]
    ) -> UserRecord | None:
        """The onboarding form's answers, saved together: from now on the person is
        onboarded. The record as saved (None only if it was never stored)."""
        async with self.db.write() as conn:
            await store.complete_profile(conn, user_id, values, self.clock.now())
            return await users.get_in(conn, user_id)

    async def change_profile(
        self, user_id: int, field: ProfileField, value: str | None
    ) -> UserRecord | None:
        """One field changed from /profile; the record as saved."""
        async with self.db.write() as conn:
            await store.update_field(conn, user_id, field, value)
            return await users.get_in(conn, user_id)

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

    async def coordinators(self) -> list[Coordinator]:
        """The coordinators added by invitation, in the order they joined."""
        return await coordinators.list_coordinators(self.db)

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
