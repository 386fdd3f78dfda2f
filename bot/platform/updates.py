"""Updates from Telegram: each handled once, an unreadable one skipped, a second poller noticed.

- `HandledOnce` (an outer update middleware) notes every update it has handled in the
  database; a copy of one (the same update_id, sent again because Telegram never got the
  confirmation, after a crash or a webhook timeout) does nothing at all. Pressing a button
  twice makes two updates with two ids: that is `bot.platform.callbacks.PressGuard`'s job.
- `Polling` (a request middleware on getUpdates) keeps one bad update from stopping the bot,
  and stops this process when another one polls with the same token.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import ClientDecodeError, TelegramConflictError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from pydantic import ValidationError

from bot.clock import Clock
from bot.platform import update_store as updates
from bot.platform.db import Database
from bot.platform.instance_lock import TokenInUseError
from bot.platform.middlewares import Handler
from bot.platform.update_store import Outcome

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours, so no copy of one comes later than that.
REMEMBER_FOR = timedelta(days=2)
# 409s less than this apart are one conflict: two pollers interrupt each other every few
# seconds (aiogram waits at most 5 s before it polls again, and a poll lasts 10 s).
CONFLICT_SPELL = 60.0
# The 409s of one conflict a process takes before it stops. One that had not fetched
# updates before the conflict began is the newcomer and gives way soon; one that had been
# polling holds on longer, so the newcomer leaves and the running bot keeps running. Two
# that had both been polling (their polls never overlapped before) leave one standing.
NEWCOMER_CONFLICTS = 3
INCUMBENT_CONFLICTS = 10
# Validation errors shown for an unreadable update (field names and reasons, never values:
# an update carries people's names and messages).
SHOWN_ERRORS = 3


class HandledOnce(BaseMiddleware):
    """Outer update middleware: a copy of an update handled already does nothing at all.

    An update is noted when its handling is over, not when it begins: one cut short by a
    crash was never noted, so its copy is handled again. Its first run may have done part of
    the work; the handlers' own checks (the registration exists, the language is chosen)
    keep most of a repeat harmless, and a repeat costs less than an update lost in a crash,
    as with deliveries. A crash between an update's last write and its note repeats it whole.
    A "started" note written first would tell a copy nothing more (an unfinished update is
    handled again either way) and cost every update a second write.

    A copy that comes while the first is still being handled waits for it: the Dispatcher's
    event isolation takes the updates of one chat and person in turn, and this middleware
    runs inside its lock, so the copy finds the note.
    """

    def __init__(self, db: Database, clock: Clock, remember: timedelta = REMEMBER_FOR) -> None:
        self.db = db
        self.clock = clock
        self.remember = remember
        self.repeats = 0  # copies skipped, for /metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        since = self.clock.now() - self.remember
        before = await updates.outcome(self.db, event.update_id, since)
        if before is not None:
            log.info("Update %d came again (first %s); skipped", event.update_id, before)
            self.repeats += 1
            return UNHANDLED
        try:
            result = await handler(event, data)
        except Exception:
            # Noted too: the failure is reported (to the person, or in the log), and a
            # repeat would fail the same way or do again the part that went through.
            await self._note(event.update_id, "failed")
            raise
        await self._note(event.update_id, "unhandled" if result is UNHANDLED else "handled")
        return result

    async def _note(self, update_id: int, outcome: Outcome) -> None:
        now = self.clock.now()
        try:
            await updates.note(self.db, update_id, outcome, now, now - self.remember)
        except sqlite3.Error as error:
            # What the update did is saved; telling the person it failed would be false.
            log.warning("Update %d is not noted as handled: %s", update_id, error)


class Polling(BaseRequestMiddleware):
    """getUpdates as long polling needs it; every other call passes as it is.

    An update aiogram cannot read (a field of a type it does not expect) failed the whole
    batch, and aiogram fetched the same batch again forever: nobody got answers any more.
    Such a batch is read again update by update, from the JSON the failure carries; the
    unreadable update is logged, with its id, and skipped. The next getUpdates confirms it
    (its offset goes past it) even when no readable update came after it, so it is fetched,
    and logged, once.

    Telegram ends a waiting getUpdates with 409 Conflict when another comes with the same
    token: two processes polling interrupt each other in turn, and both handle updates.
    After a few 409s this process stops with TokenInUseError.
    """

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self._skip_below = 0
        self._fetched = False
        self._conflicts = 0
        self._last_conflict: float | None = None
        self._limit = NEWCOMER_CONFLICTS

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        polled = method
        if (method.offset or 0) < self._skip_below:
            # A copy: aiogram's own GetUpdates keeps the offset aiogram counts.
            polled = method.model_copy(update={"offset": self._skip_below})
        try:
            response = await make_request(bot, cast(TelegramMethod[TelegramType], polled))
        except TelegramConflictError as error:
            if "webhook" in error.message:
                raise TokenInUseError(
                    "a webhook is set for this bot token (MODE=webhook somewhere?); "
                    "run `python -m bot webhook delete` first, or set MODE=webhook"
                ) from None
            self._conflict()
            raise
        except ClientDecodeError as error:
            # The chain hands back the call's result, whatever its annotation says.
            response = cast(Response[TelegramType], self._readable(bot, error))
        self._fetched = True
        return response

    def _readable(self, bot: Bot, error: ClientDecodeError) -> list[Update]:
        data = error.data
        items = data.get("result") if isinstance(data, dict) and data.get("ok") else None
        if not isinstance(items, list) or not all(
            isinstance(item, dict) and isinstance(item.get("update_id"), int) for item in items
        ):
            # Not a batch of numbered updates (an error page, say): aiogram tries again.
            raise error
        readable: list[Update] = []
        for item in items:
            try:
                readable.append(Update.model_validate(item, context={"bot": bot}))
            except ValidationError as problem:
                update_id: int = item["update_id"]
                self._skip_below = max(self._skip_below, update_id + 1)
                kind = next((key for key in item if key != "update_id"), "nothing")
                log.error(
                    "Update %d (%s) cannot be read and is skipped: %s",
                    update_id,
                    kind,
                    validation_summary(problem),
                )
        return readable

    def _conflict(self) -> None:
        now = self.now()
        if self._last_conflict is None or now - self._last_conflict > CONFLICT_SPELL:
            self._conflicts = 0
            self._limit = INCUMBENT_CONFLICTS if self._fetched else NEWCOMER_CONFLICTS
        self._last_conflict = now
        self._conflicts += 1
        if self._conflicts >= self._limit:
            raise TokenInUseError(
                "another process is using this bot token (Telegram answered getUpdates with "
                f"409 Conflict {self._conflicts} times); stop it, or give each bot its own token"
            )
        log.warning(
            "getUpdates: 409 Conflict %d of %d, another process is polling with this bot token",
            self._conflicts,
            self._limit,
        )


def validation_summary(problem: ValidationError) -> str:
    """Field names and reasons, never values: an update carries names and messages."""
    errors = problem.errors(include_input=False, include_url=False)
    shown = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
        for error in errors[:SHOWN_ERRORS]
    )
    more = len(errors) - SHOWN_ERRORS
    return f"{shown} (and {more} more)" if more > 0 else shown
