"""SQL functions the queries rely on, registered on every connection.

SQLite's own lower() folds only ASCII letters, so "Ахметова Роза" and "ахметова  роза" would
count as two walk-ins; person_key folds Cyrillic and Kazakh letters and spaces alike.
"""

from __future__ import annotations

import sqlite3


def person_key(name: str | None) -> str | None:
    return " ".join(name.split()).casefold() if name else None


def register_sync(conn: sqlite3.Connection) -> None:
    conn.create_function("person_key", 1, person_key, deterministic=True)
