"""People who talk to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import to_db
from bot.platform.db import Database
from bot.texts import LANGUAGES


@dataclass(frozen=True)
class UserRecord:
    id: int
    language: str
    language_chosen: bool
    consent_at: str | None = None
    full_name: str | None = None
    phone: str | None = None
    organisation: str | None = None
    category: str | None = None
    district: str | None = None
    gender: str | None = None
    age_band: str | None = None
    profile_done_at: str | None = None
    unreachable_at: str | None = None
    deleted_at: str | None = None
    persisted: bool = True

    @classmethod
    def from_row(cls, row: aiosqlite.Row) -> UserRecord:
        return cls(
            id=row["id"],
            language=row["language"],
            language_chosen=bool(row["language_chosen"]),
            consent_at=row["consent_at"],
            full_name=row["full_name"],
            phone=row["phone"],
            organisation=row["organisation"],
            category=row["category"],
            district=row["district"],
            gender=row["gender"],
            age_band=row["age_band"],
            profile_done_at=row["profile_done_at"],
            unreachable_at=row["unreachable_at"],
            deleted_at=row["deleted_at"],
        )

    @classmethod
    def newcomer(cls, user_id: int, language: str) -> UserRecord:
        """Someone the bot has not stored yet; nothing is written until they choose a language."""
        return cls(id=user_id, language=language, language_chosen=False, persisted=False)


def telegram_language(code: str | None) -> str | None:
    """The bot's language Telegram says the person uses ("kk", "kk-KZ", "ru-RU"), or None when
    it names another language or none: then the person is asked."""
    base = (code or "").replace("_", "-").split("-", 1)[0].lower()
    return next((language for language in LANGUAGES if language == base), None)


async def get_in(conn: aiosqlite.Connection, user_id: int) -> UserRecord | None:
    async with conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else UserRecord.from_row(row)


async def get(db: Database, user_id: int) -> UserRecord | None:
    row = await db.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
    return None if row is None else UserRecord.from_row(row)


async def choose_language(db: Database, user_id: int, language: str, now: datetime) -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO users (id, language, language_chosen, created_at) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (id) DO UPDATE SET language = excluded.language, language_chosen = 1",
            (user_id, language, to_db(now)),
        )


async def mark_reachable(db: Database, user_id: int) -> None:
    """A person who writes to the bot has unblocked it."""
    await db.execute("UPDATE users SET unreachable_at = NULL WHERE id = ?", (user_id,))


async def mark_unreachable(db: Database, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET unreachable_at = ? WHERE id = ? AND unreachable_at IS NULL",
        (to_db(now), user_id),
    )


async def name_coordinator(
    conn: aiosqlite.Connection, user_id: int, language: str, name: str, now: datetime
) -> None:
    """A coordinator's name for the team list, without a participant profile; also the first
    row of a coordinator whose language the bot took from Telegram."""
    await conn.execute(
        "INSERT INTO users (id, language, language_chosen, created_at, full_name) "
        "VALUES (?, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name",
        (user_id, language, to_db(now), name),
    )


async def keep_only_language(
    conn: aiosqlite.Connection, user_id: int, language: str, now: datetime, *, keep_name: bool
) -> None:
    """Consent declined: the row keeps the Telegram id and the language the bot answers in (a
    coordinator's name too, for the team list); the answers of a form left half-way and any
    draft go."""
    await conn.execute(
        "INSERT INTO users (id, language, language_chosen, created_at) VALUES (?, ?, 1, ?) "
        "ON CONFLICT (id) DO UPDATE SET language_chosen = 1, consent_at = NULL, "
        "full_name = CASE WHEN ? THEN users.full_name END, phone = NULL, organisation = NULL, "
        "category = NULL, district = NULL, gender = NULL, age_band = NULL",
        (user_id, language, to_db(now), keep_name),
    )
    await conn.execute("DELETE FROM fsm_state WHERE user_id = ?", (user_id,))
