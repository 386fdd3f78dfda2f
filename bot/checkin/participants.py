"""The participant list a coordinator pages through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class WalkinRow:
    """Someone present without a registration: let in by QR or code (`user_id`), or added by
    name by the coordinator (no Telegram, `user_id` None). Always present."""

    user_id: int | None
    full_name: str | None
    category: str | None
    district: str | None


@dataclass(frozen=True)
class ListCounts:
    """The list's counts: everyone on it, who is present (the event screen's number: every
    check-in), and of them the walk-ins."""

    total: int
    present: int
    walkins: int


# A check-in with no registration still on: a walk-in (a cancelled registration is not one).
_WALKIN = (
    "NOT EXISTS (SELECT 1 FROM registrations r WHERE r.event_id = c.event_id "
    "AND r.user_id = c.user_id AND r.status != 'cancelled')"
)


async def list_counts(db: Database, event_id: int) -> ListCounts:
    row = await db.fetch_one(
        "SELECT (SELECT COUNT(*) FROM registrations WHERE event_id = ? "
        "AND status != 'cancelled') AS registered, "
        "(SELECT COUNT(*) FROM checkins WHERE event_id = ?) AS present, "
        f"(SELECT COUNT(*) FROM checkins c WHERE c.event_id = ? AND {_WALKIN}) AS walkins",
        (event_id, event_id, event_id),
    )
    assert row is not None, "a SELECT of counts returns one row"
    walkins = int(row["walkins"])
    return ListCounts(int(row["registered"]) + walkins, int(row["present"]), walkins)


async def participant_page(
    db: Database, event_id: int, offset: int, limit: int
) -> tuple[list[ParticipantRow | WalkinRow], ListCounts]:
    """Seat holders first, then the waiting list and applicants, in sign-up order; then the
    walk-ins, in the order they came."""
    counts = await list_counts(db, event_id)
    rows = await db.fetch_all(
        "SELECT 0 AS walkin, r.id AS registration_id, r.user_id, r.status, u.full_name, "
        "u.phone, u.category, u.district, "
        "EXISTS (SELECT 1 FROM checkins c WHERE c.event_id = r.event_id "
        "AND c.user_id = r.user_id) AS present, "
        "CASE r.status WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 "
        "WHEN 'waitlisted' THEN 2 ELSE 3 END AS grp, r.id AS seq "
        "FROM registrations r LEFT JOIN users u ON u.id = r.user_id "
        "WHERE r.event_id = ? AND r.status != 'cancelled' "
        "UNION ALL "
        "SELECT 1, NULL, c.user_id, NULL, COALESCE(u.full_name, c.walkin_name), u.phone, "
        "COALESCE(u.category, c.walkin_category), COALESCE(u.district, c.walkin_district), "
        "1, 4, c.id FROM checkins c LEFT JOIN users u ON u.id = c.user_id "
        f"WHERE c.event_id = ? AND {_WALKIN} "
        "ORDER BY grp, seq LIMIT ? OFFSET ?",
        (event_id, event_id, limit, offset),
    )
    return [_row(row) for row in rows], counts


def _row(row: Any) -> ParticipantRow | WalkinRow:
    if row["walkin"]:
        return WalkinRow(row["user_id"], row["full_name"], row["category"], row["district"])
    return ParticipantRow(
        registration_id=row["registration_id"],
        user_id=row["user_id"],
        full_name=row["full_name"],
        phone=row["phone"],
        category=row["category"],
        district=row["district"],
        status=RegistrationStatus(row["status"]),
        present=bool(row["present"]),
    )


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
