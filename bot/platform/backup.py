"""Copies of the live database, and putting one back.

A copy is made with SQLite's online backup API in one step: one read transaction sees one
committed state of the database (the WAL's newest pages included) while the bot goes on
writing beside it, so the copy is consistent without stopping anything. It is checked, made a
single self-contained file (journal mode DELETE) and only then renamed into place, so a copy
cut short by a full disk or a kill never passes for a good one.

Erased people: secure_delete zeroes what an erasure removes from the pages themselves, and
the copy takes the newest version of every page, never the older ones the WAL may still hold,
so a copy made after an erasure holds nothing of the erased person. Copies made before it
still do until the rotation (BACKUP_KEEP) removes them.

Without aiogram: the command line (bot/cli/backup.py) uses this as the bot does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock, from_db
from bot.config import Settings
from bot.platform.db.migrations import discover
from bot.platform.instance_lock import holds

log = logging.getLogger(__name__)

# A copy waits this long for a write holding the database's lock (a checkpoint, a migration).
BUSY_TIMEOUT_MS = 10_000
DAILY_GLOB = "bot-????-??-??.sqlite3"


class BackupError(Exception):
    """The copy or the restore did not happen; the message is one line for the operator."""


def copy_database(source: Path, target: Path) -> None:
    """Copy the database at `source` (the bot may be running on it) to `target`."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        with closing(_connect(source)) as src, closing(_connect(partial)) as dst:
            # pages=-1: the whole database in one step, so one read transaction; copied step
            # by step, every write of the bot in between would start the copy over.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
            # The lock row names the process that ran on the original; put back, it would
            # make `restore` and the next start take a stopped bot for a running one.
            dst.execute("DELETE FROM scheduler_lock")
            _check(dst, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {source} to {target}: {_reason(error)}") from None


def restore_database(backup: Path, live: Path, now: datetime) -> None:
    """Put the copy at `backup` in place of the database at `live`. Refused while a bot
    process holds the instance lock on `live`, since it would go on with what it has in
    memory and write on top of the restored data."""
    if not backup.is_file():
        raise BackupError(f"there is no backup at {backup}")
    try:
        with closing(_connect(backup)) as src:
            _check(src, backup)
            version = src.execute("PRAGMA user_version").fetchone()[0]
            known = len(discover())
            if version > known:
                raise BackupError(
                    f"{backup} is from a newer version of the bot (schema {version}, "
                    f"this one knows {known}); install that version first"
                )
            live.parent.mkdir(parents=True, exist_ok=True)
            with closing(_connect(live)) as dst:
                _refuse_while_running(dst, live, now)
                # Through SQLite, not a file copy: a WAL left next to the old file would be
                # replayed on top of the restored one.
                src.backup(dst, pages=-1)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"cannot restore {backup} to {live}: {_reason(error)}") from None


def _reason(error: sqlite3.Error | OSError) -> str:
    return error.strerror or str(error) if isinstance(error, OSError) else str(error)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # What the restore overwrites, and what the copy deletes, is zeroed, as in the bot.
    conn.execute("PRAGMA secure_delete = ON")
    return conn


def _check(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}")


def _refuse_while_running(conn: sqlite3.Connection, live: Path, now: datetime) -> None:
    try:
        row = conn.execute("SELECT owner, heartbeat_at FROM scheduler_lock").fetchone()
    except sqlite3.OperationalError:
        return  # a new or empty file: no bot has run on it
    if row is not None and holds(row[0], from_db(row[1]), now):
        raise BackupError(f"the bot ({row[0]}) is running on {live}; stop it first")


@dataclass(frozen=True)
class Rotation:
    folder: Path
    keep: int  # the newest copies kept; older ones are deleted after each new copy


def daily_path(folder: Path, day: date) -> Path:
    return folder / f"bot-{day.isoformat()}.sqlite3"


def take_daily(source: Path, rotation: Rotation, day: date) -> Path | None:
    """Today's copy, unless it is there already (the bot restarted today); then the oldest
    copies beyond `keep` go. Returns the new copy, or None when there was one."""
    target = daily_path(rotation.folder, day)
    if target.exists():
        return None
    copy_database(source, target)
    for old in sorted(rotation.folder.glob(DAILY_GLOB))[: -rotation.keep]:
        old.unlink(missing_ok=True)
    return target


class DailyBackup:
    """The bot's daily copy, checked at every scheduler tick: the first check of a local day
    (or the first after a start, if that day has no copy yet) makes one."""

    def __init__(self, source: Path, rotation: Rotation, clock: Clock, tz: ZoneInfo) -> None:
        self.source = source
        self.rotation = rotation
        self.clock = clock
        self.tz = tz
        self.last_made: datetime | None = None

    async def run(self) -> None:
        day = self.clock.now().astimezone(self.tz).date()
        try:
            made = await asyncio.to_thread(take_daily, self.source, self.rotation, day)
        except BackupError as error:
            # The bot goes on; the next tick tries again.
            log.error("Daily backup failed: %s", error)
            return
        if made is not None:
            self.last_made = self.clock.now()
            log.info("Daily backup written to %s", made)


def daily_backup(settings: Settings, clock: Clock) -> DailyBackup | None:
    """The daily copy BACKUP_DIR asks for, if it does."""
    if settings.backup_dir is None:
        return None
    rotation = Rotation(settings.backup_dir, settings.backup_keep)
    return DailyBackup(settings.database_path, rotation, clock, settings.tz)
