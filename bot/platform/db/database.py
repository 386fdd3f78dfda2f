"""One SQLite file, one writer.

Every write runs inside `Database.write()`: an asyncio lock plus BEGIN IMMEDIATE on the only
writer connection, so transactions never interleave and SQLite never reports "database is
locked" to us. A read-then-write decision (seats left, then register) belongs inside one
`write()` block, which makes it atomic. Plain reads use a separate connection; WAL lets them
run while a write is in progress.

Erased means erased on disk as well: secure_delete zeroes what a change removes, and after an
erasure `forget_erased()` copies the WAL into the database file and truncates it, since
older versions of the changed pages stay readable in the WAL until then.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.platform.db.functions import person_key

BUSY_TIMEOUT_MS = 5000
# How long a truncating checkpoint waits for reads in the way; every write waits for it.
CHECKPOINT_WAIT_MS = 100

log = logging.getLogger(__name__)


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA secure_delete = ON")
    await conn.create_function("person_key", 1, person_key, deterministic=True)
    return conn


class Database:
    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection):
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        # Set while erased data may still be in the WAL: every later write tries again.
        self._erased_in_wal = False

    @classmethod
    async def open(cls, path: Path) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        try:
            await writer.execute("PRAGMA journal_mode = WAL")
            await writer.execute("PRAGMA synchronous = NORMAL")
            reader = await _connect(path)
        except BaseException:
            # An open connection's thread would keep the process from exiting.
            await writer.close()
            raise
        db = cls(path, writer, reader)
        # A WAL left by a kill is replayed on open but not emptied: it may hold the pages an
        # erasure changed right before the kill.
        await db.forget_erased()
        return db

    async def close(self) -> None:
        async with self._write_lock:
            await self._writer.close()
        await self._reader.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A serialized transaction: committed on success, rolled back on any exception."""
        async with self._write_lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
            if self._erased_in_wal and await self._checkpoint() is None:
                self._erased_in_wal = False
                log.info("Erased data is gone from %s-wal", self.path.name)

    async def forget_erased(self) -> None:
        """After an erasure: copy the WAL into the database file and empty it. A read still
        using older pages (a report being built) puts it off until a write after that read."""
        async with self._write_lock:
            problem = await self._checkpoint()
            if problem is None:
                self._erased_in_wal = False
            elif not self._erased_in_wal:
                self._erased_in_wal = True
                log.warning(
                    "Erased data may stay in %s-wal for now (%s); the next writes try again",
                    self.path.name,
                    problem,
                )

    async def _checkpoint(self) -> str | None:
        """A truncating checkpoint, holding the write lock: None once the WAL is empty, else
        what stood in the way."""
        await self._writer.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            async with self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
        except sqlite3.Error as error:
            # The erasure itself is committed; a full disk or the like only delays this.
            return str(error)
        finally:
            await self._writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return None if row is not None and row[0] == 0 else "a read still uses older pages"

    @property
    def reader(self) -> aiosqlite.Connection:
        return self._reader

    async def fetch_one(self, sql: str, params: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        async with self._reader.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_value(self, sql: str, params: tuple[object, ...] = ()) -> object:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: tuple[object, ...] = ()) -> None:
        """A single-statement write in its own transaction."""
        async with self.write() as conn:
            await conn.execute(sql, params)
