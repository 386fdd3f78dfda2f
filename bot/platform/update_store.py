"""Telegram updates the bot has handled, so a second copy of one is recognised."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

from bot.clock import to_db
from bot.platform.db import Database

Outcome = Literal["handled", "unhandled", "failed"]


async def outcome(db: Database, update_id: int, since: datetime) -> Outcome | None:
    """What handling the update came to, if it was handled at or after `since`.

    Older rows do not count even before they are pruned: after a week without updates
    Telegram numbers the next one from a random id, which may be an old one."""
    value = await db.fetch_value(
        "SELECT outcome FROM processed_updates WHERE update_id = ? AND handled_at >= ?",
        (update_id, to_db(since)),
    )
    return cast(Outcome, value) if value is not None else None


async def note(
    db: Database, update_id: int, result: Outcome, now: datetime, forget_before: datetime
) -> None:
    """Record the update as handled, and forget those handled before `forget_before`."""
    async with db.write() as conn:
        await conn.execute(
            "DELETE FROM processed_updates WHERE handled_at < ?", (to_db(forget_before),)
        )
        # Two copies handled side by side (nothing holds back updates that belong to no
        # chat) both get here: the first note stands.
        await conn.execute(
            "INSERT INTO processed_updates (update_id, outcome, handled_at) VALUES (?, ?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, result, to_db(now)),
        )
