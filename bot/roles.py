"""Who may act as a coordinator: super-coordinators from ADMIN_IDS plus those stored in the DB."""

from __future__ import annotations

from bot.config import Settings
from bot.db import Database


async def is_coordinator(db: Database, settings: Settings, user_id: int) -> bool:
    if user_id in settings.admin_ids:
        return True
    return (
        await db.fetch_one("SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,)) is not None
    )


def is_super_coordinator(settings: Settings, user_id: int) -> bool:
    return user_id in settings.admin_ids


async def coordinator_ids(db: Database, settings: Settings) -> set[int]:
    rows = await db.fetch_all("SELECT user_id FROM coordinators")
    return set(settings.admin_ids) | {int(row["user_id"]) for row in rows}
