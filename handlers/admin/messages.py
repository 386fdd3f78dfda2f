"""A coordinator's message to the registered, waiting or present participants of an event:
write it (text, or a photo or document with a caption), see a preview, confirm, and watch
the sender's counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.broadcasts.model import Audience, Content
from bot.broadcasts.service import BroadcastService
from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.service import EventService, event_for_notice
from bot.people.users import UserRecord
from bot.platform.outgoing import OutgoingMessage, RenderContext, send
from bot.platform.telegram_text import utf16_len
from bot.texts import Html, Translator
from handlers.admin.callbacks import MessageCallback, MessageStep
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


def _progress_markup(t: Translator, event_id: int, job_id: int) -> InlineKeyboardMarkup:
    button = _button(t, "msg.btn.refresh", MessageStep.PROGRESS, event_id, job_id)
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


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
    builder.adjust(1)
    text = t("msg.who", title=event.title(t.language))
    await message.answer(text, reply_markup=builder.as_markup())


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
    await state.update_data({DRAFT: {"event_id": event.id, "group": audience.value}})
    await edit_in_place(message, t("msg.ask_text", limit=TEXT_LIMIT))


async def drop_draft(
    query: CallbackQuery, message: Message, event: Event, t: Translator, state: FSMContext
) -> None:
    await state.clear()
    await edit_in_place(message, t("msg.dropped"))


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
    sent = await broadcasts.send(event.id, Audience(draft["group"]), content, query.from_user.id)
    if sent is None:
        raise StaleButtonError(query.data or "")
    progress = await broadcasts.progress(sent.job_id)
    await edit_in_place(
        message, t("msg.progress", **progress.__dict__), _progress_markup(t, event.id, sent.job_id)
    )


async def show_progress(
    query: CallbackQuery,
    callback_data: MessageCallback,
    message: Message,
    event: Event,
    t: Translator,
    broadcasts: BroadcastService,
) -> None:
    progress = await broadcasts.progress(callback_data.job_id)
    if progress.done:
        await edit_in_place(message, t("msg.done", **progress.__dict__))
        return
    markup = _progress_markup(t, event.id, callback_data.job_id)
    await edit_in_place(message, t("msg.progress", **progress.__dict__), markup)


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
    draft = dict((await state.get_data()).get(DRAFT) or {})
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
