"""What the scheduler reads: events coming up and who should hear about them."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import to_db
from bot.db import Database
from bot.events.model import Event
from bot.events.store import event_from_row


async def upcoming_published(db: Database, now: datetime, horizon: timedelta) -> list[Event]:
    rows = await db.fetch_all(
        "SELECT * FROM events WHERE status = 'published' AND starts_at > ? AND starts_at <= ? "
        "ORDER BY starts_at",
        (to_db(now), to_db(now + horizon)),
    )
    return [event_from_row(row) for row in rows]


async def confirmed_recipients(db: Database, event_id: int) -> list[int]:
    """Confirmed participants the bot can still reach."""
    return await audience(db, event_id, "confirmed")


async def confirm_attendance(db: Database, event_id: int, user_id: int, now: datetime) -> bool:
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE registrations SET attendance_confirmed_at = ? "
            "WHERE event_id = ? AND user_id = ? AND status = 'confirmed'",
            (to_db(now), event_id, user_id),
        )
        return cursor.rowcount == 1


async def audience(db: Database, event_id: int, group: str) -> list[int]:
    """Reachable people of an event: 'confirmed', 'waiting' (list and offers) or 'present'."""
    if group == "present":
        sql = (
            "SELECT c.user_id FROM checkins c JOIN users u ON u.id = c.user_id "
            "WHERE c.event_id = ? AND u.deleted_at IS NULL AND u.unreachable_at IS NULL "
            "ORDER BY c.id"
        )
    else:
        statuses = "('confirmed')" if group == "confirmed" else "('waitlisted', 'offered')"
        sql = (
            "SELECT r.user_id FROM registrations r JOIN users u ON u.id = r.user_id "
            f"WHERE r.event_id = ? AND r.status IN {statuses} AND u.deleted_at IS NULL "
            "AND u.unreachable_at IS NULL ORDER BY r.id"
        )
    rows = await db.fetch_all(sql, (event_id,))
    return [row[0] for row in rows]


async def recently_ended_with_survey(db: Database, now: datetime) -> list[Event]:
    """Published events with a questionnaire that ended within the last 60 days."""
    rows = await db.fetch_all(
        "SELECT * FROM events WHERE status = 'published' AND survey_template IS NOT NULL "
        "AND ends_at <= ? AND ends_at > ? ORDER BY ends_at",
        (to_db(now), to_db(now - timedelta(days=60))),
    )
    return [event_from_row(row) for row in rows]


async def survey_audience(db: Database, event_id: int) -> list[int]:
    """Those checked in; everyone confirmed when no attendance was taken."""
    present = await audience(db, event_id, "present")
    return present or await audience(db, event_id, "confirmed")
