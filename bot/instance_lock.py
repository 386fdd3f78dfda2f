"""One scheduler per database: a second bot process on the same file refuses to start."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from bot.clock import from_db, to_db
from bot.db import Database

# A holder that has not refreshed the lock for this long is gone (killed, machine lost).
STALE_AFTER = timedelta(minutes=2)


class InstanceLockError(Exception):
    pass


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive_here(owner: str) -> bool:
    """False when the holder was a process on this machine that no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def acquire(db: Database, now: datetime) -> None:
    async with db.write() as conn:
        async with conn.execute("SELECT owner, heartbeat_at FROM scheduler_lock") as cursor:
            row = await cursor.fetchone()
        if row is not None and row["owner"] != _me():
            fresh = now - from_db(row["heartbeat_at"]) < STALE_AFTER
            if fresh and _alive_here(row["owner"]):
                raise InstanceLockError(
                    f"another bot process ({row['owner']}) is running on this database; "
                    "stop it first"
                )
        await conn.execute(
            "INSERT INTO scheduler_lock (id, owner, heartbeat_at) VALUES (1, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, "
            "heartbeat_at = excluded.heartbeat_at",
            (_me(), to_db(now)),
        )


async def heartbeat(db: Database, now: datetime) -> None:
    await db.execute(
        "UPDATE scheduler_lock SET heartbeat_at = ? WHERE owner = ?", (to_db(now), _me())
    )


async def release(db: Database) -> None:
    await db.execute("DELETE FROM scheduler_lock WHERE owner = ?", (_me(),))
