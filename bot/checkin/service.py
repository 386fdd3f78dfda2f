"""Check-in use cases, one write transaction each: the decision is read and recorded together,
so a double scan records one check-in; a coordinator's marking carries its audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import audit
from bot.checkin import store
from bot.checkin.links import opens, read_checkin_link
from bot.checkin.participants import (
    ListCounts,
    ParticipantRow,
    WalkinRow,
    participant_card,
    participant_page,
)
from bot.checkin.rules import CheckinMethod, CheckinResult, decide, window
from bot.checkin.store import Attendance
from bot.clock import Clock
from bot.deeplinks import DeepLink
from bot.events import store as events
from bot.events.model import Event
from bot.platform.db import Database
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus


@dataclass(frozen=True)
class Marked:
    event_id: int
    result: CheckinResult


@dataclass(frozen=True)
class ParticipantCard:
    """One person on one event, as the coordinator's card shows them."""

    event_id: int
    person: ParticipantRow
    motivation: str | None
    registered_at: datetime
    attended: Attendance | None


@dataclass(frozen=True)
class CheckedIn:
    event: Event
    result: CheckinResult


class CheckinService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def check_in_with_link(self, link: DeepLink, user_id: int) -> CheckedIn | None:
        """The QR code at the entrance; None for a link that opens no event's check-in."""
        parts = read_checkin_link(link)
        event = await events.get_event_by_code(self.db, parts[0]) if parts else None
        if event is None or parts is None or not opens(event, parts[1]):
            return None
        return CheckedIn(event, await self.check_in(event.id, user_id, CheckinMethod.QR))

    async def check_in_with_code(self, code: str, user_id: int) -> CheckedIn | None:
        """The six digits the coordinator announces; None when no event has them."""
        now = self.clock.now()
        candidates = [
            event
            for event_id in await store.events_with_code(self.db, code)
            if (event := await events.get_event(self.db, event_id)) is not None
        ]
        if not candidates:
            return None
        # Codes are random per event; if two events share one, the one running now wins.
        candidates.sort(key=lambda e: not (window(e)[0] <= now <= window(e)[1]))
        event = candidates[0]
        return CheckedIn(event, await self.check_in(event.id, user_id, CheckinMethod.CODE))

    async def check_in(
        self, event_id: int, user_id: int, method: CheckinMethod, *, by: int | None = None
    ) -> CheckinResult:
        """The person's own scan or typed code, or (`by`) a coordinator marking them present
        from the list, which is audited."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            if event is None:
                return CheckinResult.EVENT_OFF
            status = await store.registration_status_in(conn, event_id, user_id)
            already = await store.checked_in_in(conn, event_id, user_id)
            result = decide(event, now, status, already, by_coordinator=by is not None)
            if result not in (CheckinResult.OK, CheckinResult.WALKIN):
                return result
            await store.record(conn, event_id, user_id, method, now, by)
            if status is RegistrationStatus.OFFERED:
                # Coming in is taking the offered seat: it must not lapse at the start.
                own = await registrations.own_in(conn, event_id, user_id)
                assert own is not None, "its status was read in this transaction"
                await registrations.set_status(conn, [own.id], RegistrationStatus.CONFIRMED, now)
            if by is not None:
                await audit.record(
                    conn, by, "checkin.list", f"event:{event_id}", {"user": user_id}, now
                )
        return result

    async def mark_present(self, registration_id: int, by: int) -> Marked | None:
        """A coordinator's tap on a name in the participant list; None when the registration
        is gone."""
        registration = await registrations.by_id(self.db, registration_id)
        if registration is None:
            return None
        result = await self.check_in(
            registration.event_id, registration.user_id, CheckinMethod.LIST, by=by
        )
        return Marked(registration.event_id, result)

    async def participants(
        self, event_id: int, offset: int, limit: int
    ) -> tuple[list[ParticipantRow | WalkinRow], ListCounts]:
        """One page of the participant list (the registered, then the walk-ins), and its
        counts."""
        return await participant_page(self.db, event_id, offset, limit)

    async def card(self, registration_id: int) -> ParticipantCard | None:
        found = await participant_card(self.db, registration_id)
        registration = await registrations.by_id(self.db, registration_id)
        if found is None or registration is None:
            return None
        person, motivation, registered_at, attended = found
        return ParticipantCard(registration.event_id, person, motivation, registered_at, attended)

    async def add_walkin(
        self, event_id: int, name: str, category: str | None, district: str | None, by: int
    ) -> Event | None:
        """Someone without Telegram, marked present by the coordinator at the event returned;
        None when the event is gone."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            if event is None:
                return None
            await store.record_walkin(conn, event_id, name, category, district, now, by)
            await audit.record(conn, by, "checkin.walkin", f"event:{event_id}", {"name": name}, now)
        return event
