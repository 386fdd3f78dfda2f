"""A coordinator's message to the registered, waiting or present participants of an event:
write it (text, or a photo or document with a caption), see a preview, confirm, and watch
the sender's counts."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot import audit
from bot.clock import Clock
from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.store import get_event
from bot.notice_queue import NoticeQueue
from bot.notices import NoticeKind
from bot.platform.db import Database
from bot.platform.outbox import Outbox, send
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.platform.telegram_text import utf16_len
from bot.registration import store as registrations_store
from bot.texts import Html, Translator
from handlers.admin.callbacks import MessageCallback, MessageStep
from handlers.ui.editing import edit_in_place

TEXT_LIMIT = 3500  # leaves room for the heading in a 4096-character message
AUDIENCES = {
    MessageStep.CONFIRMED: "confirmed",
    MessageStep.WAITING: "waiting",
    MessageStep.PRESENT: "present",
}
DRAFT = "msg_draft"


class MessageForm(StatesGroup):
    text = State()
    preview = State()


def message_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    data = MessageCallback(step=MessageStep.START, event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("msg.btn.open"), callback_data=data)]


def compose(t: Translator, event: Event, draft: dict[str, str | None]) -> OutgoingMessage:
    heading = t("msg.heading", title=event.title(t.language))
    return OutgoingMessage(
        text=f"{heading}\n\n{Html(draft['text'] or '')}",
        photo=draft.get("photo"),
        document=draft.get("document"),
    )


async def render_coordinator_message(ctx: RenderContext) -> OutgoingMessage | None:
    event = await get_event(ctx.db, int(ctx.payload["event_id"]))
    if event is None:
        return None
    return compose(ctx.t, event, ctx.payload)


def _progress_markup(t: Translator, event_id: int, job_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("msg.btn.refresh"),
        callback_data=MessageCallback(step=MessageStep.PROGRESS, event_id=event_id, job_id=job_id),
    )
    return builder.as_markup()


def build_router() -> Router:
    router = Router(name="admin-messages")

    @router.callback_query(MessageCallback.filter(), F.message.as_("message"))
    async def step(
        query: CallbackQuery,
        callback_data: MessageCallback,
        message: Message,
        db: Database,
        t: Translator,
        clock: Clock,
        state: FSMContext,
        outbox: Outbox,
        notices: NoticeQueue,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None:
            raise StaleButtonError(query.data or "")
        chosen = callback_data.step
        if chosen is MessageStep.START:
            builder = InlineKeyboardBuilder()
            for audience_step, group in AUDIENCES.items():
                count = len(await registrations_store.audience(db, event.id, group))
                builder.button(
                    text=t(f"msg.audience.{group}", n=count),
                    callback_data=MessageCallback(step=audience_step, event_id=event.id),
                )
            builder.adjust(1)
            await message.answer(
                t("msg.who", title=event.title_ru), reply_markup=builder.as_markup()
            )
        elif chosen in AUDIENCES:
            await state.set_state(MessageForm.text)
            await state.update_data({DRAFT: {"event_id": event.id, "group": AUDIENCES[chosen]}})
            await edit_in_place(message, t("msg.ask_text", limit=TEXT_LIMIT))
        elif chosen is MessageStep.DROP:
            await state.clear()
            await edit_in_place(message, t("msg.dropped"))
        elif chosen is MessageStep.SEND:
            draft = (await state.get_data()).get(DRAFT)
            # A Send under an older preview (another event, or text since rewritten) must not
            # send the current draft to that event's people.
            if (
                await state.get_state() != MessageForm.preview.state
                or not draft
                or draft.get("event_id") != event.id
            ):
                raise StaleButtonError(query.data or "")
            await state.clear()
            people = await registrations_store.audience(db, event.id, str(draft["group"]))
            # The message and its audit row are saved together.
            async with db.write() as conn:
                job = await notices.submit(
                    NoticeKind.COORDINATOR_MESSAGE,
                    draft,
                    people,
                    urgent=True,
                    created_by=query.from_user.id,
                    conn=conn,
                )
                await audit.record(
                    conn,
                    query.from_user.id,
                    "message.send",
                    f"event:{event.id}",
                    {"job": job, "recipients": len(people)},
                    clock.now(),
                )
            notices.wake()
            progress = await outbox.progress(job)
            await edit_in_place(
                message,
                t("msg.progress", **progress.__dict__),
                _progress_markup(t, event.id, job),
            )
        elif chosen is MessageStep.PROGRESS:
            progress = await outbox.progress(callback_data.job_id)
            text = t("msg.done" if progress.done else "msg.progress", **progress.__dict__)
            await edit_in_place(
                message,
                text,
                None if progress.done else _progress_markup(t, event.id, callback_data.job_id),
            )

    @router.message(StateFilter(MessageForm.text), ~F.text.startswith("/"))
    async def text(
        message: Message, state: FSMContext, db: Database, t: Translator, bot: Bot
    ) -> None:
        draft = dict((await state.get_data()).get(DRAFT) or {})
        event = await get_event(db, int(draft.get("event_id") or 0))
        if event is None:
            await state.clear()
            await message.answer(t("evf.event_gone"))
            return
        body = message.html_text if (message.text or message.caption) else ""
        if not body and not (message.photo or message.document):
            await message.answer(t("msg.need_text"))
            return
        if utf16_len(body) > TEXT_LIMIT:
            await message.answer(t("msg.too_long", limit=TEXT_LIMIT, length=utf16_len(body)))
            return
        draft.update(
            text=body,
            photo=message.photo[-1].file_id if message.photo else None,
            document=message.document.file_id if message.document else None,
        )
        people = await registrations_store.audience(db, event.id, str(draft["group"]))
        await state.set_state(MessageForm.preview)
        await state.update_data({DRAFT: draft})
        await message.answer(t("msg.preview_head", n=len(people)))
        assert message.from_user is not None
        await send(bot, message.from_user.id, compose(t, event, draft))
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("msg.btn.send"),
            callback_data=MessageCallback(step=MessageStep.SEND, event_id=event.id),
        )
        builder.button(
            text=t("msg.btn.drop"),
            callback_data=MessageCallback(step=MessageStep.DROP, event_id=event.id),
        )
        builder.adjust(1)
        await message.answer(t.plural("msg.confirm", len(people)), reply_markup=builder.as_markup())

    return router
