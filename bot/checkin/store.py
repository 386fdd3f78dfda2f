"""Attendance in SQL: one check-in per person and event, with its time and method."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.checkin.rules import CheckinMethod
from bot.clock import from_db, to_db
from bot.platform.db import Database
from bot.registration.rules import RegistrationStatus


@dataclass(frozen=True)
class Attendance:
    user_id: int | None
    name: str | None
    method: CheckinMethod
    at: datetime


async def registration_status_in(
    conn: aiosqlite.Connection, event_id: int, user_id: int
) -> RegistrationStatus | None:
    async with conn.execute(
        "SELECT status FROM registrations WHERE event_id = ? AND user_id = ?",
        (event_id, user_id),
    ) as cursor:
        row = await cursor.fetchone()
    return RegistrationStatus(row[0]) if row else None


async def checked_in_in(conn: aiosqlite.Connection, event_id: int, user_id: int) -> bool:
    async with conn.execute(
        "SELECT 1 FROM checkins WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    ) as cursor:
        return await cursor.fetchone() is not None


async def record(
    conn: aiosqlite.Connection,
    event_id: int,
    user_id: int,
    method: CheckinMethod,
    now: datetime,
    by: int | None,
) -> None:
    """With the district and category the person has now, where reach counts them for good."""
    await conn.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at, checked_in_by, "
        "district_at, category_at) VALUES (?, ?, ?, ?, ?, "
        "(SELECT district FROM users WHERE id = ?), (SELECT category FROM users WHERE id = ?))",
        (event_id, user_id, method.value, to_db(now), by, user_id, user_id),
    )
    await conn.execute(
        "UPDATE registrations SET district_at = u.district, category_at = u.category "
        "FROM users u WHERE u.id = registrations.user_id "
        "AND registrations.event_id = ? AND registrations.user_id = ?",
        (event_id, user_id),
    )


async def record_walkin(
    conn: aiosqlite.Connection,
    event_id: int,
    name: str,
    category: str | None,
    district: str | None,
    now: datetime,
    by: int,
) -> None:
    await conn.execute(
        "INSERT INTO checkins (event_id, walkin_name, walkin_category, walkin_district, method, "
        "checked_in_at, checked_in_by, district_at, category_at) "
        "VALUES (?, ?, ?, ?, 'walkin', ?, ?, ?, ?)",
        (event_id, name, category, district, to_db(now), by, district, category),
    )


async def present(db: Database, event_id: int) -> list[Attendance]:
    rows = await db.fetch_all(
        "SELECT c.user_id, COALESCE(u.full_name, c.walkin_name) AS name, c.method, "
        "c.checked_in_at FROM checkins c LEFT JOIN users u ON u.id = c.user_id "
        "WHERE c.event_id = ? ORDER BY c.checked_in_at, c.id",
        (event_id,),
    )
    return [
        Attendance(
            row["user_id"], row["name"], CheckinMethod(row["method"]), from_db(row["checked_in_at"])
        )
        for row in rows
    ]


async def events_with_code(db: Database, code: str) -> list[int]:
    rows = await db.fetch_all(
        "SELECT id FROM events WHERE checkin_code = ? AND status = 'published' ORDER BY starts_at",
        (code,),
    )
    return [row[0] for row in rows]
