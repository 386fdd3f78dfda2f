"""Consent, the participant profile, and erasing a person on request."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.clock import to_db
from bot.db import Database
from bot.profile import FIELD_ORDER, ProfileField

_COLUMNS = {field: field.value for field in FIELD_ORDER}


async def give_consent(db: Database, user_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE users SET consent_at = COALESCE(consent_at, ?) WHERE id = ?", (to_db(now), user_id)
    )


async def complete_profile(
    db: Database, user_id: int, values: Mapping[ProfileField, str | None], now: datetime
) -> None:
    columns = [_COLUMNS[field] for field in FIELD_ORDER]
    assignments = ", ".join(f"{column} = ?" for column in columns)
    await db.execute(
        f"UPDATE users SET {assignments}, profile_done_at = ? WHERE id = ?",
        (*(values.get(field) for field in FIELD_ORDER), to_db(now), user_id),
    )


async def update_field(db: Database, user_id: int, field: ProfileField, value: str | None) -> None:
    await db.execute(f"UPDATE users SET {_COLUMNS[field]} = ? WHERE id = ?", (value, user_id))
