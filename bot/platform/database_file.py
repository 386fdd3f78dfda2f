"""Opening the database file for the bot and the command line: writable, then migrated."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.platform.db import Database, open_migrated
from bot.platform.instance_lock import check_writable

log = logging.getLogger(__name__)


async def open_database(settings: Settings) -> Database:
    check_writable(settings.database_path)
    db, applied = await open_migrated(settings.database_path)
    if applied:
        log.info("Applied migrations %s", applied)
    return db
