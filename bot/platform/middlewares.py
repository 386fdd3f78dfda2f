"""Per-update context: who the user is, their language, in-flight tracking, callback guards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import CallbackQuery, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.errors import StaleButtonError
from bot.people import users
from bot.platform.db import Database
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import LANGUAGES, Texts, Translator

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
log = logging.getLogger(__name__)


def guess_language(tg_user: User | None, default: str) -> str:
    code = (tg_user.language_code or "")[:2] if tg_user else ""
    return code if code in LANGUAGES else default


class UserContextMiddleware(BaseMiddleware):
    """Puts `user` (the stored person, or a not-yet-stored newcomer) and `t` (texts in their
    language) into handler data."""

    def __init__(self, db: Database, texts: Texts, default_language: str) -> None:
        self.db = db
        self.texts = texts
        self.default_language = default_language

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg_user: User | None = data.get("event_from_user")
        if tg_user is not None:
            record = await users.get(self.db, tg_user.id)
            if record is None:
                record = users.UserRecord.newcomer(
                    tg_user.id, guess_language(tg_user, self.default_language)
                )
            elif record.unreachable_at is not None and _wrote_to_us(event):
                await users.mark_reachable(self.db, tg_user.id)
            data["user"] = record
            language = record.language
        else:
            language = self.default_language
        data["t"] = self.texts.of(language)
        return await handler(event, data)


def _wrote_to_us(event: TelegramObject) -> bool:
    """A message or a button press in their own chat with the bot proves the person can hear
    us again; a membership change (blocking the bot), or a message or press in a group or on
    an inline message, is no such proof."""
    if not isinstance(event, Update):
        return False
    if event.message is not None:
        return event.message.chat.type == ChatType.PRIVATE
    query = event.callback_query
    return (
        query is not None
        and query.message is not None
        and query.message.chat.type == ChatType.PRIVATE
    )


class InFlightMiddleware(BaseMiddleware):
    """Counts updates being handled so shutdown can let them finish (with a bounded wait)."""

    def __init__(self) -> None:
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self._active += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def wait_idle(self, timeout: float) -> bool:  # noqa: ASYNC109 - a bounded shutdown wait
        """True when every in-flight update finished within the timeout."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(
                "%d update(s) still running after %.0f s; stopping anyway", self._active, timeout
            )
            return False
        return True


class CallbackGuardMiddleware(BaseMiddleware):
    """Turns failures inside callback handlers into an alert on the same callback answer.

    Registered inside the callback answer middleware, so the one answer Telegram allows
    carries the explanation. Unexpected errors are re-raised for the error handler to log. A
    reply Telegram would not take is no failure of the request itself (what the press changed
    is saved): the person gets no "something went wrong" for it.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer: CallbackAnswer = data["callback_answer"]
        t: Translator = data["t"]
        try:
            return await handler(event, data)
        except StaleButtonError:
            self._alert(answer, t("error.stale_button"))
            return None
        except (TelegramAPIError, TelegramNetworkError):
            raise
        except Exception:
            self._alert(answer, t("error.generic"))
            raise

    @staticmethod
    def _alert(answer: CallbackAnswer, text: str) -> None:
        if not answer.answered:
            answer.text = clip(text, CALLBACK_ANSWER_LIMIT)
            answer.show_alert = True
