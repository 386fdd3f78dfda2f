"""Webhook mode, in process on 127.0.0.1: Telegram's secret token checked on every request, a
copy of an update handled once, the webhook set with what the bot handles, through a
self-hosted Bot API server too, and the whole mode run until SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import GetUpdates, SendMessage, SetWebhook
from aiogram.types import Update
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_bot
from bot.config import Settings, SettingsError, load_settings
from bot.platform.health import Liveness, Probes
from bot.platform.instance_lock import TokenInUseError
from bot.platform.updates import Polling
from bot.platform.webhook import (
    SECRET_HEADER,
    build_webhook_app,
    delete_webhook,
    receive_updates,
    set_webhook,
)
from tests.harness import TOKEN, Harness, message_update, tg_user

SECRET = "s3cret-for-the-webhook_test"


def webhook_settings(harness: Harness, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "database_path": harness.db.path,
        "mode": "webhook",
        "webhook_url": "https://bot.example.kz",
        "webhook_secret": SECRET,
        "webhook_path": "/tg/updates",
        **overrides,
    }
    return Settings(_env_file=None, **values)


def as_json(update: Update) -> dict[str, Any]:
    return update.model_dump(mode="json", by_alias=True, exclude_none=True)


@pytest.fixture
async def client(harness: Harness) -> AsyncIterator[TestClient[Any, Any]]:
    web_app = build_webhook_app(
        harness.app.dispatcher, harness.bot, webhook_settings(harness), health=None
    )
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


def sends(harness: Harness) -> list[SendMessage]:
    return [call for call in harness.session.calls if isinstance(call, SendMessage)]


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: SECRET + "x"}])
async def test_a_request_without_the_secret_gets_401_is_logged_and_does_nothing(
    harness: Harness,
    client: TestClient[Any, Any],
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
) -> None:
    update = as_json(message_update(tg_user(1901), "/help"))
    with caplog.at_level(logging.WARNING, logger="bot.platform.webhook"):
        response = await client.post("/tg/updates", json=update, headers=headers)
    assert response.status == 401
    assert harness.session.calls == []
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.platform.webhook"]
    assert "without the right secret token" in line and "127.0.0.1" in line


async def test_an_update_with_the_secret_is_handled_and_its_copies_are_not(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = as_json(message_update(tg_user(1902), "/help"))
    headers = {SECRET_HEADER: SECRET}
    response = await client.post("/tg/updates", json=update, headers=headers)
    assert response.status == 200
    [reply] = sends(harness)
    assert reply.chat_id == 1902 and "Что умеет бот" in reply.text

    # Telegram sends it again (our answer timed out): twice at once, and once more later.
    again = [client.post("/tg/updates", json=update, headers=headers) for _ in range(2)]
    assert [r.status for r in await asyncio.gather(*again)] == [200, 200]
    assert (await client.post("/tg/updates", json=update, headers=headers)).status == 200
    assert len(sends(harness)) == 1, "no second reply to the same update_id"


async def test_copies_arriving_together_are_handled_once(
    harness: Harness, client: TestClient[Any, Any]
) -> None:
    update = as_json(message_update(tg_user(1903), "/help"))
    headers = {SECRET_HEADER: SECRET}
    posts = [client.post("/tg/updates", json=update, headers=headers) for _ in range(3)]
    assert [r.status for r in await asyncio.gather(*posts)] == [200, 200, 200]
    assert len(sends(harness)) == 1


async def test_an_unreadable_update_is_logged_and_confirmed(
    harness: Harness, client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    broken = {"update_id": 77, "message": {"message_id": "not a number", "chat": {}}}
    headers = {SECRET_HEADER: SECRET}
    response = await client.post("/tg/updates", json=broken, headers=headers)
    assert response.status == 200, "refused, Telegram would send it again and again"
    assert harness.session.calls == []
    assert any("Update 77 cannot be read" in r.getMessage() for r in caplog.records)
    assert all("not a number" not in r.getMessage() for r in caplog.records), "no values"


async def test_the_webhook_is_set_for_the_updates_the_bot_handles(harness: Harness) -> None:
    dispatcher = harness.app.dispatcher
    await set_webhook(harness.bot, dispatcher, webhook_settings(harness))
    [call] = harness.session.calls
    assert isinstance(call, SetWebhook)
    assert call.url == "https://bot.example.kz/tg/updates"
    assert call.secret_token == SECRET
    assert call.allowed_updates == dispatcher.resolve_used_update_types()
    assert {"message", "callback_query", "my_chat_member"} <= set(call.allowed_updates)
    assert "inline_query" in call.allowed_updates  # the share button's event card
    assert call.drop_pending_updates is False


@pytest.fixture
async def self_hosted() -> AsyncIterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """A stand-in for a self-hosted telegram-bot-api server: records each method called."""
    seen: list[tuple[str, dict[str, Any]]] = []

    async def method(request: web.Request) -> web.Response:
        seen.append((request.match_info["method"], dict(await request.post())))
        return web.json_response({"ok": True, "result": True})

    web_app = web.Application()
    web_app.router.add_post("/bot{token}/{method}", method)
    server = TestServer(web_app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/"), seen
    finally:
        await server.close()


async def test_set_and_deleted_through_a_self_hosted_bot_api(
    harness: Harness, self_hosted: tuple[str, list[tuple[str, dict[str, Any]]]]
) -> None:
    base, seen = self_hosted
    # A local server takes a plain http webhook on any port.
    settings = webhook_settings(harness, telegram_api_url=base, webhook_url="http://10.0.0.5:8080")
    bot = build_bot(settings)
    async with bot.context():
        await set_webhook(bot, harness.app.dispatcher, settings)
    await delete_webhook(build_bot(settings))
    assert [name for name, _ in seen] == ["setWebhook", "deleteWebhook"]
    params = seen[0][1]
    assert params["url"] == "http://10.0.0.5:8080/tg/updates"
    assert params["secret_token"] == SECRET
    assert seen[1][1].get("drop_pending_updates") == "false"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WatchedLiveness(Liveness):
    """Tells the test when the webhook is set: by then the bot waits for its signal."""

    def __init__(self) -> None:
        self.set_event = asyncio.Event()
        super().__init__("webhook", lambda: 0.0)

    @property
    def webhook_set(self) -> bool:
        return self.set_event.is_set()

    @webhook_set.setter
    def webhook_set(self, value: bool) -> None:
        if value:
            self.set_event.set()
        else:
            self.set_event.clear()


async def test_webhook_mode_serves_updates_and_health_until_sigterm(harness: Harness) -> None:
    port = free_port()
    settings = webhook_settings(harness, webhook_port=port)
    liveness = WatchedLiveness()
    probes = Probes(harness.db, harness.clock, liveness, harness.app.metrics)
    stopped = asyncio.Event()
    harness.app.dispatcher.shutdown.register(stopped.set)
    serving = asyncio.create_task(
        receive_updates(harness.app.dispatcher, harness.bot, settings, probes)
    )
    await asyncio.wait_for(liveness.set_event.wait(), 10)
    base = f"http://127.0.0.1:{port}"
    async with ClientSession() as http:
        update = as_json(message_update(tg_user(1904), "/help"))
        headers = {SECRET_HEADER: SECRET}
        async with http.post(f"{base}/tg/updates", json=update, headers=headers) as response:
            assert response.status == 200
        async with http.get(f"{base}/healthz") as response:
            assert (response.status, (await response.json())["webhook"]) == (200, "set")
        async with http.get(f"{base}/metrics") as response:
            assert 'civic_updates_total{outcome="handled",type="message"} 1.0' in (
                await response.text()
            )
    [reply] = sends(harness)
    assert "Что умеет бот" in reply.text

    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(serving, 10)
    assert stopped.is_set(), "the Dispatcher's shutdown ran (in-flight updates, scheduler)"
    assert not liveness.webhook_set


async def test_polling_while_a_webhook_is_set_stops_at_once_and_says_what_to_do() -> None:
    async def telegram(bot: Any, method: Any) -> Any:
        raise TelegramConflictError(
            method,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )

    with pytest.raises(TokenInUseError, match="python -m bot webhook delete"):
        await Polling()(telegram, Bot(TOKEN), GetUpdates())


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"MODE": "webhook", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL"),
        ({"MODE": "webhook", "WEBHOOK_URL": "https://bot.example.kz"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": "bot.example.kz"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PATH": "telegram"}, "WEBHOOK_PATH"),
        ({"WEBHOOK_PORT": "8443", "HEALTH_PORT": "8443"}, "HEALTH_PORT"),
    ],
)
def test_webhook_settings_that_cannot_work_name_their_key(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], key: str
) -> None:
    monkeypatch.chdir(os.path.dirname(__file__))  # no .env here
    for name in Settings.model_fields_upper():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"Setting {key} ")


def test_empty_webhook_keys_as_env_example_lists_them_mean_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "HEALTH_PORT", "BACKUP_DIR"):
        monkeypatch.setenv(name, "")
    settings = Settings(_env_file=None, bot_token=TOKEN)
    assert (settings.mode, settings.webhook_url, settings.webhook_secret) == ("polling", None, None)
    assert (settings.health_port, settings.backup_dir) == (None, None)
