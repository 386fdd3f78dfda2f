"""Button presses: answered in time, harmless when repeated, refused kindly to strangers.

- `TimelyCallbackAnswer` answers the press when its handler is done, or after a few seconds
  while the handler still waits for its turn to send (in a rush): Telegram drops an answer
  that comes later than about fifteen seconds, and the person's spinner should stop anyway.
- `ButtonViews` (a request middleware) remembers the keyboard the bot last put on each message
  it edited. A press that still carries an older keyboard was made on a view the bot has
  already replaced, typically the second tap of a double tap: `PressGuard` lets it do nothing.
  The same button on the same unchanged message pressed again within a few seconds is a double
  tap too. So the final message shows the outcome of the first tap.
- A person with no record who presses a button outside their own chat with the bot (a card
  forwarded or shared into another chat) cannot be written to: they get an alert asking them
  to open the bot, and nothing is sent.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.flags import get_flag
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    Response,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from bot.platform.middlewares import Handler
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import Translator

# Telegram gives up on an answer after about 15 s; answer well before that.
ANSWER_DEADLINE = 4.0
# A second press of the same button on the same message this soon is a double tap.
REPEAT_WINDOW = 3.0
# Messages (and presses) remembered; older ones fall back to the handlers' own checks.
REMEMBERED = 20_000

_EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)
MessageKey = tuple[int, int]


def markup_key(markup: InlineKeyboardMarkup | None) -> str:
    return markup.model_dump_json(exclude_none=True) if markup is not None else ""


class TimelyCallbackAnswer(CallbackAnswerMiddleware):
    def __init__(self, deadline: float = ANSWER_DEADLINE) -> None:
        super().__init__()
        self.deadline = deadline

    async def __call__(
        self,
        handler: Handler,
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer"),
        )
        if not answer.disabled and answer.answered:
            await self.answer(event, answer)
        work = asyncio.ensure_future(handler(event, data))
        try:
            await asyncio.wait({work}, timeout=self.deadline)
            if not work.done():
                await self._answer_once(event, answer)
            return await work
        except asyncio.CancelledError:
            work.cancel()
            raise
        finally:
            await self._answer_once(event, answer)

    async def _answer_once(self, event: CallbackQuery, answer: CallbackAnswer) -> None:
        if answer.disabled or answer.answered:
            return
        # CallbackAnswer has no public way to say it was answered; later changes must fail.
        answer._answered = True
        await self.answer(event, answer)


class ButtonViews(BaseRequestMiddleware):
    """The inline keyboard of each message as the bot's last edit left it."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._markups: OrderedDict[MessageKey, str] = OrderedDict()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # The chain hands back the call's result, whatever its annotation says.
        response = await make_request(bot, method)
        edited: object = response
        if isinstance(method, _EDITS) and isinstance(edited, Message):
            key = (edited.chat.id, edited.message_id)
            self._markups[key] = markup_key(edited.reply_markup)
            self._markups.move_to_end(key)
            while len(self._markups) > self.size:
                self._markups.popitem(last=False)
        return response

    def replaced(self, message: Message) -> bool:
        """The press came from a keyboard the bot has edited away since."""
        current = self._markups.get((message.chat.id, message.message_id))
        return current is not None and current != markup_key(message.reply_markup)


class PressGuard(BaseMiddleware):
    """Inner callback middleware: runs the handler only for a press that means something."""

    def __init__(
        self,
        views: ButtonViews,
        now: Callable[[], float],
        window: float = REPEAT_WINDOW,
    ) -> None:
        self.views = views
        self.window = window
        self.now = now
        self._recent: OrderedDict[tuple[MessageKey, str, str], float] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        message = event.message if isinstance(event.message, Message) else None
        own_chat = message is not None and message.chat.id == event.from_user.id
        user = data.get("user")
        if not own_chat and user is not None and not user.persisted:
            await self._ask_to_start(data)
            return None
        if message is None:
            return await handler(event, data)
        if self.views.replaced(message):
            return None
        press = (
            (message.chat.id, message.message_id),
            event.data or "",
            markup_key(message.reply_markup),
        )
        last = self._recent.get(press)
        if last is not None and self.now() - last < self.window:
            return None
        # Noted before the handler runs: the second tap of a double tap arrives while the
        # first is still being handled.
        self._note(press)
        try:
            result = await handler(event, data)
        except BaseException:
            # A press that failed may be tried again at once.
            self._recent.pop(press, None)
            raise
        self._note(press)
        return result

    def _note(self, press: tuple[MessageKey, str, str]) -> None:
        self._recent[press] = self.now()
        self._recent.move_to_end(press)
        while len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)

    @staticmethod
    async def _ask_to_start(data: dict[str, Any]) -> None:
        t: Translator = data["t"]
        bot: Bot = data["bot"]
        me = await bot.me()
        answer: CallbackAnswer = data["callback_answer"]
        answer.text = clip(t("error.open_bot", bot=me.username or ""), CALLBACK_ANSWER_LIMIT)
        answer.show_alert = True
