"""aiogram FSM storage in the bot's SQLite database, so conversations survive restarts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiosqlite
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)

from bot.platform.db import Database


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self._db = db
        self._keys = key_builder or DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO fsm_state (key, user_id, state) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                (self._keys.build(key), key.user_id, value),
            )
            await self._forget_if_empty(conn, key)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._db.fetch_one(
            "SELECT state FROM fsm_state WHERE key = ?", (self._keys.build(key),)
        )
        return None if row is None else row["state"]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise DataNotDictLikeError(f"FSM data must be a mapping, got {type(data).__name__}")
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO fsm_state (key, user_id, data) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET data = excluded.data",
                (self._keys.build(key), key.user_id, json.dumps(dict(data), ensure_ascii=False)),
            )
            await self._forget_if_empty(conn, key)

    async def _forget_if_empty(self, conn: aiosqlite.Connection, key: StorageKey) -> None:
        # A finished conversation leaves no row behind, so no Telegram id lingers for nothing.
        await conn.execute(
            "DELETE FROM fsm_state WHERE key = ? AND state IS NULL AND data = '{}'",
            (self._keys.build(key),),
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._db.fetch_one(
            "SELECT data FROM fsm_state WHERE key = ?", (self._keys.build(key),)
        )
        if row is None:
            return {}
        data: dict[str, Any] = json.loads(row["data"])
        return data

    async def close(self) -> None:
        """The database belongs to the composition root, which closes it."""
