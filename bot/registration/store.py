"""Registrations in SQL. Functions taking `conn` run inside the caller's write transaction (the
service's), so a read that feeds a decision sees what the write will change; functions taking
`db` read for screens. Nothing here opens a transaction.

The waiting list is ordered by registration id: a person who cancels and signs up again gets a
new row at the end of the queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.broadcasts.model import Audience
from bot.clock import from_db, to_db
from bot.events.model import Event
from bot.events.store import event_from_row
from bot.platform.db import Database
from bot.registration.rules import ACTIVE, HOLDS_SEAT, UNDECIDED, RegistrationStatus


@dataclass(frozen=True)
class Registration:
    id: int
    event_id: int
    user_id: int
    status: RegistrationStatus
    motivation: str | None
    offer_expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Promotion:
    """Someone moved from the waiting list to a seat (CONFIRMED) or to an offer (OFFERED)."""

    registration_id: int
    event_id: int
    user_id: int
    status: RegistrationStatus
    offer_expires_at: datetime | None


@dataclass(frozen=True)
class MyRegistration:
    registration: Registration
    event: Event
    attended: bool
    position: int | None


@dataclass(frozen=True)
class Applicant:
    registration_id: int
    user_id: int
    full_name: str | None
    category: str | None
    district: str | None
    organisation: str | None
    motivation: str | None
    status: RegistrationStatus


def in_list(statuses: Iterable[RegistrationStatus]) -> str:
    """An SQL list of statuses built from the rules' sets, never typed out by hand."""
    return "(" + ", ".join(f"'{status.value}'" for status in sorted(statuses)) + ")"


_SEATS_TAKEN = (
    f"SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status IN {in_list(HOLDS_SEAT)}"
)
_QUEUE_AHEAD = (
    "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND id <= ?"
)


def _from_row(row: aiosqlite.Row) -> Registration:
    return Registration(
        id=row["id"],
        event_id=row["event_id"],
        user_id=row["user_id"],
        status=RegistrationStatus(row["status"]),
        motivation=row["motivation"],
        offer_expires_at=from_db(row["offer_expires_at"]) if row["offer_expires_at"] else None,
        created_at=from_db(row["created_at"]),
    )


async def _value(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> int:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def own_in(conn: aiosqlite.Connection, event_id: int, user_id: int) -> Registration | None:
    async with conn.execute(
        "SELECT * FROM registrations WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    ) as cursor:
        row = await cursor.fetchone()
    return _from_row(row) if row else None


async def by_id_in(conn: aiosqlite.Connection, registration_id: int) -> Registration | None:
    async with conn.execute("SELECT * FROM registrations WHERE id = ?", (registration_id,)) as c:
        row = await c.fetchone()
    return _from_row(row) if row else None


async def seats_taken_in(conn: aiosqlite.Connection, event_id: int) -> int:
    return await _value(conn, _SEATS_TAKEN, (event_id,))


async def position_in(conn: aiosqlite.Connection, registration_id: int, event_id: int) -> int:
    return await _value(conn, _QUEUE_AHEAD, (event_id, registration_id))


async def undecided_in(conn: aiosqlite.Connection, event_id: int) -> int:
    return await _value(
        conn,
        f"SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status IN {in_list(UNDECIDED)}",
        (event_id,),
    )


async def add(
    conn: aiosqlite.Connection,
    event_id: int,
    user_id: int,
    status: RegistrationStatus,
    motivation: str | None,
    now: datetime,
) -> int:
    cursor = await conn.execute(
        # The district and category as they are at sign-up: a later profile edit must not
        # move the registration (refreshed at check-in, see bot.checkin.store.record).
        "INSERT INTO registrations (event_id, user_id, status, motivation, created_at, "
        "updated_at, district_at, category_at) VALUES (?, ?, ?, ?, ?, ?, "
        "(SELECT district FROM users WHERE id = ?), (SELECT category FROM users WHERE id = ?))",
        (event_id, user_id, status.value, motivation, to_db(now), to_db(now), user_id, user_id),
    )
    return int(cursor.lastrowid or 0)


async def remove(conn: aiosqlite.Connection, registration_id: int) -> None:
    await conn.execute("DELETE FROM registrations WHERE id = ?", (registration_id,))


async def set_status(
    conn: aiosqlite.Connection,
    registration_ids: Iterable[int],
    status: RegistrationStatus,
    now: datetime,
    offer_expires_at: datetime | None = None,
) -> None:
    await conn.executemany(
        "UPDATE registrations SET status = ?, offer_expires_at = ?, updated_at = ? WHERE id = ?",
        [
            (status.value, to_db(offer_expires_at) if offer_expires_at else None, to_db(now), rid)
            for rid in registration_ids
        ],
    )


async def queue_heads(
    conn: aiosqlite.Connection, event_id: int, limit: int | None
) -> list[tuple[int, int]]:
    """(registration id, user id) of the first `limit` on the waiting list (None: all)."""
    async with conn.execute(
        "SELECT id, user_id FROM registrations WHERE event_id = ? AND status = 'waitlisted' "
        "ORDER BY id LIMIT ?",
        (event_id, -1 if limit is None else limit),
    ) as cursor:
        return [(row["id"], row["user_id"]) for row in await cursor.fetchall()]


async def first_applications(
    conn: aiosqlite.Connection, event_id: int, limit: int
) -> list[tuple[int, int, str | None]]:
    """(registration id, user id, name) of the oldest `limit` applications under review."""
    async with conn.execute(
        "SELECT r.id, r.user_id, u.full_name FROM registrations r "
        "LEFT JOIN users u ON u.id = r.user_id "
        "WHERE r.event_id = ? AND r.status = 'applied' ORDER BY r.id LIMIT ?",
        (event_id, limit),
    ) as cursor:
        return [(row["id"], row["user_id"], row["full_name"]) for row in await cursor.fetchall()]


async def lapse_offers(conn: aiosqlite.Connection, now: datetime) -> list[Registration]:
    """Cancel the offers not taken in time; those offers, as they were."""
    async with conn.execute(
        "SELECT * FROM registrations WHERE status = 'offered' AND offer_expires_at <= ? "
        "ORDER BY id",
        (to_db(now),),
    ) as cursor:
        lapsed = [_from_row(row) for row in await cursor.fetchall()]
    await conn.execute(
        "UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, "
        "updated_at = ? WHERE status = 'offered' AND offer_expires_at <= ?",
        (to_db(now), to_db(now)),
    )
    return lapsed


async def people_to_tell_in(conn: aiosqlite.Connection, event_id: int) -> list[int]:
    """Everyone signed up (confirmed, waiting, offered, applied, reserve) and reachable."""
    async with conn.execute(
        "SELECT r.user_id FROM registrations r JOIN users u ON u.id = r.user_id "
        f"WHERE r.event_id = ? AND r.status IN {in_list(ACTIVE)} "
        "AND u.deleted_at IS NULL AND u.unreachable_at IS NULL ORDER BY r.id",
        (event_id,),
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def next_offer_expiry(db: Database) -> datetime | None:
    value = await db.fetch_value(
        "SELECT MIN(offer_expires_at) FROM registrations WHERE status = 'offered'"
    )
    return from_db(str(value)) if value else None


async def get(db: Database, event_id: int, user_id: int) -> Registration | None:
    row = await db.fetch_one(
        "SELECT * FROM registrations WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    )
    return _from_row(row) if row else None


async def by_id(db: Database, registration_id: int) -> Registration | None:
    row = await db.fetch_one("SELECT * FROM registrations WHERE id = ?", (registration_id,))
    return _from_row(row) if row else None


async def attendance_confirmed(db: Database, registration_id: int) -> bool:
    """The person pressed the reminder's "I'm coming" for this registration."""
    value = await db.fetch_value(
        "SELECT attendance_confirmed_at IS NOT NULL FROM registrations WHERE id = ?",
        (registration_id,),
    )
    return bool(value)


async def waitlist_position(db: Database, registration: Registration) -> int | None:
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    return int(str(await db.fetch_value(_QUEUE_AHEAD, (registration.event_id, registration.id))))


async def seats_taken(db: Database, event_id: int) -> int:
    return int(str(await db.fetch_value(_SEATS_TAKEN, (event_id,))))


async def counts_by_status(db: Database, event_id: int) -> dict[RegistrationStatus, int]:
    rows = await db.fetch_all(
        "SELECT status, COUNT(*) AS n FROM registrations WHERE event_id = ? GROUP BY status",
        (event_id,),
    )
    return {RegistrationStatus(row["status"]): row["n"] for row in rows}


async def for_user(db: Database, user_id: int) -> list[MyRegistration]:
    """A person's registrations with their events, nearest upcoming first, then the past."""
    rows = await db.fetch_all(
        "SELECT r.*, e.id AS e_id, "
        "EXISTS (SELECT 1 FROM checkins c WHERE c.event_id = r.event_id AND c.user_id = r.user_id)"
        " AS attended, "
        "(SELECT COUNT(*) FROM registrations w WHERE w.event_id = r.event_id "
        " AND w.status = 'waitlisted' AND w.id <= r.id) AS position "
        "FROM registrations r JOIN events e ON e.id = r.event_id "
        "WHERE r.user_id = ? ORDER BY e.starts_at",
        (user_id,),
    )
    events = {
        row["id"]: event_from_row(row)
        for row in await db.fetch_all(
            "SELECT * FROM events WHERE id IN (SELECT event_id FROM registrations "
            "WHERE user_id = ?)",
            (user_id,),
        )
    }
    result: list[MyRegistration] = []
    for row in rows:
        registration = _from_row(row)
        position = row["position"] if registration.status is RegistrationStatus.WAITLISTED else None
        result.append(
            MyRegistration(registration, events[row["e_id"]], bool(row["attended"]), position)
        )
    return result


async def holds_seat(db: Database, event_id: int, user_id: int) -> bool:
    registration = await get(db, event_id, user_id)
    return registration is not None and registration.status in HOLDS_SEAT


async def applicants(db: Database, event_id: int) -> list[Applicant]:
    """Applications under review and in reserve, in the order they came."""
    rows = await db.fetch_all(
        "SELECT r.id, r.user_id, r.status, r.motivation, u.full_name, u.category, u.district, "
        "u.organisation FROM registrations r JOIN users u ON u.id = r.user_id "
        f"WHERE r.event_id = ? AND r.status IN {in_list(UNDECIDED)} "
        "ORDER BY CASE r.status WHEN 'applied' THEN 0 ELSE 1 END, r.id",
        (event_id,),
    )
    return [
        Applicant(
            registration_id=row["id"],
            user_id=row["user_id"],
            full_name=row["full_name"],
            category=row["category"],
            district=row["district"],
            organisation=row["organisation"],
            motivation=row["motivation"],
            status=RegistrationStatus(row["status"]),
        )
        for row in rows
    ]


async def undecided_applications(db: Database, event_id: int) -> int:
    """Applications still waiting for a decision (applied or kept in reserve)."""
    found = await db.fetch_value(
        f"SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status IN {in_list(UNDECIDED)}",
        (event_id,),
    )
    return int(str(found))


# The registrations each audience is made of; PRESENT is read from the check-ins.
_AUDIENCE_STATUSES = {
    Audience.CONFIRMED: in_list({RegistrationStatus.CONFIRMED}),
    Audience.WAITING: in_list({RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED}),
}


def _audience_sql(who: Audience) -> str:
    if who is Audience.PRESENT:
        return (
            "SELECT c.user_id FROM checkins c JOIN users u ON u.id = c.user_id "
            "WHERE c.event_id = ? AND u.deleted_at IS NULL AND u.unreachable_at IS NULL "
            "ORDER BY c.id"
        )
    return (
        "SELECT r.user_id FROM registrations r JOIN users u ON u.id = r.user_id "
        f"WHERE r.event_id = ? AND r.status IN {_AUDIENCE_STATUSES[who]} AND u.deleted_at IS NULL "
        "AND u.unreachable_at IS NULL ORDER BY r.id"
    )


async def audience(db: Database, event_id: int, who: Audience) -> list[int]:
    """The people of an event in the audience the bot can still reach, in the order they came."""
    rows = await db.fetch_all(_audience_sql(who), (event_id,))
    return [row[0] for row in rows]


async def audience_in(conn: aiosqlite.Connection, event_id: int, who: Audience) -> list[int]:
    """As audience(), read inside the caller's transaction."""
    async with conn.execute(_audience_sql(who), (event_id,)) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def confirmed_recipients(db: Database, event_id: int) -> list[int]:
    """Confirmed participants the bot can still reach."""
    return await audience(db, event_id, Audience.CONFIRMED)


async def survey_audience(db: Database, event_id: int) -> list[int]:
    """Those checked in; everyone confirmed when no attendance was taken."""
    present = await audience(db, event_id, Audience.PRESENT)
    return present or await audience(db, event_id, Audience.CONFIRMED)


async def confirm_attendance(
    conn: aiosqlite.Connection, event_id: int, user_id: int, now: datetime
) -> bool:
    cursor = await conn.execute(
        "UPDATE registrations SET attendance_confirmed_at = ? "
        "WHERE event_id = ? AND user_id = ? AND status = 'confirmed'",
        (to_db(now), event_id, user_id),
    )
    return cursor.rowcount == 1
