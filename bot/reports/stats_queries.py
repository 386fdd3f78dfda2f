"""The numbers a funder's report is built on. A person reached counts once however many
events they attended; walk-ins without Telegram count once per name within a project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import from_db, to_db
from bot.platform.db import Database

# One row per attendance, with a stable identity for the person and the district and category
# they had at the event (the check-in's snapshot; a check-in written without one, by hand in
# SQL, counts where the person is now).
_ATTENDANCE = """
    SELECT c.event_id,
           CASE WHEN c.user_id IS NOT NULL THEN 'u' || c.user_id
                ELSE 'w' || person_key(c.walkin_name) END AS person,
           COALESCE(c.district_at, u.district, c.walkin_district) AS district,
           COALESCE(c.category_at, u.category, c.walkin_category) AS category
    FROM checkins c
    JOIN events e ON e.id = c.event_id
    LEFT JOIN users u ON u.id = c.user_id
    WHERE e.project_id = ? AND e.status != 'cancelled'
"""


def attendance_sql() -> str:
    """One row per attendance (event_id, person, district, category) in a project's events
    that are not cancelled; one parameter: the project id."""
    return _ATTENDANCE


def reach_sql(by: tuple[str, ...]) -> str:
    """Unique people and attendances, grouped by district and/or category (or not at all: the
    project total); columns district, category, people, attendances. Each grouping counts a
    person once within its own group. One parameter: the project id."""
    if not set(by) <= {"district", "category"}:
        raise ValueError(f"cannot group reach by {by}")
    select = ", ".join(
        name if name in by else f"NULL AS {name}" for name in ("district", "category")
    )
    group = f"GROUP BY {', '.join(by)} " if by else ""
    return (
        f"SELECT {select}, COUNT(DISTINCT person) AS people, COUNT(*) AS attendances "
        f"FROM ({_ATTENDANCE}) {group}ORDER BY people DESC, district, category"
    )


def demographic_reach_sql(column: str) -> str:
    """Unique people and attendances by gender or age band (`column`); columns value,
    people, attendances. Counted by the person's profile as it is now: unlike district and
    category, nothing of it is kept at the event. A walk-in has none (NULL). One parameter:
    the project id."""
    if column not in ("gender", "age_band"):
        raise ValueError(f"cannot group reach by {column}")
    # The person key of a Telegram user is 'u' || id: back to the id, so users is read by key.
    user_id = "CASE WHEN a.person LIKE 'u%' THEN CAST(substr(a.person, 2) AS INTEGER) END"
    return (
        f"SELECT u.{column} AS value, COUNT(DISTINCT a.person) AS people, "
        f"COUNT(*) AS attendances FROM ({_ATTENDANCE}) a "
        f"LEFT JOIN users u ON u.id = {user_id} GROUP BY u.{column}"
    )


@dataclass(frozen=True)
class Reach:
    people: int
    attendances: int


@dataclass(frozen=True)
class ProjectStats:
    events_planned: int  # not cancelled
    events_held: int  # published and over
    registrations: int  # signed up and not cancelled or rejected
    total: Reach
    by_district: dict[str | None, Reach] = field(default_factory=dict)
    by_category: dict[str | None, Reach] = field(default_factory=dict)


async def project_stats(db: Database, project_id: int, now: datetime) -> ProjectStats:
    planned = await db.fetch_value(
        "SELECT COUNT(*) FROM events WHERE project_id = ? AND status != 'cancelled'",
        (project_id,),
    )
    held = await db.fetch_value(
        "SELECT COUNT(*) FROM events WHERE project_id = ? AND status = 'published' "
        "AND ends_at <= ?",
        (project_id, to_db(now)),
    )
    registered = await db.fetch_value(
        "SELECT COUNT(*) FROM registrations r JOIN events e ON e.id = r.event_id "
        "WHERE e.project_id = ? AND e.status != 'cancelled' "
        "AND r.status NOT IN ('cancelled', 'rejected')",
        (project_id,),
    )
    total = await db.fetch_one(reach_sql(()), (project_id,))

    async def grouped(column: str) -> dict[str | None, Reach]:
        rows = await db.fetch_all(reach_sql((column,)), (project_id,))
        return {row[column]: Reach(row["people"], row["attendances"]) for row in rows}

    return ProjectStats(
        events_planned=int(str(planned)),
        events_held=int(str(held)),
        registrations=int(str(registered)),
        total=Reach(total["people"], total["attendances"]) if total else Reach(0, 0),
        by_district=await grouped("district"),
        by_category=await grouped("category"),
    )


@dataclass(frozen=True)
class AttendanceRecord:
    full_name: str | None  # None once the person deleted their data
    phone: str | None
    organisation: str | None
    category: str | None
    district: str | None
    status: str | None  # None for a walk-in without registration
    registered_at: datetime | None
    checked_in_at: datetime | None
    method: str | None


async def attendance_records(db: Database, event_id: int) -> list[AttendanceRecord]:
    """Everyone registered (but cancelled and rejected), then walk-ins, in sign-up order."""
    rows = await db.fetch_all(
        "SELECT u.full_name, u.phone, u.organisation, "
        "COALESCE(c.category_at, r.category_at, u.category), "
        "COALESCE(c.district_at, r.district_at, u.district), r.status, "
        "r.created_at, c.checked_in_at, c.method, r.id AS ord "
        "FROM registrations r JOIN users u ON u.id = r.user_id "
        "LEFT JOIN checkins c ON c.event_id = r.event_id AND c.user_id = r.user_id "
        "WHERE r.event_id = ? AND r.status NOT IN ('cancelled', 'rejected') "
        "UNION ALL "
        "SELECT COALESCE(u.full_name, c.walkin_name), u.phone, u.organisation, "
        "COALESCE(c.category_at, u.category, c.walkin_category), "
        "COALESCE(c.district_at, u.district, c.walkin_district), "
        "NULL, NULL, c.checked_in_at, c.method, 1000000000 + c.id "
        "FROM checkins c LEFT JOIN users u ON u.id = c.user_id "
        "WHERE c.event_id = ? AND NOT EXISTS (SELECT 1 FROM registrations r "
        "WHERE r.event_id = c.event_id AND r.user_id = c.user_id "
        "AND r.status NOT IN ('cancelled', 'rejected')) "
        "ORDER BY ord",
        (event_id, event_id),
    )
    return [
        AttendanceRecord(
            full_name=row[0],
            phone=row[1],
            organisation=row[2],
            category=row[3],
            district=row[4],
            status=row[5],
            registered_at=from_db(row[6]) if row[6] else None,
            checked_in_at=from_db(row[7]) if row[7] else None,
            method=row[8],
        )
        for row in rows
    ]
