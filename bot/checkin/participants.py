"""The participant list a coordinator pages through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.checkin.rules import CheckinMethod
from bot.checkin.store import Attendance
from bot.clock import from_db
from bot.platform.db import Database
from bot.registration.rules import RegistrationStatus


@dataclass(frozen=True)
class ParticipantRow:
    registration_id: int
    user_id: int
    full_name: str | None
    phone: str | None
    category: str | None
    district: str | None
    status: RegistrationStatus
    present: bool


async def participant_page(
    db: Database, event_id: int, offset: int, limit: int
) -> tuple[list[ParticipantRow], int]:
    """Seat holders first, then the waiting list and applicants, in sign-up order."""
    total = int(
        str(
            await db.fetch_value(
                "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status != 'cancelled'",
                (event_id,),
            )
        )
    )
    rows = await db.fetch_all(
        "SELECT r.id, r.user_id, r.status, u.full_name, u.phone, u.category, u.district, "
        "EXISTS (SELECT 1 FROM checkins c WHERE c.event_id = r.event_id "
        "AND c.user_id = r.user_id) AS present "
        "FROM registrations r JOIN users u ON u.id = r.user_id "
        "WHERE r.event_id = ? AND r.status != 'cancelled' "
        "ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 "
        "WHEN 'waitlisted' THEN 2 ELSE 3 END, r.id LIMIT ? OFFSET ?",
        (event_id, limit, offset),
    )
    return [
        ParticipantRow(
            registration_id=row["id"],
            user_id=row["user_id"],
            full_name=row["full_name"],
            phone=row["phone"],
            category=row["category"],
            district=row["district"],
            status=RegistrationStatus(row["status"]),
            present=bool(row["present"]),
        )
        for row in rows
    ], total


async def participant_card(
    db: Database, registration_id: int
) -> tuple[ParticipantRow, str | None, datetime, Attendance | None] | None:
    """One person on one event: profile, status, motivation, when registered and checked in."""
    row = await db.fetch_one(
        "SELECT r.id, r.event_id, r.user_id, r.status, r.motivation, r.created_at, "
        "u.full_name, u.phone, u.category, u.district, "
        "c.method, c.checked_in_at FROM registrations r JOIN users u ON u.id = r.user_id "
        "LEFT JOIN checkins c ON c.event_id = r.event_id AND c.user_id = r.user_id "
        "WHERE r.id = ?",
        (registration_id,),
    )
    if row is None:
        return None
    attended = (
        Attendance(
            row["user_id"],
            row["full_name"],
            CheckinMethod(row["method"]),
            from_db(row["checked_in_at"]),
        )
        if row["method"]
        else None
    )
    person = ParticipantRow(
        registration_id=row["id"],
        user_id=row["user_id"],
        full_name=row["full_name"],
        phone=row["phone"],
        category=row["category"],
        district=row["district"],
        status=RegistrationStatus(row["status"]),
        present=attended is not None,
    )
    return person, row["motivation"], from_db(row["created_at"]), attended
