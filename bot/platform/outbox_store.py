"""Outbox jobs and their deliveries, one row per (job, recipient)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.platform.db import Database


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    urgent: bool
    hold_limit: datetime | None = None  # quiet hours never hold a delivery past it


@dataclass(frozen=True)
class Delivery:
    id: int
    job: Job
    user_id: int
    attempts: int
    parts_sent: int = 0  # calls already made for a message sent in parts


@dataclass(frozen=True)
class JobProgress:
    total: int
    delivered: int
    blocked: int
    failed: int  # failed; or 'unknown', left by versions that did not resend after a crash
    skipped: int  # no longer relevant when its turn came (e.g. the person cancelled)
    pending: int

    @property
    def done(self) -> bool:
        return self.pending == 0


async def create_job(
    db: Database,
    kind: str,
    payload: dict[str, Any],
    recipients: Iterable[int],
    *,
    urgent: bool,
    created_by: int | None,
    dedupe_key: str | None,
    not_before: datetime,
    now: datetime,
    hold_limit: datetime | None = None,
    conn: aiosqlite.Connection | None = None,
) -> int:
    """The job id; with a dedupe_key already used, the existing job and no new deliveries.
    With conn, inside the caller's transaction: the change a notice tells of and the notice
    are then saved together or not at all."""
    if conn is None:
        async with db.write() as own:
            return await create_job(
                db, kind, payload, recipients, urgent=urgent, created_by=created_by,
                dedupe_key=dedupe_key, not_before=not_before, now=now, hold_limit=hold_limit,
                conn=own,
            )  # fmt: skip
    people = list(dict.fromkeys(recipients))
    if dedupe_key is not None:
        async with conn.execute(
            "SELECT id FROM outbox_jobs WHERE dedupe_key = ?", (dedupe_key,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return int(row[0])
    cursor = await conn.execute(
        "INSERT INTO outbox_jobs (kind, payload, urgent, dedupe_key, created_by, created_at, "
        "hold_limit) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            json.dumps(payload),
            int(urgent),
            dedupe_key,
            created_by,
            to_db(now),
            to_db(hold_limit) if hold_limit else None,
        ),
    )
    job_id = int(cursor.lastrowid or 0)
    await conn.executemany(
        "INSERT INTO outbox_deliveries (job_id, user_id, not_before) VALUES (?, ?, ?)",
        [(job_id, user_id, to_db(not_before)) for user_id in people],
    )
    return job_id


async def job_exists(db: Database, dedupe_key: str) -> bool:
    found = await db.fetch_value("SELECT 1 FROM outbox_jobs WHERE dedupe_key = ?", (dedupe_key,))
    return found is not None


async def due(db: Database, now: datetime, limit: int) -> list[Delivery]:
    rows = await db.fetch_all(
        "SELECT d.id, d.user_id, d.attempts, d.parts_sent, j.id AS job_id, j.kind, j.payload, "
        "j.urgent, j.hold_limit "
        "FROM outbox_deliveries d JOIN outbox_jobs j ON j.id = d.job_id "
        "WHERE d.state = 'pending' AND d.not_before <= ? ORDER BY d.not_before, d.id LIMIT ?",
        (to_db(now), limit),
    )
    return [
        Delivery(
            id=row["id"],
            job=Job(
                row["job_id"],
                row["kind"],
                json.loads(row["payload"]),
                bool(row["urgent"]),
                from_db(row["hold_limit"]) if row["hold_limit"] else None,
            ),
            user_id=row["user_id"],
            attempts=row["attempts"],
            parts_sent=row["parts_sent"],
        )
        for row in rows
    ]


async def part_sent(db: Database, delivery_id: int, parts: int) -> None:
    await db.execute(
        "UPDATE outbox_deliveries SET parts_sent = ? WHERE id = ?", (parts, delivery_id)
    )


async def start_sending(db: Database, delivery_id: int) -> bool:
    """Mark one delivery 'sending', committed right before its Telegram call (its slot is
    there: nothing waits between this and the request); False if it is no longer pending."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE outbox_deliveries SET state = 'sending' WHERE id = ? AND state = 'pending'",
            (delivery_id,),
        )
        return cursor.rowcount == 1


async def finish(
    db: Database, delivery_id: int, state: str, now: datetime, error: str | None = None
) -> None:
    await db.execute(
        "UPDATE outbox_deliveries SET state = ?, sent_at = ?, error = ?, "
        "attempts = attempts + 1 WHERE id = ?",
        (state, to_db(now) if state == "sent" else None, error, delivery_id),
    )


async def postpone(
    db: Database, delivery_id: int, not_before: datetime, *, count_attempt: bool, error: str
) -> None:
    await db.execute(
        "UPDATE outbox_deliveries SET state = 'pending', not_before = ?, error = ?, "
        "attempts = attempts + ? WHERE id = ?",
        (to_db(not_before), error, int(count_attempt), delivery_id),
    )


async def stop_sending(db: Database, delivery_id: int) -> None:
    """Telegram refused the request (a 429): it is pending again while the pause lasts, so a
    crash during the wait leaves it to be sent, not in doubt."""
    await db.execute(
        "UPDATE outbox_deliveries SET state = 'pending' WHERE id = ? AND state = 'sending'",
        (delivery_id,),
    )


async def recover_interrupted(db: Database) -> int:
    """After a crash, deliveries caught mid-send go out again: their request may or may not
    have reached Telegram, and a rare duplicate costs less than a lost reminder."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "UPDATE outbox_deliveries SET state = 'pending', error = 'interrupted' "
            "WHERE state = 'sending'"
        )
        return cursor.rowcount


async def next_due(db: Database) -> datetime | None:
    value = await db.fetch_value(
        "SELECT MIN(not_before) FROM outbox_deliveries WHERE state = 'pending'"
    )
    return from_db(str(value)) if value else None


async def progress(db: Database, job_id: int) -> JobProgress:
    rows = await db.fetch_all(
        "SELECT state, COUNT(*) AS n FROM outbox_deliveries WHERE job_id = ? GROUP BY state",
        (job_id,),
    )
    counts = {row["state"]: row["n"] for row in rows}
    return JobProgress(
        total=sum(counts.values()),
        delivered=counts.get("sent", 0),
        blocked=counts.get("blocked", 0),
        failed=counts.get("failed", 0) + counts.get("unknown", 0),
        skipped=counts.get("skipped", 0),
        pending=counts.get("pending", 0) + counts.get("sending", 0),
    )
