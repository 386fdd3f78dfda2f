"""The emulator's engine: state, the checks every request passes, and the update queue.

The engine knows nothing about HTTP (see ``tgemu.server``) nor about how a person is played
(see ``tgemu.users``), so a browser demo can drive the same object.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from tgemu.bot_methods import FLOOD_METHODS, run_method
from tgemu.commands import CommandMenus, scope_key, visible_menu
from tgemu.errors import ApiError, conflict, not_found, too_many_requests, unauthorized
from tgemu.files import FileStore, Upload
from tgemu.flood import FloodLimiter
from tgemu.models import ApiCall, CallbackQueryRecord, Chat, ChatMessage, Update, UserProfile
from tgemu.spec import ApiSpec, bundled_spec, coerce_params
from tgemu.users import EmuUser
from tgemu.waiting import Signal

logger = logging.getLogger("tgemu")

DEFAULT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
# What getUpdates delivers until the bot names the update types it wants.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_UPDATES_PER_CALL = 100


class Emulator:
    """One bot's view of Telegram plus the people it talks to.

    ``clock`` (monotonic seconds) times callback-query expiry and the flood window, so tests can
    move time by hand; ``wall_clock`` (Unix seconds) dates messages.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "civic_test_bot",
        bot_first_name: str = "Civic Test Bot",
        flood_limit: int | None = 30,
        chat_flood_limit: float | None = 1.0,
        chat_flood_burst: int = 5,
        callback_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        spec: ApiSpec | None = None,
    ) -> None:
        if not TOKEN_SHAPE.fullmatch(token):
            raise ValueError(f"{token!r} does not look like a bot token (123456:ABC...)")
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.spec = spec or bundled_spec()
        self.clock = clock
        self.wall_clock = wall_clock
        self.callback_timeout = callback_timeout
        # Set by the transport once it listens, so tests can point a bot at it.
        self.base_url: str | None = None

        self.calls: list[ApiCall] = []
        self.updates: list[Update] = []
        self.chats: dict[int, Chat] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        # (scope key, language code) -> commands, as setMyCommands stored them.
        self.commands: CommandMenus = {}
        self.files = FileStore()
        self.signal = Signal()
        self.get_updates_count = 0

        self._flood = FloodLimiter(flood_limit, clock, chat_flood_limit, chat_flood_burst)
        self._users: dict[int, EmuUser] = {}
        self._pending: list[Update] = []
        self._allowed_updates: frozenset[str] = frozenset()
        self._poll_generation = 0
        self._closed = False
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    # --- what tests read ---------------------------------------------------------------------

    @property
    def flood_limit(self) -> int | None:
        return self._flood.limit

    @flood_limit.setter
    def flood_limit(self, limit: int | None) -> None:
        self._flood.limit = limit

    @property
    def chat_flood_limit(self) -> float | None:
        return self._flood.chat_limit

    @chat_flood_limit.setter
    def chat_flood_limit(self, limit: float | None) -> None:
        self._flood.chat_limit = limit

    @property
    def flood_429_count(self) -> int:
        """429s for either limit."""
        return self._flood.refusals

    @property
    def chat_flood_429_count(self) -> int:
        return self._flood.chat_refusals

    @property
    def errors(self) -> list[ApiCall]:
        return [call for call in self.calls if call.error is not None]

    @property
    def pending_updates(self) -> list[Update]:
        """Updates the bot has not confirmed yet (getUpdates with a higher offset)."""
        return list(self._pending)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def unanswered_callbacks(self) -> list[CallbackQueryRecord]:
        return [query for query in self.callback_queries.values() if not query.answered]

    def get_commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """Exactly what getMyCommands would answer for this scope and language."""
        return list(self.commands.get((scope_key(scope), language_code), []))

    def visible_commands(self, user_id: int, language_code: str = "") -> list[dict[str, str]]:
        """The menu a person sees in the private chat, resolved the way Telegram resolves it."""
        return visible_menu(self.commands, user_id, language_code)

    # --- the people ---------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
        phone: str | None = None,
    ) -> EmuUser:
        """The person with this id, created on first mention (later calls return the same one)."""
        if user_id not in self._users:
            profile = UserProfile(
                id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                phone=phone or f"+7700{user_id % 10_000_000:07d}",
            )
            self.chats[user_id] = Chat(profile)
            self._users[user_id] = EmuUser(self, self.chats[user_id])
        return self._users[user_id]

    def post_message(self, chat: Chat, *, from_bot: bool, **content: Any) -> ChatMessage:
        """Add a message to a chat; a person's message also becomes an update for the bot."""
        message = ChatMessage(
            chat=chat,
            message_id=chat.next_message_id(),
            sender=self.bot_user if from_bot else chat.user.to_json(),
            date=self.now(),
            from_bot=from_bot,
            **content,
        )
        chat.messages[message.message_id] = message
        if not from_bot:
            chat.user.started = True
            self.push_update("message", message.to_json())
        self.notify()
        return message

    def press_callback(self, chat: Chat, message: ChatMessage, data: str) -> CallbackQueryRecord:
        query = CallbackQueryRecord(
            id=str(7_000_000_000_000 + next(self._callback_ids)),
            user_id=chat.id,
            message_id=message.message_id,
            data=data,
            created_at=self.clock(),
            signal=self.signal,
        )
        self.callback_queries[query.id] = query
        chat.user.started = True
        self.push_update(
            "callback_query",
            {
                "id": query.id,
                "from": chat.user.to_json(),
                "message": message.to_json(),
                "chat_instance": f"{chat.id * 7919}",
                "data": data,
            },
        )
        return query

    def push_update(self, kind: str, payload: dict[str, Any]) -> Update:
        update = Update(next(self._update_ids), kind, payload)
        self.updates.append(update)
        # Like Telegram, updates the bot has not subscribed to are dropped, not queued.
        wanted = (
            kind in self._allowed_updates
            if self._allowed_updates
            else kind not in NOT_DELIVERED_BY_DEFAULT
        )
        if wanted:
            self._pending.append(update)
        self.notify()
        return update

    def redeliver(self, update: Update) -> None:
        """Queue ``update`` again under its own id, as Telegram keeps an update whose
        confirmation (a later getUpdates offset) it never got: the bot crashed right after
        fetching it, or a webhook did not answer in time. Call it while no bot polls, since
        a running bot's next getUpdates confirms the update again."""
        if update not in self._pending:
            self._pending.append(update)
            self._pending.sort(key=lambda pending: pending.update_id)
        self.notify()

    def now(self) -> int:
        return int(self.wall_clock())

    # --- waiting ------------------------------------------------------------------------------

    def notify(self) -> None:
        self.signal.notify()

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - a timeout fails with a description
        describe: Callable[[], str] | None = None,
    ) -> None:
        """Return once ``predicate()`` holds; AssertionError (with ``describe()``) on timeout."""
        if not await self.signal.wait_for(predicate, timeout):
            details = describe() if describe else self.recent_calls()
            raise AssertionError(f"condition not met within {timeout} s\n{details}")

    def recent_calls(self, count: int = 20) -> str:
        lines = [call.describe() for call in self.calls[-count:]]
        return "last bot calls:\n  " + "\n  ".join(lines or ["(none)"])

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """End pending long polls so the transport can shut down promptly."""
        self._closed = True
        self.notify()

    # --- the bot's side -----------------------------------------------------------------------

    async def call(
        self,
        token: str,
        method: str,
        raw_params: Mapping[str, Any],
        uploads: Mapping[str, Upload] | None = None,
    ) -> Any:
        """Run one Bot API request; returns its ``result`` or raises ApiError."""
        spec = self.spec.method(method)
        record = ApiCall(
            seq=len(self.calls) + 1,
            method=spec.name if spec else method,
            params=dict(raw_params),
            at=self.clock(),
        )
        self.calls.append(record)
        try:
            if token != self.token:
                raise unauthorized()
            if spec is None:
                raise not_found()
            record.params = coerce_params(spec, raw_params, uploads or {})
            self.notify()
            if (
                spec.name in FLOOD_METHODS
                and (wait := self._flood.acquire(record.params.get("chat_id"))) is not None
            ):
                raise too_many_requests(wait)
            record.result = await run_method(self, spec.name, record.params)
        except ApiError as error:
            record.error = error
            logger.info("refused %s", record.describe())
            raise
        except asyncio.CancelledError:
            # The client went away mid-request (a killed bot's long poll, typically).
            record.cancelled = True
            raise
        finally:
            record.done = True
            self.notify()
        logger.debug("%s", record.describe())
        return record.result

    def record_refusal(self, method: str, error: ApiError) -> None:
        """Audit a request the transport refused before it could reach ``call``."""
        record = ApiCall(len(self.calls) + 1, method, {}, self.clock(), error=error, done=True)
        self.calls.append(record)
        logger.info("refused %s", record.describe())
        self.notify()

    async def poll_updates(
        self,
        offset: int | None,
        limit: int,
        poll_seconds: float,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then long-poll until something is pending."""
        if allowed_updates is not None:
            self._allowed_updates = frozenset(allowed_updates)
        if offset is not None and offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        elif offset is not None and offset < 0:
            self._pending = self._pending[offset:]
        self.get_updates_count += 1
        self._poll_generation += 1
        generation = self._poll_generation
        self.notify()
        await self.signal.wait_for(
            lambda: bool(self._pending) or self._closed or generation != self._poll_generation,
            poll_seconds,
        )
        if generation != self._poll_generation:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        batch = self._pending[: max(1, min(limit, MAX_UPDATES_PER_CALL))]
        for update in batch:
            update.delivered = True
        return [update.to_json() for update in batch]

    def drop_pending_updates(self) -> None:
        self._pending.clear()
