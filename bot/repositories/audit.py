"""Who changed what, when: every data-changing coordinator action."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.db import Database


async def record(
    db: Database, actor_id: int, action: str, obj: str, details: dict[str, Any], now: datetime
) -> None:
    await db.execute(
        "INSERT INTO audit_log (actor_id, action, object, details, at) VALUES (?, ?, ?, ?, ?)",
        (actor_id, action, obj, json.dumps(details, ensure_ascii=False, default=str), to_db(now)),
    )
