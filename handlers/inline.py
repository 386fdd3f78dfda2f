"""Inline mode: "@bot <event code>" in any chat offers the event's card with a button that
opens the registration link. The coordinator's share button (handlers/admin/share.py) types
the query for them. Inline queries come from anyone and belong to no chat, so only published
events are offered: a draft's or a cancelled event's code finds nothing."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from aiogram.utils.deep_linking import create_start_link

from bot.clock import Clock, format_local
from bot.deeplinks import DeepLink, LinkKind
from bot.events.model import Event, EventStatus
from bot.events.service import EventService
from bot.platform.telegram_text import clip, clip_html
from bot.reference import Reference
from bot.texts import Translator
from handlers.ui.event_view import when, where_lines

# An event's code, as the share button types it (the code part of a start payload).
_QUERY = re.compile(r"^([A-Za-z0-9_-]{4,60})$")
# Short: a card that was cancelled or closed since stops being offered soon.
CACHE_SECONDS = 30
DESCRIPTION_LIMIT = 200


async def registration_link(bot: Bot, event: Event) -> str:
    """t.me/<bot>?start=e_<code>: opens the event's card, where people register."""
    return await create_start_link(bot, DeepLink(LinkKind.EVENT, event.code).payload)


def place(event: Event, language: str, reference: Reference) -> str:
    district = reference.districts.label(event.district, language) if event.district else ""
    return ", ".join(part for part in (event.place, district) if part)


def shared_card(
    event: Event, t: Translator, tz: ZoneInfo, clock: Clock, reference: Reference
) -> str:
    """The participant's card without the seats left: the message stays in the chat long
    after they change."""
    lines = [
        t("card.head", title=event.title(t.language), type=t(f"evtype.{event.type.value}")),
        t("card.when", when=when(event, tz)),
        *where_lines(event, t, reference),
    ]
    if not event.registration_open(clock.now()):
        lines.append(t("card.closed"))
    elif event.registration_deadline:
        lines.append(t("card.deadline", deadline=format_local(event.registration_deadline, tz)))
    description = event.description(t.language)
    if description:
        lines.append("\n" + t("card.description", text=description))
    return clip_html("\n".join(lines))


async def offer_card(
    query: InlineQuery,
    bot: Bot,
    t: Translator,
    tz: ZoneInfo,
    clock: Clock,
    reference: Reference,
    events: EventService,
) -> None:
    match = _QUERY.match(query.query.strip())
    event = await events.by_code(match.group(1)) if match else None
    if event is None or event.status is not EventStatus.PUBLISHED:
        await query.answer([], cache_time=CACHE_SECONDS, is_personal=True)
        return
    link = await registration_link(bot, event)
    key = "reg.btn.apply" if event.by_application else "reg.btn.register"
    article = InlineQueryResultArticle(
        id=event.code,
        title=clip(event.title(t.language), 100),
        description=clip(
            " · ".join(p for p in (when(event, tz), place(event, t.language, reference)) if p),
            DESCRIPTION_LIMIT,
        ),
        input_message_content=InputTextMessageContent(
            message_text=shared_card(event, t, tz, clock, reference)
        ),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=t(key), url=link)]]
        ),
    )
    # Personal: the card is in the language of whoever asks.
    await query.answer([article], cache_time=CACHE_SECONDS, is_personal=True)


def build_router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(offer_card)
    return router
