"""GET /healthz and GET /metrics on 127.0.0.1, against the production Dispatcher: healthy only
while the database answers and updates arrive; the metrics count what the bot really did."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates, SendMessage
from aiogram.types import Update
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.notices import NoticeKind
from bot.platform import outbox_store
from bot.platform.database_file import open_database
from bot.platform.health import (
    POLL_STALE,
    Liveness,
    PollWatch,
    Probes,
    add_health_routes,
    serving,
)
from bot.platform.logs import JsonFormatter
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import TOKEN, Harness, message_update, tg_user


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def client_for(probes: Probes) -> TestClient[web.Request, web.Application]:
    web_app = web.Application()
    add_health_routes(web_app, probes)
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    return client


@dataclass
class Polled:
    client: TestClient[Any, Any]
    monotonic: Monotonic
    liveness: Liveness


@pytest.fixture
async def polling(harness: Harness) -> AsyncIterator[Polled]:
    monotonic = Monotonic()
    liveness = Liveness("polling", monotonic)
    client = await client_for(Probes(harness.db, harness.clock, liveness, harness.app.metrics))
    try:
        yield Polled(client, monotonic, liveness)
    finally:
        await client.close()


async def health(client: TestClient[Any, Any]) -> tuple[int, dict[str, Any]]:
    response = await client.get("/healthz")
    return response.status, await response.json()


async def test_healthy_only_while_polling_comes_back(harness: Harness, polling: Polled) -> None:
    client, monotonic = polling.client, polling.monotonic
    assert await health(client) == (
        503,
        {"status": "unhealthy", "database": "ok", "polling": "not yet"},
    )

    watch = PollWatch(polling.liveness)

    async def no_updates(bot: Any, method: Any) -> list[Update]:
        return []

    await watch(no_updates, harness.bot, SendMessage(chat_id=1, text="x"))  # type: ignore[arg-type]
    assert (await health(client))[0] == 503, "only getUpdates tells that polling is alive"
    await watch(no_updates, harness.bot, GetUpdates(offset=0, timeout=10))  # type: ignore[arg-type]
    status, body = await health(client)
    assert (status, body["status"], body["polling"]) == (200, "ok", "ok")

    monotonic.now += POLL_STALE + 1
    status, body = await health(client)
    assert (status, body["polling"]) == (503, "stalled")
    assert body["last_poll_seconds_ago"] == POLL_STALE + 1


async def test_unhealthy_when_the_database_does_not_answer(
    tmp_path: Path, harness: Harness
) -> None:
    db = await open_database(Settings(bot_token=TOKEN, database_path=tmp_path / "other.sqlite3"))
    liveness = Liveness("webhook", Monotonic())
    liveness.webhook_set = True
    client = await client_for(Probes(db, harness.clock, liveness, harness.app.metrics))
    try:
        assert await health(client) == (200, {"status": "ok", "database": "ok", "webhook": "set"})
        await db.close()
        status, body = await health(client)
        assert (status, body["status"], body["webhook"]) == (503, "unhealthy", "set")
        assert body["database"].startswith("error:")
    finally:
        await client.close()


def samples(text: str) -> dict[str, float]:
    """Sample lines of the Prometheus text format, by name and labels."""
    found: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            found[name] = float(value)
    return found


def boom(*args: object) -> list[str]:
    raise RuntimeError("a handler failed")


async def test_metrics_count_updates_copies_and_errors(
    harness: Harness,
    polling: Polled,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = polling.client
    update = message_update(tg_user(1801), "/help")
    await harness.feed(update)
    await harness.feed(update)  # Telegram sent it again
    with pytest.warns(RuntimeWarning, match="unknown update type"):
        await harness.feed(Update(update_id=990001))  # a kind newer than aiogram
    monkeypatch.setattr("handlers.start.help_lines", boom)
    await harness.send(tg_user(1802), "/help")

    response = await client.get("/metrics")
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    found = samples(await response.text())
    assert found['civic_updates_total{outcome="handled",type="message"}'] == 1
    assert found['civic_updates_total{outcome="failed",type="message"}'] == 1
    assert found['civic_handler_errors_total{type="message"}'] == 1
    assert found["civic_updates_repeated_total"] == 1
    assert found['civic_updates_total{outcome="unhandled",type="unknown"}'] == 1


async def test_metrics_show_the_outbox_429s_and_the_scheduler_s_lag(
    harness: Harness, polling: Polled
) -> None:
    client = polling.client
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(days=3))
    for user_id in (901, 902, 903):
        await make_participant(harness.db, user_id, NOW)
    await outbox_store.create_job(
        harness.db,
        NoticeKind.COORDINATOR_MESSAGE,
        {"event_id": event.id, "text": "Добрый день"},
        [901, 902, 903],
        urgent=True,
        created_by=None,
        dedupe_key=None,
        not_before=NOW - timedelta(minutes=5),
        now=NOW,
    )
    found = samples(await (await client.get("/metrics")).text())
    assert found["civic_outbox_due"] == 3
    assert found["civic_outbox_oldest_due_age_seconds"] == 300
    assert found['civic_outbox_deliveries_total{state="sent"}'] == 0

    send = SendMessage(chat_id=902, text="x")
    harness.session.failures = {902: [TelegramRetryAfter(send, "Too Many Requests", 7)]}
    scheduler = harness.app.scheduler
    scheduler.poke(harness.clock.now())
    harness.clock.advance(timedelta(seconds=4))  # the loop was busy for 4 s
    await scheduler.run_due(harness.bot)

    found = samples(await (await client.get("/metrics")).text())
    assert found["civic_outbox_due"] == 0
    assert found["civic_outbox_oldest_due_age_seconds"] == 0
    assert found['civic_outbox_deliveries_total{state="sent"}'] == 3
    assert found['civic_outbox_deliveries_total{state="failed"}'] == 0
    assert found["civic_telegram_429_total"] == 1
    assert found["civic_scheduler_lag_seconds"] == 4


def test_json_logs_are_one_object_a_line_with_extras_and_the_traceback() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.getLogger("bot.test").makeRecord(
            "bot.test",
            logging.ERROR,
            __file__,
            1,
            "Доставка %s не удалась",
            (7,),
            exc_info=sys.exc_info(),
            extra={"update_id": 42},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Доставка 7 не удалась"
    assert (entry["level"], entry["logger"], entry["update_id"]) == ("ERROR", "bot.test", 42)
    assert entry["exception"].endswith("ValueError: bad")
    assert entry["time"].endswith("+00:00")


async def test_the_health_server_answers_beside_polling(harness: Harness) -> None:
    """The server a polling bot runs for HEALTH_PORT, started and stopped with it."""
    web_app = web.Application()
    liveness = Liveness("polling", Monotonic())
    add_health_routes(web_app, Probes(harness.db, harness.clock, liveness, harness.app.metrics))
    port = free_port()
    async with serving(web_app, "127.0.0.1", port):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head = (await reader.read()).split(b"\r\n", 1)[0]
        writer.close()
    assert head == b"HTTP/1.1 503 Service Unavailable"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
