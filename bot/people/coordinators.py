"""Coordinators stored in the database and the one-time invitations that add them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.clock import to_db
from bot.platform.db import Database

INVITE_TTL = timedelta(days=3)


class InviteResult(StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # already a coordinator
    INVALID = "invalid"  # unknown, used or expired


@dataclass(frozen=True)
class Coordinator:
    user_id: int
    full_name: str | None


async def create_invite(conn: aiosqlite.Connection, created_by: int, now: datetime) -> str:
    code = secrets.token_urlsafe(12)
    await conn.execute(
        "INSERT INTO coordinator_invites (code, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        (code, created_by, to_db(now), to_db(now + INVITE_TTL)),
    )
    return code


async def accept_invite(
    conn: aiosqlite.Connection, code: str, user_id: int, now: datetime, *, already: bool
) -> InviteResult:
    async with conn.execute(
        "SELECT 1 FROM coordinator_invites WHERE code = ? AND used_by IS NULL AND expires_at > ?",
        (code, to_db(now)),
    ) as cursor:
        valid = await cursor.fetchone() is not None
    if not valid:
        return InviteResult.INVALID
    if already:
        return InviteResult.ALREADY
    await conn.execute(
        "UPDATE coordinator_invites SET used_by = ?, used_at = ? WHERE code = ?",
        (user_id, to_db(now), code),
    )
    await conn.execute(
        "INSERT OR IGNORE INTO coordinators (user_id, added_by, added_at) "
        "SELECT ?, created_by, ? FROM coordinator_invites WHERE code = ?",
        (user_id, to_db(now), code),
    )
    return InviteResult.JOINED


async def is_stored(conn: aiosqlite.Connection, user_id: int) -> bool:
    async with conn.execute("SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,)) as c:
        return await c.fetchone() is not None


async def is_stored_coordinator(db: Database, user_id: int) -> bool:
    found = await db.fetch_one("SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,))
    return found is not None


async def stored_ids(db: Database) -> set[int]:
    rows = await db.fetch_all("SELECT user_id FROM coordinators")
    return {int(row["user_id"]) for row in rows}


async def list_coordinators(db: Database) -> list[Coordinator]:
    rows = await db.fetch_all(
        "SELECT c.user_id, u.full_name FROM coordinators c "
        "LEFT JOIN users u ON u.id = c.user_id ORDER BY c.added_at"
    )
    return [Coordinator(row["user_id"], row["full_name"]) for row in rows]


async def remove(conn: aiosqlite.Connection, user_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM coordinators WHERE user_id = ?", (user_id,))
    return cursor.rowcount == 1
