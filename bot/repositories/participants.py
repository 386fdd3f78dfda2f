"""The participant list a coordinator pages through."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.registration import RegistrationStatus


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
