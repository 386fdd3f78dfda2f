"""A coordinator's message to the registered, waiting or present participants of an event:
write it (text, or a photo or document with a caption), see a preview, confirm, and watch
the sender's counts: the confirmation becomes the progress message, which the sender keeps
up to date (ProgressBoards, run after each of its batches) until every delivery is done."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.broadcasts.model import Audience, Board, Content
from bot.broadcasts.service import BroadcastService
from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.service import EventService, event_for_notice
from bot.people.users import UserRecord
from bot.platform.outbox_store import JobProgress
from bot.platform.outgoing import OutgoingMessage, RenderContext, send
from bot.platform.telegram_text import utf16_len
from bot.texts import Html, Texts, Translator
from handlers.admin import screens
from handlers.admin.callbacks import (
    EventAdminAction,
    EventAdminCallback,
    MessageCallback,
    MessageStep,
)
from handlers.filters import EventFromButton
from handlers.ui.editing import edit_in_place

TEXT_LIMIT = 3500  # leaves room for the heading in a 4096-character message
AUDIENCES = {
    MessageStep.CONFIRMED: Audience.CONFIRMED,
    MessageStep.WAITING: Audience.WAITING,
    MessageStep.PRESENT: Audience.PRESENT,
}
DRAFT = "msg_draft"


class MessageForm(StatesGroup):
    text = State()
    preview = State()


def message_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    data = MessageCallback(step=MessageStep.START, event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("msg.btn.open"), callback_data=data)]


def compose(t: Translator, event: Event, draft: Mapping[str, Any]) -> OutgoingMessage:
    """The message as each person gets it; `draft` is the job's payload or the draft."""
    heading = t("msg.heading", title=event.title(t.language))
    return OutgoingMessage(
        text=f"{heading}\n\n{Html(draft['text'] or '')}",
        photo=draft.get("photo"),
        document=draft.get("document"),
    )


async def render_coordinator_message(ctx: RenderContext) -> OutgoingMessage | None:
    event = await event_for_notice(ctx.db, int(ctx.payload["event_id"]))
    if event is None:
        return None
    return compose(ctx.t, event, ctx.payload)


def _button(
    t: Translator, key: str, step: MessageStep, event_id: int, job_id: int = 0
) -> InlineKeyboardButton:
    data = MessageCallback(step=step, event_id=event_id, job_id=job_id)
    return InlineKeyboardButton(text=t(key), callback_data=data.pack())


def _back(t: Translator, event_id: int) -> InlineKeyboardButton:
    data = EventAdminCallback(action=EventAdminAction.OPEN, event_id=event_id)
    return InlineKeyboardButton(text=t("adm.btn.back_event"), callback_data=data.pack())


def progress_view(
    t: Translator, event_id: int, progress: JobProgress
) -> tuple[str, InlineKeyboardMarkup]:
    """The progress message; it updates itself, so it needs no refresh button."""
    text = t("msg.done" if progress.done else "msg.progress", **progress.__dict__)
    return text, InlineKeyboardMarkup(inline_keyboard=[[_back(t, event_id)]])


class ProgressBoards:
    """Edits each coordinator's progress message to the latest counts, not more often than
    bot/due_work.py allows and never to what it already shows."""

    def __init__(self, broadcasts: BroadcastService, texts: Texts) -> None:
        self.broadcasts = broadcasts
        self.texts = texts

    async def refresh(self, bot: Bot) -> None:
        for due in await self.broadcasts.boards_due():
            text, markup = progress_view(
                self.texts.of(due.board.language), due.event_id, due.progress
            )
            # The coordinator may have deleted it; the delivery goes on all the same.
            with contextlib.suppress(TelegramBadRequest):
                await bot.edit_message_text(
                    text,
                    chat_id=due.board.chat_id,
                    message_id=due.board.message_id,
                    reply_markup=markup,
                )
            await self.broadcasts.board_shown(due)


async def choose_audience(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    broadcasts: BroadcastService,
) -> None:
    builder = InlineKeyboardBuilder()
    for step, audience in AUDIENCES.items():
        count = await broadcasts.audience_size(event.id, audience)
        builder.button(
            text=t(f"msg.audience.{audience.value}", n=count),
            callback_data=MessageCallback(step=step, event_id=event.id),
        )
    builder.add(_back(t, event.id))
    builder.adjust(1)
    text = t("msg.who", title=event.title(t.language))
    await edit_in_place(message, text, builder.as_markup())


async def start_draft(
    query: CallbackQuery,
    callback_data: MessageCallback,
    message: Message,
    event: Event,
    t: Translator,
    state: FSMContext,
) -> None:
    await state.set_state(MessageForm.text)
    audience = AUDIENCES[callback_data.step]
    await state.update_data(
        {DRAFT: {"event_id": event.id, "group": audience.value}, screens.SCREEN: message.message_id}
    )
    drop = _button(t, "msg.btn.drop", MessageStep.DROP, event.id)
    markup = InlineKeyboardMarkup(inline_keyboard=[[drop]])
    await edit_in_place(message, t("msg.ask_text", limit=TEXT_LIMIT), markup)


async def drop_draft(
    query: CallbackQuery, message: Message, event: Event, t: Translator, state: FSMContext
) -> None:
    await state.clear()
    await edit_in_place(
        message, t("msg.dropped"), InlineKeyboardMarkup(inline_keyboard=[[_back(t, event.id)]])
    )


async def send_draft(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    state: FSMContext,
    broadcasts: BroadcastService,
) -> None:
    draft = (await state.get_data()).get(DRAFT)
    # A Send under an older preview (another event, or text since rewritten) must not send
    # the current draft to that event's people.
    if (
        await state.get_state() != MessageForm.preview.state
        or not draft
        or draft.get("event_id") != event.id
    ):
        raise StaleButtonError(query.data or "")
    await state.clear()
    content = Content(draft["text"] or "", draft.get("photo"), draft.get("document"))
    board = Board(message.chat.id, message.message_id, t.language)
    sent = await broadcasts.send(
        event.id, Audience(draft["group"]), content, query.from_user.id, board
    )
    if sent is None:
        raise StaleButtonError(query.data or "")
    text, markup = progress_view(t, event.id, await broadcasts.progress(sent.job_id))
    await edit_in_place(message, text, markup)


async def show_progress(
    query: CallbackQuery,
    callback_data: MessageCallback,
    message: Message,
    event: Event,
    t: Translator,
    broadcasts: BroadcastService,
) -> None:
    """The refresh button of progress messages sent before they updated themselves."""
    text, markup = progress_view(t, event.id, await broadcasts.progress(callback_data.job_id))
    await edit_in_place(message, text, markup)


def _refusal(t: Translator, message: Message, body: str) -> str | None:
    """Why the coordinator's message cannot be sent as it is, if it cannot."""
    if not body and not (message.photo or message.document):
        return t("msg.need_text")
    if utf16_len(body) > TEXT_LIMIT:
        return t("msg.too_long", limit=TEXT_LIMIT, length=utf16_len(body))
    return None


async def take_draft(
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    bot: Bot,
    events: EventService,
    broadcasts: BroadcastService,
) -> None:
    data = await state.get_data()
    draft = dict(data.get(DRAFT) or {})
    event = await events.get(int(draft.get("event_id") or 0))
    if event is None:
        await state.clear()
        await message.answer(t("evf.event_gone"))
        return
    body = message.html_text if (message.text or message.caption) else ""
    refusal = _refusal(t, message, body)
    if refusal is not None:
        await message.answer(refusal)
        return
    draft.update(
        text=body,
        photo=message.photo[-1].file_id if message.photo else None,
        document=message.document.file_id if message.document else None,
    )
    people = await broadcasts.audience_size(event.id, Audience(draft["group"]))
    await state.set_state(MessageForm.preview)
    await state.update_data({DRAFT: draft})
    await screens.retire(bot, message.chat.id, data.get(screens.SCREEN))
    await message.answer(t("msg.preview_head", n=people))
    await send(bot, user.id, compose(t, event, draft))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t, "msg.btn.send", MessageStep.SEND, event.id)],
            [_button(t, "msg.btn.drop", MessageStep.DROP, event.id)],
        ]
    )
    await message.answer(t.plural("msg.confirm", people), reply_markup=markup)


def build_router() -> Router:
    router = Router(name="admin-messages")
    for handler, steps in (
        (choose_audience, {MessageStep.START}),
        (start_draft, set(AUDIENCES)),
        (drop_draft, {MessageStep.DROP}),
        (send_draft, {MessageStep.SEND}),
        (show_progress, {MessageStep.PROGRESS}),
    ):
        router.callback_query.register(
            handler,
            MessageCallback.filter(F.step.in_(steps)),
            F.message.as_("message"),
            EventFromButton(drafts=True),
        )
    router.message.register(take_draft, StateFilter(MessageForm.text), ~F.text.startswith("/"))
    return router
