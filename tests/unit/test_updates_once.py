"""Each update is handled once: a copy under the same update_id does nothing, an update cut
short is handled again; polling goes on past an unreadable update and stops when another
process polls with the same token."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import ClientDecodeError, TelegramConflictError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage, TelegramMethod

from bot.people import users
from bot.platform.instance_lock import TokenInUseError
from bot.platform.updates import (
    CONFLICT_SPELL,
    INCUMBENT_CONFLICTS,
    NEWCOMER_CONFLICTS,
    REMEMBER_FOR,
    Polling,
)
from tests.harness import TOKEN, Harness, buttons, callback_update, message_update, texts, tg_user


async def test_a_message_sent_again_under_its_id_gets_no_second_reply(harness: Harness) -> None:
    update = message_update(tg_user(1701), "/help")
    [reply] = await harness.feed(update)
    assert isinstance(reply, SendMessage)
    assert await harness.feed(update) == []


async def test_a_press_sent_again_under_its_id_is_neither_answered_nor_acted_on(
    harness: Harness,
) -> None:
    user = tg_user(1702, language_code="ru")
    [ask] = await harness.send(user, "/start")
    press = callback_update(user, dict(buttons(ask))["Қазақша"])
    first = await harness.feed(press)
    assert sum(isinstance(c, AnswerCallbackQuery) for c in first) == 1
    assert any("келісім" in text for text in texts(first))
    [ask] = await harness.send(user, "/language")
    await harness.press(user, dict(buttons(ask))["Русский"])

    assert await harness.feed(press) == []
    record = await users.get(harness.db, 1702)
    assert record is not None and record.language == "ru", "the old press changed nothing"


async def test_a_failed_update_sent_again_is_not_tried_and_apologised_for_twice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.start.help_lines", _boom)
    update = message_update(tg_user(1703), "/help")
    [apology] = await harness.feed(update)
    assert apology.text.startswith("Что-то пошло не так")  # type: ignore[attr-defined]
    monkeypatch.undo()
    assert await harness.feed(update) == []


async def test_an_update_cut_short_is_handled_again_when_it_comes_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.start.help_lines", _cut_short)
    update = message_update(tg_user(1704), "/help")
    with pytest.raises(asyncio.CancelledError):
        await harness.feed(update)
    monkeypatch.undo()
    [reply] = await harness.feed(update)
    assert "Что умеет бот" in reply.text  # type: ignore[attr-defined]


async def test_handled_updates_are_forgotten_after_a_while(harness: Harness) -> None:
    old = message_update(tg_user(1705), "/help")
    await harness.feed(old)
    harness.clock.advance(REMEMBER_FOR + timedelta(minutes=1))
    await harness.feed(message_update(tg_user(1705), "/help"))
    assert await harness.db.fetch_value("SELECT count(*) FROM processed_updates") == 1
    # After a week without updates Telegram may number a new one like an old one.
    [reply] = await harness.feed(old)
    assert isinstance(reply, SendMessage)


def _boom(*_: object, **__: object) -> str:
    raise RuntimeError("injected failure")


def _cut_short(*_: object, **__: object) -> str:
    raise asyncio.CancelledError


# --- polling ------------------------------------------------------------------------------------


def _message(update_id: int, text: str = "hello") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_780_000_000,
            "chat": {"id": 1706, "type": "private"},
            "from": {"id": 1706, "is_bot": False, "first_name": "Aigerim"},
            "text": text,
        },
    }


def _unreadable(update_id: int) -> dict[str, Any]:
    update = _message(update_id, "Айгерим, +77011234567")
    update["message"]["entities"] = "bold"
    return update


class Telegram:
    """What getUpdates answers, call by call: a JSON body or an error to raise."""

    def __init__(self, *answers: dict[str, Any] | str | Exception) -> None:
        self.answers = list(answers)
        self.sent: list[GetUpdates] = []
        self.session = AiohttpSession()

    async def __call__(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        assert isinstance(method, GetUpdates)
        self.sent.append(method)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        content = answer if isinstance(answer, str) else json.dumps(answer)
        return self.session.check_response(bot, method, 200, content).result


def _batch(*updates: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "result": list(updates)}


async def _update_ids(polling: Polling, telegram: Telegram, request: GetUpdates) -> list[int]:
    # The middleware chain hands back the call's result, whatever its annotation says.
    got: object = await polling(telegram, Bot(TOKEN), request)
    assert isinstance(got, list)
    return [update.update_id for update in got]


async def test_an_unreadable_update_is_skipped_and_the_rest_of_its_batch_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram = Telegram(_batch(_message(1), _unreadable(2), _message(3)))
    with caplog.at_level(logging.INFO):
        assert await _update_ids(Polling(), telegram, GetUpdates()) == [1, 3]
    [line] = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert line.startswith("Update 2 (message) cannot be read and is skipped: message.entities")
    assert "Айгерим" not in caplog.text and "7011234567" not in caplog.text


async def test_an_unreadable_last_update_is_confirmed_by_the_next_poll() -> None:
    telegram = Telegram(_batch(_message(1), _unreadable(2)), _batch(_message(3)))
    polling = Polling()
    assert await _update_ids(polling, telegram, GetUpdates()) == [1]
    # aiogram asks for what follows the last update it got: the unreadable one again.
    aiogram_request = GetUpdates(offset=2)
    assert await _update_ids(polling, telegram, aiogram_request) == [3]
    assert telegram.sent[1].offset == 3
    assert aiogram_request.offset == 2, "aiogram's own request is left as it is"


async def test_an_answer_that_is_no_batch_of_updates_fails_as_before() -> None:
    telegram = Telegram("<html>Bad Gateway</html>")
    with pytest.raises(ClientDecodeError):
        await Polling()(telegram, Bot(TOKEN), GetUpdates())


def _conflict() -> TelegramConflictError:
    return TelegramConflictError(GetUpdates(), "Conflict: terminated by other getUpdates request")


class Moments:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _polls(polling: Polling, telegram: Telegram, count: int) -> None:
    for _ in range(count):
        with pytest.raises(TelegramConflictError):
            await polling(telegram, Bot(TOKEN), GetUpdates())


async def test_a_newcomer_stops_after_a_few_conflicts() -> None:
    telegram = Telegram(*(_conflict() for _ in range(NEWCOMER_CONFLICTS)))
    polling = Polling(Moments())
    await _polls(polling, telegram, NEWCOMER_CONFLICTS - 1)
    with pytest.raises(TokenInUseError, match="another process is using this bot token"):
        await polling(telegram, Bot(TOKEN), GetUpdates())


async def test_a_process_that_was_polling_outlasts_the_newcomer() -> None:
    telegram = Telegram(_batch(), *(_conflict() for _ in range(INCUMBENT_CONFLICTS)))
    polling = Polling(Moments())
    await polling(telegram, Bot(TOKEN), GetUpdates())
    await _polls(polling, telegram, INCUMBENT_CONFLICTS - 1)
    with pytest.raises(TokenInUseError):
        await polling(telegram, Bot(TOKEN), GetUpdates())


async def test_conflicts_far_apart_are_not_counted_together() -> None:
    moments = Moments()
    telegram = Telegram(*(_conflict() for _ in range(NEWCOMER_CONFLICTS + 2)))
    polling = Polling(moments)
    for _ in range(NEWCOMER_CONFLICTS + 2):
        await _polls(polling, telegram, 1)
        moments.now += CONFLICT_SPELL + 1
