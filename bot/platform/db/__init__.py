"""SQLite access: one writer connection, a reader connection, migrations."""

from bot.platform.db.database import Database
from bot.platform.db.migrations import MigrationError, apply_migrations, open_migrated

__all__ = ["Database", "MigrationError", "apply_migrations", "open_migrated"]
