"""`python -m bot backup PATH` and `python -m bot restore PATH`: a copy of the live database
while the bot runs, and putting one back while it is stopped (bot/platform/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.platform.backup import BackupError, copy_database, restore_database


def backup(settings: Settings, target: Path) -> int:
    """Exit code: 0 written, 1 not (one line on stderr says why)."""
    try:
        copy_database(settings.database_path, target)
    except BackupError as error:
        print(f"No backup: {error}", file=sys.stderr)
        return 1
    print(f"Backup written to {target} ({target.stat().st_size:,} bytes).")
    return 0


def restore(settings: Settings, source: Path, clock: Clock | None = None) -> int:
    """Exit code: 0 restored, 1 not (one line on stderr says why)."""
    now = (clock or SystemClock()).now()
    try:
        restore_database(source, settings.database_path, now)
    except BackupError as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    print(f"Restored {settings.database_path} from {source}.")
    return 0
