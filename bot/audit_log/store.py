"""SQL for reading the audit log back: the rows about one project (its own and its events')
or one event, newest first. Objects are 'project:<id>', 'event:<id>' and
'registration:<id>' (an application decided), as bot.audit writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_db
from bot.platform.db import Database

_SCOPED = """
WITH scoped AS (
    SELECT a.id, a.actor_id, a.action, a.details, a.at,
        CASE WHEN a.object LIKE 'project:%' THEN CAST(substr(a.object, 9) AS INTEGER) END
            AS project_id,
        CASE
            WHEN a.object LIKE 'event:%' THEN CAST(substr(a.object, 7) AS INTEGER)
            WHEN a.object LIKE 'registration:%' THEN (
                SELECT r.event_id FROM registrations r
                WHERE r.id = CAST(substr(a.object, 14) AS INTEGER)
            )
        END AS event_id
    FROM audit_log a
)
"""
_PROJECT = "s.project_id = ? OR e.project_id = ?"
_EVENT = "s.event_id = ?"


@dataclass(frozen=True)
class Row:
    at: datetime
    actor_id: int
    stored_coordinator: bool
    actor_name: str | None
    action: str
    details: str
    event_title_ru: str | None
    event_title_kk: str | None


async def project_rows(
    db: Database, project_id: int, offset: int, limit: int
) -> tuple[list[Row], int]:
    """One page of the project's own rows and its events' rows, and how many there are."""
    return await _rows(db, _PROJECT, (project_id, project_id), offset, limit)


async def event_rows(db: Database, event_id: int, offset: int, limit: int) -> tuple[list[Row], int]:
    return await _rows(db, _EVENT, (event_id,), offset, limit)


async def _rows(
    db: Database, where: str, params: tuple[int, ...], offset: int, limit: int
) -> tuple[list[Row], int]:
    joined = f"{_SCOPED} SELECT {{}} FROM scoped s LEFT JOIN events e ON e.id = s.event_id"
    total = await db.fetch_value(joined.format("COUNT(*)") + f" WHERE {where}", params)
    found = await db.fetch_all(
        joined.format(
            "s.at, s.actor_id, s.action, s.details, e.title_ru, e.title_kk, u.full_name, "
            "c.user_id IS NOT NULL AS stored_coordinator"
        )
        + " LEFT JOIN users u ON u.id = s.actor_id"
        " LEFT JOIN coordinators c ON c.user_id = s.actor_id"
        f" WHERE {where} ORDER BY s.at DESC, s.id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    rows = [
        Row(
            from_db(row["at"]),
            row["actor_id"],
            bool(row["stored_coordinator"]),
            row["full_name"],
            row["action"],
            row["details"],
            row["title_ru"],
            row["title_kk"],
        )
        for row in found
    ]
    assert isinstance(total, int), total
    return rows, total


async def title(db: Database, table: str, object_id: int) -> tuple[str, str | None] | None:
    """The Russian and Kazakh titles of a project or an event (`table`); None when gone."""
    assert table in ("projects", "events"), table
    row = await db.fetch_one(f"SELECT title_ru, title_kk FROM {table} WHERE id = ?", (object_id,))
    return None if row is None else (row["title_ru"], row["title_kk"])
