"""Backups of the live database: made while the bot runs and writes, put back only while it is
stopped, rotated daily, and holding nothing of a person erased before the copy was made."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli.backup import backup, restore
from bot.clock import FrozenClock
from bot.config import Settings
from bot.people import users
from bot.platform import instance_lock
from bot.platform.backup import DailyBackup, Rotation, copy_database, daily_path, take_daily
from bot.platform.database_file import open_database
from bot.platform.db import Database
from tests.conftest import NOW
from tests.factories import make_participant, seeding_people
from tests.harness import TOKEN

SECRETS = ("Жумабекова Динара", "+77015550199", "Ассоциация Тестовых Данных")


def settings_for(path: Path) -> Settings:
    return Settings(bot_token=TOKEN, database_path=path)


def read(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def names(db: Database) -> set[str]:
    return {row[0] for row in await db.fetch_all("SELECT full_name FROM users")}


async def test_backup_change_restore_and_the_data_is_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path / "bot.sqlite3")
    db = await open_database(settings)
    await make_participant(db, 501, NOW, full_name="Алия Бекова")
    copy = tmp_path / "copies" / "before.sqlite3"
    # The bot is running: the database is open and its lock held.
    await instance_lock.acquire(db, NOW)
    assert backup(settings, copy) == 0
    assert "Backup written to" in capsys.readouterr().out

    await db.execute("UPDATE users SET full_name = 'Изменено' WHERE id = 501")
    await make_participant(db, 502, NOW, full_name="Ерлан Садыков")
    await instance_lock.release(db)
    await db.close()

    assert restore(settings, copy, FrozenClock(NOW)) == 0
    assert "Restored" in capsys.readouterr().out
    db = await open_database(settings)
    try:
        assert await names(db) == {"Алия Бекова"}
        assert await db.fetch_value("SELECT COUNT(*) FROM scheduler_lock") == 0
    finally:
        await db.close()


async def test_a_copy_is_one_checked_file_without_the_running_bot_s_lock(tmp_path: Path) -> None:
    db = await open_database(settings_for(tmp_path / "bot.sqlite3"))
    try:
        await instance_lock.acquire(db, NOW)
        copy_database(db.path, tmp_path / "copy.sqlite3")
    finally:
        await db.close()
    copy = tmp_path / "copy.sqlite3"
    assert read(copy, "PRAGMA journal_mode") == [("delete",)]
    assert read(copy, "PRAGMA quick_check") == [("ok",)]
    assert read(copy, "SELECT * FROM scheduler_lock") == []
    assert [name for name in listing(tmp_path) if name.startswith("copy")] == ["copy.sqlite3"]


async def test_restore_is_refused_while_the_bot_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path / "bot.sqlite3")
    db = await open_database(settings)
    try:
        await make_participant(db, 501, NOW, full_name="Алия Бекова")
        copy_database(db.path, tmp_path / "copy.sqlite3")
        await db.execute("UPDATE users SET full_name = 'Изменено' WHERE id = 501")
        await instance_lock.acquire(db, NOW)

        assert restore(settings, tmp_path / "copy.sqlite3", FrozenClock(NOW)) == 1
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line.startswith("Not restored: the bot (") and line.endswith("stop it first")
        assert await names(db) == {"Изменено"}, "nothing was touched"

        # A lock its holder stopped refreshing long ago (killed elsewhere) does not count.
        later = FrozenClock(NOW + instance_lock.STALE_AFTER + timedelta(seconds=1))
        assert restore(settings, tmp_path / "copy.sqlite3", later) == 0
        assert await names(db) == {"Алия Бекова"}
    finally:
        await db.close()


async def test_a_copy_from_a_newer_version_is_not_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(tmp_path / "bot.sqlite3")
    db = await open_database(settings)
    copy_database(db.path, tmp_path / "copy.sqlite3")
    await db.close()
    with closing(sqlite3.connect(tmp_path / "copy.sqlite3")) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert restore(settings, tmp_path / "copy.sqlite3", FrozenClock(NOW)) == 1
    assert "newer version of the bot" in capsys.readouterr().err


def test_no_copy_of_a_database_that_is_not_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert backup(settings_for(tmp_path / "nothing.sqlite3"), tmp_path / "y.sqlite3") == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("No backup: there is no database at")
    assert not (tmp_path / "y.sqlite3").exists()


async def test_a_copy_taken_inside_a_write_holds_none_of_it(tmp_path: Path) -> None:
    """The bot is in the middle of a transaction: the copy has what was committed before it,
    and nothing of the half-done change."""
    db = await open_database(settings_for(tmp_path / "bot.sqlite3"))
    try:
        await db.execute("CREATE TABLE pairs (batch INTEGER, half INTEGER)")
        await db.execute("INSERT INTO pairs VALUES (1, 1), (1, 2)")
        async with db.write() as conn:
            await conn.execute("INSERT INTO pairs VALUES (2, 1)")
            await asyncio.to_thread(copy_database, db.path, tmp_path / "copy.sqlite3")
            await conn.execute("INSERT INTO pairs VALUES (2, 2)")
        assert await db.fetch_value("SELECT COUNT(*) FROM pairs") == 4
    finally:
        await db.close()
    assert read(tmp_path / "copy.sqlite3", "SELECT * FROM pairs ORDER BY half") == [(1, 1), (1, 2)]


async def test_a_copy_taken_while_the_bot_writes_on_is_consistent(tmp_path: Path) -> None:
    db = await open_database(settings_for(tmp_path / "bot.sqlite3"))
    await db.execute("CREATE TABLE pairs (batch INTEGER, half INTEGER, filler TEXT)")
    filler = "x" * 2000  # a few megabytes, so the copy takes a while
    started = asyncio.Event()
    copied = False
    batches = 0

    async def write_on() -> None:
        nonlocal batches
        while not copied:
            async with db.write() as conn:
                for half in (1, 2):
                    await conn.execute(
                        "INSERT INTO pairs VALUES (?, ?, ?)", (batches, half, filler)
                    )
            batches += 1
            if batches == 1000:
                started.set()

    try:
        writer = asyncio.create_task(write_on())
        await started.wait()
        await asyncio.to_thread(copy_database, db.path, tmp_path / "copy.sqlite3")
        copied = True
        await writer
    finally:
        await db.close()
    copy = tmp_path / "copy.sqlite3"
    assert read(copy, "PRAGMA integrity_check") == [("ok",)]
    halves = read(copy, "SELECT batch, COUNT(*) FROM pairs GROUP BY batch HAVING COUNT(*) != 2")
    assert halves == [], "every transaction whole, or not there at all"
    [(in_copy,)] = read(copy, "SELECT COUNT(DISTINCT batch) FROM pairs")
    assert 1000 <= int(in_copy) <= batches  # type: ignore[call-overload]


def on_disk(path: Path) -> list[str]:
    data = path.read_bytes()
    return [secret for secret in SECRETS if secret.encode() in data]


async def test_a_copy_made_after_an_erasure_holds_none_of_the_erased_data(tmp_path: Path) -> None:
    db = await open_database(settings_for(tmp_path / "bot.sqlite3"))
    try:
        await make_participant(
            db, 900, NOW, full_name=SECRETS[0], phone=SECRETS[1], organisation=SECRETS[2]
        )
        copy_database(db.path, tmp_path / "before.sqlite3")
        assert on_disk(tmp_path / "before.sqlite3") == list(SECRETS), "the test greps for real"
        # A report reading keeps the old pages in the WAL after the erasure (see
        # test_erasure_on_disk): the copy must not take them from there.
        with closing(sqlite3.connect(db.path)) as report:
            report.execute("BEGIN")
            report.execute("SELECT COUNT(*) FROM users").fetchone()
            assert await seeding_people(db, NOW).erase(900)
            wal = db.path.with_name(db.path.name + "-wal")
            assert on_disk(wal), "the WAL still holds the erased values"
            copy_database(db.path, tmp_path / "after.sqlite3")
            report.execute("ROLLBACK")
        assert await users.get(db, 900) is None
    finally:
        await db.close()
    assert on_disk(tmp_path / "after.sqlite3") == []


def test_a_daily_copy_a_day_and_only_the_newest_kept(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(source)) as conn:
        conn.execute("CREATE TABLE scheduler_lock (id INTEGER)")
    rotation = Rotation(tmp_path / "backups", keep=3)
    first = date(2026, 6, 1)
    for offset in range(5):
        day = first + timedelta(days=offset)
        assert take_daily(source, rotation, day) == daily_path(rotation.folder, day)
    assert take_daily(source, rotation, first + timedelta(days=4)) is None, "one a day"
    assert listing(rotation.folder) == [
        "bot-2026-06-03.sqlite3",
        "bot-2026-06-04.sqlite3",
        "bot-2026-06-05.sqlite3",
    ]


async def test_the_bot_s_daily_copy_is_named_by_the_local_day(tmp_path: Path) -> None:
    db = await open_database(settings_for(tmp_path / "bot.sqlite3"))
    # 21:30 UTC on 8 June is already 9 June in Almaty.
    clock = FrozenClock(NOW.replace(day=8, hour=21, minute=30))
    settings = settings_for(db.path)
    daily = DailyBackup(db.path, Rotation(tmp_path / "backups", 2), clock, settings.tz)
    try:
        await daily.run()
        await daily.run()
    finally:
        await db.close()
    assert listing(tmp_path / "backups") == ["bot-2026-06-09.sqlite3"]
    assert daily.last_made == clock.now()


async def test_a_failed_daily_copy_is_logged_and_the_bot_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings = settings_for(tmp_path / "bot.sqlite3")
    db = await open_database(settings)
    daily = DailyBackup(db.path, Rotation(blocked, 2), FrozenClock(NOW), settings.tz)
    try:
        await daily.run()
    finally:
        await db.close()
    assert daily.last_made is None
    assert any("Daily backup failed" in r.getMessage() for r in caplog.records)
