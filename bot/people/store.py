"""Consent, the participant profile, and erasing a person on request, in SQL."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import to_db
from bot.people.profile import ProfileField
from bot.registration.rules import ACTIVE
from bot.registration.store import in_list
from surveys import store as surveys

_COLUMNS = {field: field.value for field in ProfileField}


async def give_consent(
    conn: aiosqlite.Connection, user_id: int, language: str, now: datetime
) -> None:
    """Also the first row of someone who came straight to /profile, /checkin or a Register
    button without choosing a language: without it their profile would be saved nowhere.
    Agreeing on a screen that offers both languages is choosing the one it is in."""
    await conn.execute(
        "INSERT INTO users (id, language, language_chosen, created_at, consent_at) "
        "VALUES (?, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET consent_at = COALESCE(users.consent_at, excluded.consent_at), language_chosen = 1",
        (user_id, language, to_db(now), to_db(now)),
    )


async def complete_profile(
    conn: aiosqlite.Connection,
    user_id: int,
    values: Mapping[ProfileField, str | None],
    now: datetime,
) -> None:
    """The fields in `values` (gender and age band only where they were asked)."""
    fields = [field for field in ProfileField if field in values]
    assignments = ", ".join(f"{_COLUMNS[field]} = ?" for field in fields)
    await conn.execute(
        f"UPDATE users SET {assignments}, profile_done_at = ? WHERE id = ?",
        (*(values[field] for field in fields), to_db(now), user_id),
    )


async def update_field(
    conn: aiosqlite.Connection, user_id: int, field: ProfileField, value: str | None
) -> None:
    await conn.execute(f"UPDATE users SET {_COLUMNS[field]} = ? WHERE id = ?", (value, user_id))


async def cancel_future_registrations(
    conn: aiosqlite.Connection, user_id: int, now: datetime
) -> list[int]:
    """The person's active registrations for events not started yet are cancelled; the ids
    of those events (their freed seats move down the waiting lists)."""
    async with conn.execute(
        "SELECT r.event_id FROM registrations r JOIN events e ON e.id = r.event_id "
        f"WHERE r.user_id = ? AND r.status IN {in_list(ACTIVE)} AND e.starts_at > ?",
        (user_id, to_db(now)),
    ) as cursor:
        future = [int(row[0]) for row in await cursor.fetchall()]
    await conn.execute(
        "UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, "
        f"updated_at = ? WHERE user_id = ? AND event_id IN ({','.join('?' * len(future))})",
        (to_db(now), user_id, *future),
    )
    return future


async def erase_identity(conn: aiosqlite.Connection, user_id: int, now: datetime) -> None:
    """Identity and contacts go, anonymous counts stay: the person's row is re-keyed to a
    random negative id (registrations, check-ins and survey answers follow through ON UPDATE
    CASCADE) with name, phone and organisation erased; district and category stay for the
    funder's counts, as do gender and age band (bands, never a birth date), and so do the
    numbers and choices of their finished questionnaires, while everything they typed goes."""
    anonymous = await _free_anonymous_id(conn)
    # An application's motivation is free text, often with a name or a phone in it.
    await conn.execute("UPDATE registrations SET motivation = NULL WHERE user_id = ?", (user_id,))
    await surveys.erase_written(conn, user_id, await _linked_questionnaires(conn, user_id))
    await _rekey_audit(conn, user_id, anonymous)
    await conn.execute(
        "UPDATE users SET id = ?, full_name = NULL, phone = NULL, organisation = NULL, "
        "consent_at = NULL, unreachable_at = NULL, deleted_at = ? WHERE id = ?",
        (anonymous, to_db(now), user_id),
    )
    await conn.execute("DELETE FROM fsm_state WHERE user_id = ?", (user_id,))


async def _linked_questionnaires(conn: aiosqlite.Connection, user_id: int) -> list[int]:
    """The questionnaires the person's form state points at: handlers/survey.py keeps each one
    being answered as {"response": id, ...} under "survey:<event id>"."""
    async with conn.execute("SELECT data FROM fsm_state WHERE user_id = ?", (user_id,)) as cursor:
        rows = await cursor.fetchall()
    return [
        slot["response"]
        for row in rows
        for key, slot in json.loads(row["data"]).items()
        if key.startswith("survey:")
        and isinstance(slot, dict)
        and isinstance(slot.get("response"), int)
    ]


async def _rekey_audit(conn: aiosqlite.Connection, user_id: int, anonymous: int) -> None:
    """The audit log keeps what was done, but no longer the Telegram id it was done to or by:
    it would tie the anonymous row (district, attendance, named answers) back to the account."""
    async with conn.execute(
        "SELECT id, actor_id, object, details FROM audit_log "
        "WHERE actor_id = ? OR object = ? OR details LIKE ?",
        (user_id, f"user:{user_id}", f"%{user_id}%"),
    ) as cursor:
        rows = await cursor.fetchall()
    for row in rows:
        await conn.execute(
            "UPDATE audit_log SET actor_id = ?, object = ?, details = ? WHERE id = ?",
            (
                anonymous if row["actor_id"] == user_id else row["actor_id"],
                f"user:{anonymous}" if row["object"] == f"user:{user_id}" else row["object"],
                json.dumps(
                    _replace_id(json.loads(row["details"]), user_id, anonymous),
                    ensure_ascii=False,
                    default=str,
                ),
                row["id"],
            ),
        )


def _replace_id(value: Any, old: int, new: int) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return new if value == old else value
    if isinstance(value, list):
        return [_replace_id(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _replace_id(item, old, new) for key, item in value.items()}
    return value


async def _free_anonymous_id(conn: aiosqlite.Connection) -> int:
    # Random, so the anonymous id says nothing about the Telegram id it replaced.
    while True:
        candidate = -(secrets.randbelow(2**53) + 1)
        async with conn.execute("SELECT 1 FROM users WHERE id = ?", (candidate,)) as cursor:
            if await cursor.fetchone() is None:
                return candidate
