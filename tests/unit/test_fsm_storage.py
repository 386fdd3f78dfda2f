"""SQLiteStorage honours the same contract as aiogram's own storages, and survives a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bot.platform.db import Database, apply_migrations
from bot.platform.fsm_storage import SQLiteStorage

KEY = StorageKey(bot_id=42, chat_id=-100, user_id=7)


class Form(StatesGroup):
    name = State()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = await Database.open(tmp_path / "fsm.sqlite3")
    await apply_migrations(db)
    yield db
    await db.close()


@pytest.fixture(params=["memory", "sqlite"])
async def storage(request: pytest.FixtureRequest, database: Database) -> BaseStorage:
    # The same assertions against aiogram's reference storage prove the contract, not our reading
    # of it.
    return MemoryStorage() if request.param == "memory" else SQLiteStorage(database)


async def test_set_state(storage: BaseStorage) -> None:
    assert await storage.get_state(KEY) is None
    await storage.set_state(KEY, "state")
    assert await storage.get_state(KEY) == "state"
    await storage.set_state(KEY, Form.name)
    assert await storage.get_state(KEY) == "Form:name"
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None


async def test_set_data(storage: BaseStorage) -> None:
    assert await storage.get_data(KEY) == {}
    await storage.set_data(KEY, {"foo": "bar", "name": "Әлия Нұрланқызы"})
    assert await storage.get_data(KEY) == {"foo": "bar", "name": "Әлия Нұрланқызы"}
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}


async def test_update_data(storage: BaseStorage) -> None:
    assert await storage.update_data(KEY, {"foo": "bar"}) == {"foo": "bar"}
    assert await storage.update_data(KEY, {}) == {"foo": "bar"}
    assert await storage.update_data(KEY, {"baz": "spam"}) == {"foo": "bar", "baz": "spam"}
    assert await storage.update_data(KEY, {"baz": "test"}) == {"foo": "bar", "baz": "test"}
    assert await storage.get_data(KEY) == {"foo": "bar", "baz": "test"}


async def test_get_value(storage: BaseStorage) -> None:
    await storage.set_data(KEY, {"hello": "world"})
    assert await storage.get_value(KEY, "hello") == "world"
    assert await storage.get_value(KEY, "missing") is None
    assert await storage.get_value(KEY, "missing", "default") == "default"


async def test_data_must_be_a_mapping(storage: BaseStorage) -> None:
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, ["not", "a", "dict"])  # type: ignore[arg-type]


async def test_keys_are_independent(storage: BaseStorage) -> None:
    other = StorageKey(bot_id=42, chat_id=-100, user_id=8)
    await storage.set_state(KEY, "a")
    await storage.set_data(other, {"x": 1})
    assert await storage.get_state(other) is None
    assert await storage.get_data(KEY) == {}


async def test_state_and_data_survive_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    db = await Database.open(path)
    await apply_migrations(db)
    await SQLiteStorage(db).set_state(KEY, Form.name)
    await SQLiteStorage(db).update_data(KEY, {"step": 3})
    await db.close()

    reopened = await Database.open(path)
    try:
        storage = SQLiteStorage(reopened)
        assert await storage.get_state(KEY) == "Form:name"
        assert await storage.get_data(KEY) == {"step": 3}
    finally:
        await reopened.close()
