"""One writer, atomic read-then-write, migrations that never leave a half-applied schema."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.platform.db import Database, MigrationError, apply_migrations
from bot.platform.db.migrations import MIGRATIONS_DIR, current_version, discover

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "t.sqlite3")
    yield database
    await database.close()


async def test_pragmas_wal_foreign_keys_busy_timeout(db: Database) -> None:
    assert await db.fetch_value("PRAGMA journal_mode") == "wal"
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    assert int(await db.fetch_value("PRAGMA busy_timeout") or 0) >= 1000  # type: ignore[call-overload]


async def test_all_shipped_migrations_apply_in_order(db: Database) -> None:
    applied = await apply_migrations(db)
    assert applied == [m.version for m in discover()]
    assert await current_version(db) == len(discover())
    assert await apply_migrations(db) == []


async def test_a_failing_migration_leaves_the_previous_version(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_first.sql").write_text("CREATE TABLE a (x INTEGER);", encoding="utf-8")
    (folder / "002_broken.sql").write_text(
        "CREATE TABLE b (y INTEGER);\nINSERT INTO nowhere VALUES (1);", encoding="utf-8"
    )
    with pytest.raises(MigrationError, match=r"002_broken\.sql"):
        await apply_migrations(db, folder)
    assert await current_version(db) == 1
    tables = {row[0] for row in await db.fetch_all("SELECT name FROM sqlite_master")}
    assert "a" in tables
    assert "b" not in tables


async def test_a_gap_in_migration_numbers_is_refused(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("SELECT 1;", encoding="utf-8")
    (tmp_path / "003_c.sql").write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(MigrationError, match="without gaps"):
        discover(tmp_path)


async def test_concurrent_writers_never_see_database_is_locked(db: Database) -> None:
    await db.execute("CREATE TABLE counter (n INTEGER)")
    await db.execute("INSERT INTO counter VALUES (0)")

    async def increment() -> None:
        # Read then write: without serialization two of these would lose an update.
        async with db.write() as conn:
            async with conn.execute("SELECT n FROM counter") as cursor:
                row = await cursor.fetchone()
            assert row is not None
            await asyncio.sleep(0)
            await conn.execute("UPDATE counter SET n = ?", (row[0] + 1,))

    await asyncio.gather(*(increment() for _ in range(300)))
    assert await db.fetch_value("SELECT n FROM counter") == 300


async def test_a_failed_transaction_is_rolled_back_whole(db: Database) -> None:
    await db.execute("CREATE TABLE t (x INTEGER UNIQUE)")

    async def insert_twice() -> None:
        async with db.write() as conn:
            await conn.execute("INSERT INTO t VALUES (1)")
            await conn.execute("INSERT INTO t VALUES (1)")

    with pytest.raises(sqlite3.IntegrityError):
        await insert_twice()
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 0


def test_the_bot_refuses_to_start_when_a_migration_fails(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    with sqlite3.connect(database) as conn:
        # A table the first migration wants to create already exists: it must fail cleanly.
        conn.execute("CREATE TABLE users (id INTEGER)")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi",
        "DATABASE_PATH": str(database),
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # never reached
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "001_core.sql" in result.stderr
    assert "will not start" in result.stderr
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_migrations_folder_is_where_the_code_looks() -> None:
    assert MIGRATIONS_DIR == ROOT / "migrations"
