"""Check-in use cases, one write transaction each: the decision is read and recorded together,
so a double scan records one check-in; a coordinator's marking carries its audit row."""

from __future__ import annotations

from bot import audit
from bot.checkin import store
from bot.checkin.rules import CheckinMethod, CheckinResult, decide
from bot.clock import Clock
from bot.events import store as events
from bot.platform.db import Database
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus


class CheckinService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

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

    async def add_walkin(
        self, event_id: int, name: str, category: str | None, district: str | None, by: int
    ) -> bool:
        """Someone without Telegram, marked present by the coordinator; False when the event
        is gone."""
        now = self.clock.now()
        async with self.db.write() as conn:
            if await events.event_in(conn, event_id) is None:
                return False
            await store.record_walkin(conn, event_id, name, category, district, now, by)
            await audit.record(conn, by, "checkin.walkin", f"event:{event_id}", {"name": name}, now)
        return True
