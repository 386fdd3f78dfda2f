"""The event's registration link for the coordinator: t.me/<bot>?start=e_<code> to copy, a
poster PNG of its QR code with the title, date and place under it, and a share button that
posts the event card into any chat through inline mode (handlers/inline.py). Only published
events have one to give: a draft's link would open nothing, a cancelled event's nothing to
register for. This is never the check-in link, which belongs at the entrance only."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer

from bot.events.model import Event, EventStatus
from bot.events.poster import PosterText, poster_png
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, CAPTION_LIMIT, clip, clip_html
from bot.reference import Reference
from bot.texts import Translator
from handlers.admin.callbacks import (
    EventAdminAction,
    EventAdminCallback,
    ShareAction,
    ShareCallback,
)
from handlers.filters import EventFromButton
from handlers.inline import place, registration_link
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import when


def share_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    """On the event screen, once the event is published."""
    if event.status is not EventStatus.PUBLISHED:
        return []
    data = ShareCallback(action=ShareAction.LINK, event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("share.btn.open"), callback_data=data)]


def _published(event: Event, t: Translator, callback_answer: CallbackAnswer) -> bool:
    """An older screen's button of an event since cancelled says so."""
    if event.status is EventStatus.PUBLISHED:
        return True
    key = "share.cancelled" if event.status is EventStatus.CANCELLED else "share.draft"
    callback_answer.text = clip(t(key), CALLBACK_ANSWER_LIMIT)
    callback_answer.show_alert = True
    return False


async def show_link(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    if not _published(event, t, callback_answer):
        return
    link = await registration_link(bot, event)
    poster = ShareCallback(action=ShareAction.POSTER, event_id=event.id).pack()
    back = EventAdminCallback(action=EventAdminAction.OPEN, event_id=event.id).pack()
    rows = [
        [InlineKeyboardButton(text=t("share.btn.copy"), copy_text=CopyTextButton(text=link))],
        [InlineKeyboardButton(text=t("share.btn.poster"), callback_data=poster)],
    ]
    lines = [t("share.link", title=event.title(t.language), link=link)]
    # The share button types "@bot <code>", which does nothing until inline mode is on.
    if (await bot.me()).supports_inline_queries:
        share = InlineKeyboardButton(text=t("share.btn.share"), switch_inline_query=event.code)
        rows.append([share])
        lines.append(t("share.hint"))
    else:
        lines.append(t("share.no_inline"))
    lines.append(t("share.not_checkin"))
    rows.append([InlineKeyboardButton(text=t("adm.btn.back_event"), callback_data=back)])
    markup = InlineKeyboardMarkup(inline_keyboard=rows)
    await edit_in_place(message, "\n".join(lines), markup)


async def send_poster(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    if not _published(event, t, callback_answer):
        return
    link = await registration_link(bot, event)
    text = PosterText(
        title=event.title(t.language),
        when=when(event, tz),
        place=place(event, t.language, reference),
        link=link,
    )
    png = await asyncio.to_thread(poster_png, text)
    caption = t("share.poster.caption", title=event.title(t.language), link=link)
    await message.answer_document(
        BufferedInputFile(png, filename=f"poster-{event.code}.png"),
        caption=clip_html(caption, CAPTION_LIMIT),
    )


def build_router() -> Router:
    router = Router(name="admin-share")
    for handler, action in ((show_link, ShareAction.LINK), (send_poster, ShareAction.POSTER)):
        router.callback_query.register(
            handler,
            ShareCallback.filter(F.action == action),
            F.message.as_("message"),
            EventFromButton(drafts=True),
        )
    return router
