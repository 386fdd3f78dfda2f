"""What keeps a bot process from running, each ending it with one clear line (bot/__main__.py):
another process on the same database file (it would run a second scheduler) or with the same
token (Telegram answers 409 Conflict), or a database the process cannot write."""

from __future__ import annotations

import os
import socket
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import from_db, to_db
from bot.platform.db import Database

# A holder that has not refreshed the lock for this long is gone (killed, machine lost).
STALE_AFTER = timedelta(minutes=2)


class InstanceLockError(Exception):
    pass


class TokenInUseError(BaseException):
    """Another process polls Telegram with this bot's token. A BaseException because aiogram's
    polling loop retries on every Exception, and this one has to end polling."""


class DatabaseUnwritableError(Exception):
    pass


def check_writable(path: Path) -> None:
    """Refuse a database the bot could not write, before it is opened for real.

    SQLite opens a file it may not write as read-only without a word, and the bot failed at
    its first write; in a folder it may not write, where WAL has to create the -wal and -shm
    files, opening failed half-way and left a connection open whose thread kept the process
    from exiting. One write, rolled back at once, on a connection closed whatever happens,
    meets either case first.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE write_check (id INTEGER)")
            conn.execute("ROLLBACK")
    except (OSError, sqlite3.Error) as error:
        raise DatabaseUnwritableError(
            f"cannot write the database {path}: {_why(path, error)}"
        ) from None


def _why(path: Path, error: OSError | sqlite3.Error) -> str:
    if isinstance(error, OSError):
        return f"its folder cannot be created ({error.strerror})"
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_READONLY":
        return "the file is read-only"
    if name == "SQLITE_READONLY_DIRECTORY":
        return "its folder is read-only (SQLite creates the -wal and -shm files next to it)"
    if name == "SQLITE_CANTOPEN":
        return "it is a folder" if path.is_dir() else "it cannot be opened (a read-only folder?)"
    return str(error)


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


def holds(owner: str, heartbeat_at: datetime, now: datetime) -> bool:
    """Whether the lock row's owner still runs: it refreshed the lock lately and is not a
    process on this machine that is gone. Also asked by `restore` (bot/platform/backup.py)."""
    return now - heartbeat_at < STALE_AFTER and _alive_here(owner)


async def acquire(db: Database, now: datetime) -> None:
    async with db.write() as conn:
        async with conn.execute("SELECT owner, heartbeat_at FROM scheduler_lock") as cursor:
            row = await cursor.fetchone()
        if (
            row is not None
            and row["owner"] != _me()
            and holds(row["owner"], from_db(row["heartbeat_at"]), now)
        ):
            raise InstanceLockError(
                f"another bot process ({row['owner']}) is running on this database; stop it first"
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
