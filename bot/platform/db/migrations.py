"""Schema migrations: migrations/NNN_name.sql applied in order, tracked by PRAGMA user_version.

Each file runs in its own transaction together with the user_version bump, so a failing file
leaves the database exactly at the previous version.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.platform.db.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parents[3] / "migrations"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNN_name.sql")
        found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migration numbers must run 001, 002, ... without gaps: {versions}")
    return found


def statements(script: str) -> Iterator[str]:
    """Split a script into statements; executescript() would commit behind our back."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n\t;"):
                yield pending
            pending = ""
    leftover = [ln for ln in pending.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    if leftover:
        raise MigrationError(f"incomplete statement at the end: {pending.strip()[:60]}")


async def current_version(db: Database) -> int:
    row = await db.fetch_one("PRAGMA user_version")
    return int(row[0]) if row else 0


async def apply_migrations(db: Database, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply pending migrations; returns the versions applied."""
    migrations = discover(directory)
    version = await current_version(db)
    if version > len(migrations):
        raise MigrationError(
            f"database is at version {version}, newer than this code knows ({len(migrations)})"
        )
    applied: list[int] = []
    for migration in migrations[version:]:
        try:
            async with db.write() as conn:
                for statement in statements(migration.path.read_text(encoding="utf-8")):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA user_version = {migration.version}")
        except sqlite3.Error as exc:
            raise MigrationError(f"{migration.path.name} failed: {exc}") from exc
        applied.append(migration.version)
    return applied


async def open_migrated(path: Path) -> tuple[Database, list[int]]:
    """Open the database and bring it to the current schema; returns the versions applied."""
    db = await Database.open(path)
    try:
        return db, await apply_migrations(db)
    except BaseException:
        await db.close()
        raise
