"""Registrations: every decision that reads seats and then writes runs in one write transaction,
so 200 simultaneous taps for 15 seats give exactly 15 confirmed and the rest queued in tap order.

The waiting list is ordered by registration id: a person who cancels and signs up again gets a
new row at the end of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot.clock import from_db, to_db
from bot.db import Database
from bot.events import Event, EventStatus
from bot.registration import (
    ACTIVE,
    HOLDS_SEAT,
    OfferPolicy,
    RegisterResult,
    RegistrationStatus,
    status_for_new,
)
from bot.repositories.events import event_from_row


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
class RegisterOutcome:
    result: RegisterResult
    status: RegistrationStatus | None = None
    position: int | None = None  # place on the waiting list


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


_SEATS_TAKEN = (
    "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status IN ('confirmed', 'offered')"
)
_QUEUE_AHEAD = (
    "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'waitlisted' AND id <= ?"
)


async def _value(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...]) -> int:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def _event(conn: aiosqlite.Connection, event_id: int) -> Event | None:
    async with conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)) as cursor:
        row = await cursor.fetchone()
    return event_from_row(row) if row else None


async def _own(conn: aiosqlite.Connection, event_id: int, user_id: int) -> Registration | None:
    async with conn.execute(
        "SELECT * FROM registrations WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    ) as cursor:
        row = await cursor.fetchone()
    return _from_row(row) if row else None


async def _position(conn: aiosqlite.Connection, registration_id: int, event_id: int) -> int:
    return await _value(conn, _QUEUE_AHEAD, (event_id, registration_id))


async def register(
    db: Database, event_id: int, user_id: int, now: datetime, motivation: str | None = None
) -> RegisterOutcome:
    async with db.write() as conn:
        event = await _event(conn, event_id)
        if event is None or not event.registration_open(now):
            return RegisterOutcome(RegisterResult.CLOSED)
        existing = await _own(conn, event_id, user_id)
        if existing is not None and existing.status in ACTIVE:
            position = (
                await _position(conn, existing.id, event_id)
                if existing.status is RegistrationStatus.WAITLISTED
                else None
            )
            return RegisterOutcome(RegisterResult.ALREADY, existing.status, position)
        if existing is not None:
            # Signing up again after cancelling (or a rejection of an earlier application):
            # a new row, so the person queues behind everyone who tapped before.
            await conn.execute("DELETE FROM registrations WHERE id = ?", (existing.id,))
        status = status_for_new(event, await _value(conn, _SEATS_TAKEN, (event_id,)))
        cursor = await conn.execute(
            "INSERT INTO registrations (event_id, user_id, status, motivation, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (event_id, user_id, status.value, motivation, to_db(now), to_db(now)),
        )
        registration_id = int(cursor.lastrowid or 0)
        position = (
            await _position(conn, registration_id, event_id)
            if status is RegistrationStatus.WAITLISTED
            else None
        )
    return RegisterOutcome(RegisterResult(status.value), status, position)


async def fill_seats(
    conn: aiosqlite.Connection, event: Event, now: datetime, policy: OfferPolicy
) -> list[Promotion]:
    """Move people from the head of the waiting list into free seats (in the caller's
    transaction). A cancelled event gives nobody a seat."""
    if now >= event.starts_at or event.status is not EventStatus.PUBLISHED:
        return []
    taken = await _value(conn, _SEATS_TAKEN, (event.id,))
    free = None if event.capacity is None else event.capacity - taken
    if free is not None and free <= 0:
        return []
    async with conn.execute(
        "SELECT id, user_id FROM registrations WHERE event_id = ? AND status = 'waitlisted' "
        "ORDER BY id LIMIT ?",
        (event.id, -1 if free is None else free),
    ) as cursor:
        heads = await cursor.fetchall()
    deadline = policy.deadline(now, event.starts_at)
    status = RegistrationStatus.CONFIRMED if deadline is None else RegistrationStatus.OFFERED
    promotions: list[Promotion] = []
    for row in heads:
        await conn.execute(
            "UPDATE registrations SET status = ?, offer_expires_at = ?, updated_at = ? "
            "WHERE id = ?",
            (status.value, to_db(deadline) if deadline else None, to_db(now), row["id"]),
        )
        promotions.append(Promotion(row["id"], event.id, row["user_id"], status, deadline))
    return promotions


async def cancel(
    db: Database,
    event_id: int,
    user_id: int,
    now: datetime,
    policy: OfferPolicy,
    *,
    only: RegistrationStatus | None = None,
) -> tuple[bool, list[Promotion]]:
    """(cancelled, who moved up). Declining an offer is cancelling with only=OFFERED, so an
    old Decline button cannot cancel a seat the person has accepted since."""
    async with db.write() as conn:
        event = await _event(conn, event_id)
        existing = await _own(conn, event_id, user_id)
        if event is None or existing is None or existing.status not in ACTIVE:
            return False, []
        if only is not None and existing.status is not only:
            return False, []
        if now >= event.starts_at:
            return False, []
        await conn.execute(
            "UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, "
            "updated_at = ? WHERE id = ?",
            (to_db(now), existing.id),
        )
        promotions = await fill_seats(conn, event, now, policy)
    return True, promotions


@dataclass(frozen=True)
class CapacityChange:
    saved: bool
    taken: int  # seats held when the change was decided
    promotions: list[Promotion]


async def change_capacity(
    db: Database, event_id: int, capacity: int | None, now: datetime, policy: OfferPolicy
) -> CapacityChange:
    """A new number of seats (None: unlimited), never below the seats already held; seats
    it frees go to the waiting list at once. One transaction, so no sign-up slips between."""
    async with db.write() as conn:
        event = await _event(conn, event_id)
        taken = await _value(conn, _SEATS_TAKEN, (event_id,))
        if event is None or (capacity is not None and capacity < taken):
            return CapacityChange(False, taken, [])
        await conn.execute(
            "UPDATE events SET capacity = ?, updated_at = ? WHERE id = ?",
            (capacity, to_db(now), event_id),
        )
        promotions = await fill_seats(conn, replace(event, capacity=capacity), now, policy)
    return CapacityChange(True, taken, promotions)


async def accept_offer(db: Database, event_id: int, user_id: int, now: datetime) -> bool:
    async with db.write() as conn:
        existing = await _own(conn, event_id, user_id)
        if (
            existing is None
            or existing.status is not RegistrationStatus.OFFERED
            or (existing.offer_expires_at is not None and now >= existing.offer_expires_at)
        ):
            return False
        await conn.execute(
            "UPDATE registrations SET status = 'confirmed', offer_expires_at = NULL, "
            "updated_at = ? WHERE id = ?",
            (to_db(now), existing.id),
        )
    return True


async def expire_offers(db: Database, now: datetime, policy: OfferPolicy) -> list[Promotion]:
    """Offers not taken in time lapse and the seat moves on to the next person in the queue."""
    async with db.write() as conn:
        async with conn.execute(
            "SELECT DISTINCT event_id FROM registrations WHERE status = 'offered' "
            "AND offer_expires_at <= ?",
            (to_db(now),),
        ) as cursor:
            event_ids = [row[0] for row in await cursor.fetchall()]
        await conn.execute(
            "UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, "
            "updated_at = ? WHERE status = 'offered' AND offer_expires_at <= ?",
            (to_db(now), to_db(now)),
        )
        promotions: list[Promotion] = []
        for event_id in event_ids:
            event = await _event(conn, event_id)
            if event is not None:
                promotions += await fill_seats(conn, event, now, policy)
    return promotions


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


async def by_id(db: Database, registration_id: int) -> Registration | None:
    row = await db.fetch_one("SELECT * FROM registrations WHERE id = ?", (registration_id,))
    return _from_row(row) if row else None


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


async def applicants(db: Database, event_id: int) -> list[Applicant]:
    """Applications under review and in reserve, in the order they came."""
    rows = await db.fetch_all(
        "SELECT r.id, r.user_id, r.status, r.motivation, u.full_name, u.category, u.district, "
        "u.organisation FROM registrations r JOIN users u ON u.id = r.user_id "
        "WHERE r.event_id = ? AND r.status IN ('applied', 'reserve') "
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


class DecisionResult(StrEnum):
    DONE = "done"
    FULL = "full"  # approving would go beyond capacity
    GONE = "gone"  # no longer an application (withdrawn, decided already)
    CLOSED = "closed"  # the event was cancelled or has started


DECISIONS = frozenset(
    {RegistrationStatus.CONFIRMED, RegistrationStatus.RESERVE, RegistrationStatus.REJECTED}
)


async def decide(
    db: Database, registration_id: int, decision: RegistrationStatus, now: datetime
) -> tuple[DecisionResult, Registration | None]:
    """Approve (only within capacity), keep in reserve, or reject one application."""
    if decision not in DECISIONS:
        raise ValueError(f"not a decision: {decision}")
    async with db.write() as conn:
        async with conn.execute(
            "SELECT * FROM registrations WHERE id = ?", (registration_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row["status"] not in ("applied", "reserve"):
            return DecisionResult.GONE, None
        registration = _from_row(row)
        event = await _event(conn, registration.event_id)
        if event is None or event.status is not EventStatus.PUBLISHED or now >= event.starts_at:
            return DecisionResult.CLOSED, registration
        if decision is RegistrationStatus.CONFIRMED:
            taken = await _value(conn, _SEATS_TAKEN, (registration.event_id,))
            if event.capacity is not None and taken >= event.capacity:
                return DecisionResult.FULL, registration
        await conn.execute(
            "UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?",
            (decision.value, to_db(now), registration_id),
        )
    return DecisionResult.DONE, registration


async def undecided_applications(db: Database, event_id: int) -> int:
    """Applications still waiting for a decision (applied or kept in reserve)."""
    found = await db.fetch_value(
        "SELECT COUNT(*) FROM registrations "
        "WHERE event_id = ? AND status IN ('applied', 'reserve')",
        (event_id,),
    )
    return int(str(found))


async def approve_first(db: Database, event_id: int, count: int, now: datetime) -> list[int]:
    """Approve up to `count` applications in the order they came, never beyond capacity."""
    async with db.write() as conn:
        event = await _event(conn, event_id)
        if event is None or event.status is not EventStatus.PUBLISHED or now >= event.starts_at:
            return []
        taken = await _value(conn, _SEATS_TAKEN, (event_id,))
        room = count if event.capacity is None else min(count, event.capacity - taken)
        if room <= 0:
            return []
        async with conn.execute(
            "SELECT id, user_id FROM registrations WHERE event_id = ? AND status = 'applied' "
            "ORDER BY id LIMIT ?",
            (event_id, room),
        ) as cursor:
            rows = await cursor.fetchall()
        await conn.executemany(
            "UPDATE registrations SET status = 'confirmed', updated_at = ? WHERE id = ?",
            [(to_db(now), row["id"]) for row in rows],
        )
    return [row["user_id"] for row in rows]
