"""In-process test harness: real Update objects through the production Dispatcher, with a Bot
whose session records every outgoing call and answers with plausible Telegram results."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    File,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    User,
)
from pydantic import TypeAdapter

from bot.app import BOT_DEFAULTS, App, build_app
from bot.clock import FrozenClock
from bot.config import Settings
from bot.platform.database_file import open_database
from bot.platform.pacing import Pacer, PaceSettings
from bot.texts import Texts
from tgemu.text import format_text

TOKEN = "42:TEST-token-for-the-in-process-harness-000"
# As set up (README): inline mode on at @BotFather, so getMe says the bot takes inline queries.
BOT_USER = User(
    id=42,
    is_bot=True,
    first_name="Civic bot",
    username="civic_test_bot",
    supports_inline_queries=True,
)


@dataclass
class RecordingSession(BaseSession):
    """Records calls; returns what Telegram would return for the methods the bot uses."""

    calls: list[TelegramMethod[Any]] = field(default_factory=list)
    # chat id -> what the next calls to that chat do, in order: raise the error, or succeed
    # for None (then every call succeeds again)
    failures: dict[int, list[Exception | None]] = field(default_factory=dict)
    # file_id -> the bytes a download of that file returns (files people sent to the bot)
    files: dict[str, bytes] = field(default_factory=dict)
    # (chat id, message id) -> the message as the chat shows it now, after the bot's edits
    shown: dict[tuple[int, int], Message] = field(default_factory=dict)
    # id() of a sending or editing call -> the message it left
    left_by: dict[int, Message] = field(default_factory=dict)
    # calls Telegram would have refused (every test fails on one)
    refused: list[TelegramMethod[Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def __post_init__(self) -> None:
        super().__init__()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        self.calls.append(method)
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and self.failures.get(chat_id):
            error = self.failures[chat_id].pop(0)
            if error is not None:
                raise error
        result = self._result(method)
        self._refuse_unchanged(method, result)
        adapter: TypeAdapter[TelegramType] = TypeAdapter(method.__returning__)
        value = adapter.validate_python(result, context={"bot": bot})
        if isinstance(value, Message):
            self.shown[(value.chat.id, value.message_id)] = value
            self.left_by[id(method)] = value
        return value

    def _refuse_unchanged(self, method: TelegramMethod[Any], result: Any) -> None:
        """Telegram refuses an edit that would leave the message as it is."""
        if not isinstance(method, EditMessageText | EditMessageReplyMarkup):
            return
        shown = self.shown.get((result["chat"]["id"], result["message_id"]))
        if shown is None:
            return
        before = shown.model_dump(mode="json", exclude_none=True, by_alias=True)
        after = Message.model_validate(result).model_dump(
            mode="json", exclude_none=True, by_alias=True
        )
        if all(before.get(key) == after.get(key) for key in ("text", "entities", "reply_markup")):
            self.refused.append(method)
            raise TelegramBadRequest(
                method,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )

    def _result(self, method: TelegramMethod[Any]) -> Any:
        name = type(method).__name__
        params = method.model_dump(exclude_none=True)
        chat_id = params.get("chat_id", 0)
        # Telegram echoes only inline keyboards; reply keyboards belong to the chat.
        markup = params.get("reply_markup")
        if not (isinstance(markup, dict) and "inline_keyboard" in markup):
            params.pop("reply_markup", None)
        message_id: int = params.get("message_id") or next(self._ids)
        base = {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER.model_dump(),
        }
        if name in {"SendMessage", "EditMessageText"}:
            # What Telegram echoes: the text parsed from the HTML, with its entities.
            mode = params.get("parse_mode")
            formatted = format_text(params["text"], mode if isinstance(mode, str) else "HTML", None)
            return {
                **base,
                "text": formatted.text,
                "entities": formatted.entities,
                "reply_markup": params.get("reply_markup"),
            }
        shown = self.shown.get((chat_id, message_id))
        if name == "EditMessageReplyMarkup" and shown is not None:
            return {
                **shown.model_dump(exclude_none=True, by_alias=True),
                "reply_markup": params.get("reply_markup"),
            }
        if name in {
            "SendDocument",
            "SendPhoto",
            "EditMessageReplyMarkup",
            "EditMessageCaption",
            "CopyMessage",
        }:
            return (
                {
                    **base,
                    "caption": params.get("caption"),
                    "document": {"file_id": f"doc{base['message_id']}", "file_unique_id": "u"},
                    "reply_markup": params.get("reply_markup"),
                    "message_id": base["message_id"],
                }
                if name != "CopyMessage"
                else {"message_id": base["message_id"]}
            )
        if name == "GetMe":
            return BOT_USER.model_dump()
        if name == "GetFile":
            file_id = params["file_id"]
            return File(file_id=file_id, file_unique_id="u", file_path=f"f/{file_id}").model_dump()
        return True

    async def close(self) -> None:
        return None

    async def stream_content(
        self, url: str, *args: Any, **kwargs: Any
    ) -> AsyncGenerator[bytes, None]:
        yield self.files.get(url.rsplit("/", 1)[-1], b"")


_update_ids = itertools.count(1)


def tg_user(user_id: int, language_code: str | None = None, first_name: str = "Test") -> User:
    """No language by default, so a first /start asks for it; with "ru" or "kk" the bot
    takes Telegram's word and starts in it."""
    return User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)


def message_update(
    user: User, text: str | None = None, *, chat: Chat | None = None, **extra: Any
) -> Update:
    """A message from `user` in their private chat with the bot, or in `chat`."""
    entities = None
    if text and text.startswith("/"):
        command = text.split()[0]
        entities = [MessageEntity(type="bot_command", offset=0, length=len(command))]
    message = Message(
        message_id=next(_update_ids),
        date=datetime.now(UTC),
        chat=chat or Chat(id=user.id, type="private"),
        from_user=user,
        text=text,
        entities=entities,
        **extra,
    )
    return Update(update_id=next(_update_ids), message=message)


def contact_update(user: User, phone: str, owner_id: int | None = None) -> Update:
    contact = Contact(
        phone_number=phone,
        first_name=user.first_name,
        user_id=user.id if owner_id is None else owner_id,
    )
    return message_update(user, contact=contact)


def document_update(user: User, file_id: str, file_name: str) -> Update:
    return message_update(
        user, document=Document(file_id=file_id, file_unique_id=file_id, file_name=file_name)
    )


def callback_update(user: User, data: str, message: Message | None = None) -> Update:
    origin = message or Message(
        message_id=next(_update_ids),
        date=datetime.now(UTC),
        chat=Chat(id=user.id, type="private"),
        from_user=BOT_USER,
        text="…",
    )
    query = CallbackQuery(
        id=str(next(_update_ids)), from_user=user, chat_instance="ci", data=data, message=origin
    )
    return Update(update_id=next(_update_ids), callback_query=query)


class VirtualTime:
    """Monotonic seconds that move only when somebody sleeps: the pace and its waits run
    at once in tests, and a test reads how long the bot would have waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class Harness:
    """The production Dispatcher, a recording Bot, a real SQLite file and a frozen clock."""

    def __init__(
        self,
        app: App,
        bot: Bot,
        session: RecordingSession,
        clock: FrozenClock,
        pace_time: VirtualTime,
    ):
        self.app = app
        self.bot = bot
        self.session = session
        self.clock = clock
        self.pace_time = pace_time
        # The scheduler is not running here: a wake-up the bot asks for is counted, and
        # `woken_sends()` does what the woken scheduler would.
        self.wakes = 0
        app.queue.on_wake(self._woken)

    def _woken(self) -> None:
        self.wakes += 1

    async def woken_sends(self) -> list[TelegramMethod[Any]]:
        """What the scheduler sends when the wake-up the last change asked for comes (the
        notices that change queued); fails if no change asked for one."""
        assert self.wakes, "nothing asked the scheduler to send"
        self.wakes = 0
        start = len(self.session.calls)
        await self.app.scheduler.run_due(self.bot)
        return self.session.calls[start:]

    @property
    def db(self):
        return self.app.db

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        """Process one update; returns the calls the bot made while handling it."""
        start = len(self.session.calls)
        await self.app.dispatcher.feed_update(self.bot, update)
        return self.session.calls[start:]

    async def send(
        self, user: User, text: str, *, chat: Chat | None = None
    ) -> list[TelegramMethod[Any]]:
        return await self.feed(message_update(user, text, chat=chat))

    async def press(
        self, user: User, data: str, message: Message | None = None
    ) -> list[TelegramMethod[Any]]:
        return await self.feed(callback_update(user, data, message))

    def message(self, call: TelegramMethod[Any]) -> Message:
        """The message a sending or editing call left, as the chat shows it now."""
        left = self.session.left_by[id(call)]
        return self.session.shown[(left.chat.id, left.message_id)]

    async def tap(
        self, user: User, message: Message, label: str, *, times: int = 1
    ) -> list[list[TelegramMethod[Any]]]:
        """Press the button `label` on `message` as it is shown now, `times` times before
        any reply arrives (a double tap carries the same view each time)."""
        data = next((b.callback_data for b in _inline(message) if b.text.startswith(label)), None)
        assert data is not None, f"no button {label!r} on {message.text!r}"
        updates = [callback_update(user, data, message) for _ in range(times)]
        return [await self.feed(update) for update in updates]


def _inline(message: Message) -> list[Any]:
    markup = message.reply_markup
    return [b for row in markup.inline_keyboard for b in row] if markup is not None else []


def answers(calls: list[TelegramMethod[Any]]) -> list[AnswerCallbackQuery]:
    return [call for call in calls if isinstance(call, AnswerCallbackQuery)]


def texts(calls: list[TelegramMethod[Any]]) -> list[str]:
    """What the user saw: message texts, edited texts and callback alerts, in order."""
    seen: list[str] = []
    for call in calls:
        for attribute in ("text", "caption"):
            value = getattr(call, attribute, None)
            if isinstance(value, str):
                seen.append(value)
    return seen


def buttons(call: TelegramMethod[Any]) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button the call carried."""
    markup = getattr(call, "reply_markup", None)
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [(b.text, b.callback_data or b.url or "") for row in markup.inline_keyboard for b in row]


def button(calls: list[TelegramMethod[Any]], label: str, *, exact: bool = False) -> str:
    """The callback data of the newest inline button whose text starts with (or is) `label`."""
    for call in reversed(calls):
        for text, data in buttons(call):
            if text == label or (not exact and text.startswith(label)):
                return data
    raise AssertionError(f"no button {label!r} in {texts(calls)}")


async def make_harness(
    tmp_path: Path, now: datetime, **settings_overrides: Any
) -> AsyncIterator[Harness]:
    settings = Settings(
        bot_token=TOKEN,
        database_path=tmp_path / "bot.sqlite3",
        **settings_overrides,
    )
    db = await open_database(settings)
    clock = FrozenClock(now)
    pace_time = VirtualTime()
    pacer = Pacer(PaceSettings(rate=settings.send_rate), now=pace_time, sleep=pace_time.sleep)
    app = build_app(settings, db, Texts(settings.default_language), clock, pacer)
    session = RecordingSession()
    bot = app.attach(Bot(token=TOKEN, session=session, default=BOT_DEFAULTS))
    try:
        yield Harness(app, bot, session, clock, pace_time)
        assert not session.refused, f"Telegram would have refused {session.refused}"
    finally:
        await app.reports.close()
        await db.close()
