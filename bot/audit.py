"""Who changed what, when: every data-changing coordinator action. Written inside the
transaction of the change it records, so neither exists without the other."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import to_db


async def record(
    conn: aiosqlite.Connection,
    actor_id: int,
    action: str,
    obj: str,
    details: dict[str, Any],
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (actor_id, action, object, details, at) VALUES (?, ?, ?, ?, ?)",
        (actor_id, action, obj, json.dumps(details, ensure_ascii=False, default=str), to_db(now)),
    )
