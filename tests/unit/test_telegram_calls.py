"""429s and network failures as people notice them: a reply Telegram refused for a moment
still arrives, once, after the wait Telegram asked for; a storm of 429s is given up in bounded
time, without a false "something went wrong" for a change that was saved; nobody is sent to
while Telegram has asked the bot to wait; and a message is sent again only when the first
attempt cannot have reached Telegram."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    GetMe,
    GetUpdates,
    Response,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import BotCommand
from aiohttp import ClientConnectorError, ServerDisconnectedError
from aiohttp.client_reqrep import ConnectionKey

from bot.events.model import Event
from bot.events.store import get_event
from bot.platform.pacing import Pacer, PaceSettings
from bot.platform.telegram_calls import PacedCalls, outbox_call
from bot.registration import store as registrations
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import TOKEN, Harness, VirtualTime, answers, texts, tg_user
from tests.unit.test_double_taps import card_with_ask
from tests.unit.test_pacing import SharedTime

# The middleware only hands the Bot on; its own session is never used here.
BOT = Bot(TOKEN)
SEND = SendMessage(chat_id=0, text="x")
GENERIC_ERROR = "Что-то пошло не так"


@dataclass
class Telegram:
    """The Bot API behind the middleware: a call to a chat (None: calls without one) fails
    with the next error scripted for that chat, else it is delivered."""

    clock: VirtualTime
    failures: dict[int | None, list[Exception]] = field(default_factory=dict)
    attempts: list[tuple[float, TelegramMethod[Any]]] = field(default_factory=list)
    delivered: list[TelegramMethod[Any]] = field(default_factory=list)

    async def __call__(self, bot: Bot, method: TelegramMethod[Any]) -> Response[Any]:
        self.attempts.append((self.clock.now, method))
        chat = getattr(method, "chat_id", None)
        if self.failures.get(chat):
            raise self.failures[chat].pop(0)
        self.delivered.append(method)
        return Response[Any](ok=True, result=True)

    def tried_at(self, method: TelegramMethod[Any]) -> list[float]:
        return [at for at, tried in self.attempts if tried is method]


def paced_calls(clock: VirtualTime) -> PacedCalls:
    return PacedCalls(Pacer(PaceSettings(), now=clock, sleep=clock.sleep))


def flood(method: TelegramMethod[Any], retry_after: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(method, f"Too Many Requests: retry after {retry_after}", retry_after)


def network_failure(method: TelegramMethod[Any], cause: Exception) -> TelegramNetworkError:
    """As aiogram's aiohttp session raises it: `from` the aiohttp error."""
    error = TelegramNetworkError(method, f"{type(cause).__name__}: {cause}")
    error.__cause__ = cause
    return error


def connection_refused() -> ClientConnectorError:
    key = ConnectionKey(
        host="api.telegram.org",
        port=443,
        is_ssl=True,
        ssl=True,
        proxy=None,
        proxy_auth=None,
        proxy_headers_hash=None,
    )
    return ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


@pytest.mark.parametrize(
    "call",
    [SendMessage(chat_id=501, text="Готово"), AnswerCallbackQuery(callback_query_id="77")],
    ids=["message", "button answer"],
)
async def test_a_call_refused_with_429_arrives_once_after_the_wait_telegram_asked_for(
    call: TelegramMethod[Any],
) -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    telegram.failures[getattr(call, "chat_id", None)] = [flood(call, 7)]
    await paced_calls(clock)(telegram, BOT, call)
    assert telegram.delivered == [call]
    refused_at, sent_at = telegram.tried_at(call)
    assert sent_at - refused_at >= 7


async def test_a_429_storm_gives_the_reply_up_after_six_attempts_each_after_the_wait() -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    reply = SendMessage(chat_id=502, text="Готово")
    telegram.failures[502] = [flood(reply, 3)] * 20
    with pytest.raises(TelegramRetryAfter):
        await paced_calls(clock)(telegram, BOT, reply)
    tried = telegram.tried_at(reply)
    assert len(tried) == 6, "the first attempt and MAX_FLOOD_RETRIES (5) more"
    assert all(later - earlier >= 3 for earlier, later in itertools.pairwise(tried))
    assert telegram.delivered == []


async def test_a_registration_whose_reply_is_lost_to_a_429_storm_stands_without_an_alert(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    event = await make_event(harness.db, NOW, capacity=5)
    await make_participant(harness.db, 820, NOW)
    ask = await card_with_ask(harness, 820)
    # Six 429s use up every attempt at her reply; a seventh call to her would get through.
    harness.session.failures = {820: [flood(SEND, 3)] * 6}
    with caplog.at_level(logging.INFO):
        [calls] = await harness.tap(tg_user(820), ask, "Да, зарегистрироваться")

    to_her = [call for call in calls if getattr(call, "chat_id", None) == 820]
    assert len(to_her) == 6, "the reply tried six times, nothing sent after it"
    [answer] = answers(calls)
    assert not answer.show_alert
    assert not any(GENERIC_ERROR in text for text in texts(calls))
    assert await registrations.get(harness.db, event.id, 820) is not None
    assert_given_up_once(caplog)


async def test_a_saved_edit_whose_reply_is_lost_to_a_429_storm_brings_no_error_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = tg_user(1)
    event = await make_event(harness.db, NOW, capacity=5)
    await harness.press(coordinator, f"Aef:{event.id}:capacity")
    harness.session.failures = {1: [flood(SEND, 3)] * 6}
    with caplog.at_level(logging.INFO):
        calls = await harness.send(coordinator, "8")

    assert len(calls) == 6
    assert not any(GENERIC_ERROR in text for text in texts(calls))
    saved = await get_event(harness.db, event.id)
    assert isinstance(saved, Event) and saved.capacity == 8
    assert_given_up_once(caplog)


def assert_given_up_once(caplog: pytest.LogCaptureFixture) -> None:
    """One warning for the lost reply, saying why; the waits before it are only info."""
    [given_up] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert "could not be sent" in given_up.getMessage()
    assert "Flood control exceeded" in given_up.getMessage()
    assert "Retry in 3 seconds" in given_up.getMessage()
    waits = [record for record in caplog.records if "429, again in" in record.getMessage()]
    assert len(waits) == 5


async def test_after_a_429_no_other_chat_is_sent_to_before_the_wait_is_over() -> None:
    clock = SharedTime()
    telegram = Telegram(clock)
    calls = paced_calls(clock)
    start = clock.now
    refused = SendMessage(chat_id=601, text="Готово")
    telegram.failures[601] = [flood(refused, 5)]

    async def reply_later(chat_id: int, after: float) -> None:
        await clock.sleep(after)
        await calls(telegram, BOT, SendMessage(chat_id=chat_id, text="Готово"))

    await clock.run(calls(telegram, BOT, refused), reply_later(602, 1.0), reply_later(603, 4.9))
    assert telegram.tried_at(refused)[0] == start
    others = [at for at, call in telegram.attempts if call is not refused]
    assert len(others) == 2
    assert min(others) >= start + 5
    assert len(telegram.delivered) == 3


async def test_a_message_that_could_not_connect_is_sent_again_and_arrives_once() -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    reply = SendMessage(chat_id=503, text="Готово")
    telegram.failures[503] = [network_failure(reply, connection_refused())]
    await paced_calls(clock)(telegram, BOT, reply)
    assert len(telegram.tried_at(reply)) == 2
    assert telegram.delivered == [reply]


@pytest.mark.parametrize(
    "cause", [ServerDisconnectedError(), TimeoutError()], ids=["disconnected", "timeout"]
)
async def test_a_message_that_may_have_reached_telegram_is_not_sent_twice(
    cause: Exception,
) -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    reply = SendMessage(chat_id=504, text="Готово")
    telegram.failures[504] = [network_failure(reply, cause)]
    with pytest.raises(TelegramNetworkError):
        await paced_calls(clock)(telegram, BOT, reply)
    assert len(telegram.tried_at(reply)) == 1


@pytest.mark.parametrize(
    "call",
    [
        GetMe(),
        SetMyCommands(commands=[BotCommand(command="help", description="Помощь")]),
        DeleteMessage(chat_id=505, message_id=9),
    ],
    ids=["GetMe", "SetMyCommands", "DeleteMessage"],
)
async def test_calls_that_change_nothing_when_repeated_are_retried_after_a_network_failure(
    call: TelegramMethod[Any],
) -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    telegram.failures[getattr(call, "chat_id", None)] = [
        network_failure(call, ServerDisconnectedError())
    ]
    await paced_calls(clock)(telegram, BOT, call)
    assert len(telegram.tried_at(call)) == 2
    assert telegram.delivered == [call]


async def test_a_lasting_network_failure_gives_up_after_four_attempts() -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    call = GetMe()
    telegram.failures[None] = [network_failure(call, connection_refused())] * 10
    with pytest.raises(TelegramNetworkError):
        await paced_calls(clock)(telegram, BOT, call)
    assert len(telegram.tried_at(call)) == 4, "the first attempt and MAX_NETWORK_RETRIES (3)"
    assert clock.slept == [0.5, 1, 2]


async def test_the_outbox_sends_pass_unpaced_and_its_429_comes_back_to_it_at_once() -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    calls = paced_calls(clock)
    start = clock.now
    refused = SendMessage(chat_id=702, text="Напоминание")
    telegram.failures[702] = [flood(refused, 9)]
    with outbox_call():
        # The outbox took one bulk slot per message before each of these calls.
        for _ in range(10):
            await calls(telegram, BOT, SendMessage(chat_id=701, text="Напоминание"))
        with pytest.raises(TelegramRetryAfter):
            await calls(telegram, BOT, refused)
    assert clock.slept == []
    assert len(telegram.tried_at(refused)) == 1
    assert calls.pacer.flood_waits == 0, "the outbox notes the pause itself"

    # The same burst as replies keeps the chat's pace.
    for _ in range(10):
        await calls(telegram, BOT, SendMessage(chat_id=701, text="Ответ"))
    assert clock.now - start >= 6


async def test_polling_failures_go_straight_back_to_the_poller() -> None:
    clock = VirtualTime()
    telegram = Telegram(clock)
    poll = GetUpdates(timeout=30)
    telegram.failures[None] = [network_failure(poll, connection_refused())]
    with pytest.raises(TelegramNetworkError):
        await paced_calls(clock)(telegram, BOT, poll)
    assert len(telegram.tried_at(poll)) == 1
    assert clock.slept == []
