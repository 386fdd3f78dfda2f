"""Webhook mode (MODE=webhook): Telegram posts each update to our aiohttp server.

- The secret token given to setWebhook comes back in X-Telegram-Bot-Api-Secret-Token on
  every request Telegram makes; a request without it gets 401 and a line in the log, so
  nobody who finds the address can feed the bot made-up updates.
- The webhook is set at every start, with allowed_updates limited to what the routers handle
  (the Dispatcher's resolve_used_update_types), and stays set while the bot is stopped, so
  Telegram keeps the updates that come meanwhile; `python -m bot webhook delete` removes it.
- Telegram gets its answer when the update has been handled, not before (aiogram's
  handle_in_background off): an update cut short by a crash is not confirmed, so Telegram
  sends it again, and HandledOnce (bot/platform/updates.py) keeps a copy of one that was
  handled from doing anything. A handler slower than 55 s is answered then and goes on.
- An update aiogram cannot read is logged with its id and confirmed, as in polling: refused,
  Telegram would send it again and again.

The URL may point at a self-hosted telegram-bot-api server's network (TELEGRAM_API_URL): that
server also accepts plain http and any port for the webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from pydantic import ValidationError

from bot.config import Settings
from bot.platform.health import Liveness, Probes, add_health_routes, serving
from bot.platform.updates import validation_summary

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class CheckedRequestHandler(SimpleRequestHandler):
    """aiogram's handler for one bot, which logs refused requests and skips unreadable
    updates instead of failing them."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            log.warning(
                "Webhook request from %s without the right secret token: refused with 401",
                request.remote,
            )
            return web.Response(status=401, text="Unauthorized")
        try:
            raw = await request.json(loads=self.bot.session.json_loads)
        except ValueError:  # not JSON, or not UTF-8
            log.error("Webhook request from %s is not JSON; skipped", request.remote)
            return web.json_response({})
        try:
            update = Update.model_validate(raw, context={"bot": self.bot})
        except ValidationError as problem:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.error(
                "Update %s cannot be read and is skipped: %s",
                update_id,
                validation_summary(problem),
            )
            return web.json_response({})
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, update, **self.data
        )
        return web.Response(body=self._build_response_writer(self.bot, result))


def webhook_url(settings: Settings) -> str:
    assert settings.webhook_url is not None, "checked by the settings in webhook mode"
    return settings.webhook_url + settings.webhook_path


def _secret(settings: Settings) -> str:
    assert settings.webhook_secret is not None, "checked by the settings in webhook mode"
    return settings.webhook_secret.get_secret_value()


def build_webhook_app(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, health: Probes | None
) -> web.Application:
    """The webhook route, the Dispatcher's startup and shutdown tied to the server's, and
    /healthz and /metrics when they are served here."""
    web_app = web.Application()
    # Shutdown signals run in this order: the Dispatcher's (updates in flight finish, the
    # outbox stops) before the handler's, which closes the bot's HTTP session.
    setup_application(web_app, dispatcher, bot=bot)
    CheckedRequestHandler(dispatcher, bot, _secret(settings)).register(
        web_app, path=settings.webhook_path
    )
    if health is not None:
        add_health_routes(web_app, health)
    return web_app


async def set_webhook(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    await bot.set_webhook(
        webhook_url(settings),
        secret_token=_secret(settings),
        allowed_updates=dispatcher.resolve_used_update_types(),
        drop_pending_updates=False,
    )
    log.info("Webhook set to %s; listening on %s", webhook_url(settings), settings.webhook_port)


async def serve_webhook(
    dispatcher: Dispatcher,
    bot: Bot,
    settings: Settings,
    liveness: Liveness,
    health: Probes | None,
) -> None:
    """Serve until SIGTERM or SIGINT; the Dispatcher's shutdown lets updates in flight
    finish. `health`: /healthz and /metrics on the webhook server too."""
    web_app = build_webhook_app(dispatcher, bot, settings, health)
    async with serving(web_app, settings.listen_host, settings.webhook_port):
        # Set once the server listens, so Telegram's first post finds it.
        await set_webhook(bot, dispatcher, settings)
        liveness.webhook_set = True
        try:
            await _until_signalled()
        finally:
            liveness.webhook_set = False


async def receive_updates(
    dispatcher: Dispatcher, bot: Bot, settings: Settings, probes: Probes
) -> None:
    """Polling or the webhook, as MODE says, until SIGTERM or SIGINT; /healthz and /metrics
    on HEALTH_PORT when it is set, else on the webhook server in webhook mode (and nowhere
    in polling mode)."""
    async with contextlib.AsyncExitStack() as stack:
        if settings.health_port is not None:
            health_app = web.Application()
            add_health_routes(health_app, probes)
            await stack.enter_async_context(
                serving(health_app, settings.listen_host, settings.health_port)
            )
        if settings.mode == "webhook":
            here = None if settings.health_port is not None else probes
            await serve_webhook(dispatcher, bot, settings, probes.liveness, here)
        else:
            await dispatcher.start_polling(bot, handle_signals=True)


async def _until_signalled() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("Stopping: the webhook stays set, Telegram keeps updates until the next start")


async def delete_webhook(bot: Bot) -> None:
    """`python -m bot webhook delete`: updates waiting stay with Telegram for the next poll."""
    async with bot.context():
        await bot.delete_webhook(drop_pending_updates=False)
