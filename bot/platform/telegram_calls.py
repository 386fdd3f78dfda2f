"""Every Bot API call the bot makes passes through here (an aiogram request middleware).

Message calls wait for their slot in the shared Pacer; a 429 is waited out for the retry_after
Telegram gives and the call is sent again, a bounded number of times; a network failure is
retried where a second send cannot duplicate anything (the request never left, or the method
changes nothing when repeated). The outbox takes its slots from the same Pacer itself, because
it records a delivery as in flight only once its slot is there: inside `outbox_call()` a call
passes as it is, and the outbox handles a 429 (noting the pause in the Pacer) on its own.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import GetUpdates, Response, SendChatAction, TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientConnectorError

from bot.platform.pacing import Pacer, Priority

log = logging.getLogger(__name__)

# A 429 storm that outlasts this many waits for one reply gives the reply up.
MAX_FLOOD_RETRIES = 5
# Network failures retried for one call, after 0.5, 1 and 2 seconds.
MAX_NETWORK_RETRIES = 3
# Calls Telegram counts against its message limits.
_PACED_PREFIXES = ("Send", "Edit", "Copy", "Forward")
# Calls that change nothing when they arrive twice.
_REPEATABLE_PREFIXES = ("Get", "Set", "Delete", "Close", "Log")

_outbox_call: ContextVar[bool] = ContextVar("outbox_call", default=False)


@contextlib.contextmanager
def outbox_call() -> Iterator[None]:
    """The call inside already holds a bulk slot, and its caller handles a 429 itself."""
    token = _outbox_call.set(True)
    try:
        yield
    finally:
        _outbox_call.reset(token)


def is_paced(method: TelegramMethod[Any]) -> bool:
    name = type(method).__name__
    return name.startswith(_PACED_PREFIXES) and not isinstance(method, SendChatAction)


def never_left(error: TelegramNetworkError) -> bool:
    """The connection failed before the request was written: sending again is safe."""
    return isinstance(error.__cause__, ClientConnectorError)


class PacedCalls(BaseRequestMiddleware):
    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):  # polling has its own backoff
            return await make_request(bot, method)  # type: ignore[arg-type]
        chat = getattr(method, "chat_id", None)
        chat_id = chat if isinstance(chat, int) else None
        if _outbox_call.get():
            return await make_request(bot, method)
        paced = is_paced(method)
        repeatable = type(method).__name__.startswith(_REPEATABLE_PREFIXES)
        floods = failures = 0
        while True:
            if paced:
                await self.pacer.acquire(chat_id, Priority.REPLY)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                self.pacer.pause(error.retry_after, chat_id)
                floods += 1
                if floods > MAX_FLOOD_RETRIES:
                    raise
                log.info(
                    "%s to chat %s: 429, again in %s s",
                    type(method).__name__,
                    chat_id,
                    error.retry_after,
                )
                if not paced:  # paced calls wait out the pause in their next acquire
                    await self.pacer.sleep(error.retry_after)
            except TelegramNetworkError as error:
                failures += 1
                if failures > MAX_NETWORK_RETRIES or not (repeatable or never_left(error)):
                    raise
                log.info("%s: %s, trying again", type(method).__name__, error.message)
                await self.pacer.sleep(0.5 * 2 ** (failures - 1))
