"""/events: upcoming events page by page with district and type filters, and the event card
(also opened straight from a deep link t.me/<bot>?start=e_<code>)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.deeplinks import DeepLink
from bot.errors import StaleButtonError
from bot.events.catalogue import CatalogueFilter, facets, upcoming
from bot.events.model import Event, EventStatus, EventType
from bot.events.store import get_event, get_event_by_code
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.platform.telegram_text import clip, clip_html
from bot.reference import Reference
from bot.registration import store as registrations
from bot.registration.rules import ACTIVE, RegistrationStatus
from bot.texts import Translator
from handlers.ui.callbacks import (
    CatalogueCallback,
    EventAction,
    EventCallback,
    FilterPick,
)
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import card, list_entry, status_text

PAGE_SIZE = 5
TITLE_ON_BUTTON = 40


def _button(text: str, action: EventAction, event_id: int) -> dict[str, Any]:
    return {"text": text, "callback_data": EventCallback(action=action, event_id=event_id).pack()}


def card_keyboard(
    event: Event, mine: RegistrationStatus | None, t: Translator, now: datetime
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    closed_for_signup = now >= event.starts_at or event.status is EventStatus.CANCELLED
    if mine is None or mine not in ACTIVE:
        if event.registration_open(now):
            if event.by_application:
                builder.button(**_button(t("reg.btn.apply"), EventAction.APPLY, event.id))
            else:
                builder.button(**_button(t("reg.btn.register"), EventAction.REGISTER, event.id))
    elif mine is RegistrationStatus.OFFERED and not closed_for_signup:
        builder.button(**_button(t("reg.btn.accept"), EventAction.ACCEPT, event.id))
        builder.button(**_button(t("reg.btn.decline"), EventAction.DECLINE, event.id))
    elif not closed_for_signup:
        if mine is RegistrationStatus.CONFIRMED:
            builder.button(**_button(t("reg.btn.calendar"), EventAction.CALENDAR, event.id))
        builder.button(**_button(t("reg.btn.cancel"), EventAction.CANCEL, event.id))
    builder.button(text=t("cat.btn.to_list"), callback_data=CatalogueCallback())
    builder.adjust(1)
    return builder.as_markup()


async def render_card(
    db: Database,
    event: Event,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup]:
    mine = await registrations.get(db, event.id, user.id)
    status = mine.status if mine else None
    words = None
    if mine is not None:
        position = await registrations.waitlist_position(db, mine)
        words = status_text(mine.status, t, position)
    taken = await registrations.seats_taken(db, event.id)
    text = clip_html(card(event, taken, t, tz, reference, now, words))
    return text, card_keyboard(event, status, t, now)


async def open_event_card(
    message: Message,
    link: DeepLink,
    *,
    db: Database,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    clock: Clock,
    **_: Any,
) -> None:
    event = await get_event_by_code(db, link.code)
    if event is None or not event.listed_for_participants():
        await message.answer(t("link.invalid"))
        return
    text, markup = await render_card(db, event, user, t, tz, reference, clock.now())
    await message.answer(text, reply_markup=markup)


async def catalogue_page(
    db: Database,
    chosen: CatalogueCallback,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup]:
    if chosen.pick is not FilterPick.NONE:
        return await _filter_choices(db, chosen, t, reference, now)
    district = _district_code(chosen.district, reference)
    wanted = CatalogueFilter(district=district, type=chosen.type.value if chosen.type else None)
    page = max(chosen.page, 0)
    listed, total = await upcoming(db, now, wanted, page * PAGE_SIZE, PAGE_SIZE)
    if not listed and page > 0:
        page = 0
        listed, total = await upcoming(db, now, wanted, 0, PAGE_SIZE)
    filtered = bool(district or chosen.type)
    builder = InlineKeyboardBuilder()
    if not listed:
        text = t("cat.empty_filtered" if filtered else "cat.empty")
    else:
        first = page * PAGE_SIZE + 1
        entries = [
            list_entry(first + i, item.event, item.taken, t, tz, reference)
            for i, item in enumerate(listed)
        ]
        heading = t("cat.title", first=first, last=first + len(listed) - 1, total=total)
        text = heading + "\n\n" + "\n\n".join(entries)
        for i, item in enumerate(listed):
            label = clip(f"{first + i}. {item.event.title(t.language)}", TITLE_ON_BUTTON)
            builder.row(
                *InlineKeyboardBuilder()
                .button(**_button(label, EventAction.OPEN, item.event.id))
                .buttons
            )
    nav = []
    if page > 0:
        nav.append(("cat.btn.prev", chosen.model_copy(update={"page": page - 1})))
    if (page + 1) * PAGE_SIZE < total:
        nav.append(("cat.btn.next", chosen.model_copy(update={"page": page + 1})))
    if nav:
        row = InlineKeyboardBuilder()
        for key, data in nav:
            row.button(text=t(key), callback_data=data)
        builder.row(*row.buttons)
    if total > PAGE_SIZE or filtered:
        row = InlineKeyboardBuilder()
        row.button(
            text=t("cat.btn.district"),
            callback_data=chosen.model_copy(update={"pick": FilterPick.DISTRICT, "page": 0}),
        )
        row.button(
            text=t("cat.btn.type"),
            callback_data=chosen.model_copy(update={"pick": FilterPick.TYPE, "page": 0}),
        )
        builder.row(*row.buttons)
    if filtered:
        note = []
        if district:
            note.append(reference.districts.label(district, t.language))
        if chosen.type:
            note.append(t(f"evtype.{chosen.type.value}"))
        text = t("cat.filter_note", filters=", ".join(note)) + "\n" + text
    return clip_html(text), builder.as_markup()


async def _filter_choices(
    db: Database, chosen: CatalogueCallback, t: Translator, reference: Reference, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    districts, types = await facets(db, now)
    builder = InlineKeyboardBuilder()
    base = chosen.model_copy(update={"pick": FilterPick.NONE, "page": 0})
    if chosen.pick is FilterPick.DISTRICT:
        builder.button(
            text=t("cat.btn.all_districts"), callback_data=base.model_copy(update={"district": -1})
        )
        for index, item in enumerate(reference.districts.items):
            if item.code in districts:
                builder.button(
                    text=item.label(t.language),
                    callback_data=base.model_copy(update={"district": index}),
                )
        prompt = t("cat.pick_district")
    else:
        builder.button(
            text=t("cat.btn.all_types"), callback_data=base.model_copy(update={"type": None})
        )
        for event_type in EventType:
            if event_type.value in types:
                builder.button(
                    text=t(f"evtype.{event_type.value}"),
                    callback_data=base.model_copy(update={"type": event_type}),
                )
        prompt = t("cat.pick_type")
    builder.adjust(1)
    return prompt, builder.as_markup()


def _district_code(index: int, reference: Reference) -> str | None:
    items = reference.districts.items
    return items[index].code if 0 <= index < len(items) else None


def build_router() -> Router:
    router = Router(name="catalogue")

    @router.message(Command("events"))
    async def events(
        message: Message,
        db: Database,
        t: Translator,
        tz: ZoneInfo,
        reference: Reference,
        clock: Clock,
    ) -> None:
        text, markup = await catalogue_page(db, CatalogueCallback(), t, tz, reference, clock.now())
        await message.answer(text, reply_markup=markup)

    @router.callback_query(CatalogueCallback.filter(), F.message.as_("message"))
    async def page(
        query: CallbackQuery,
        callback_data: CatalogueCallback,
        message: Message,
        db: Database,
        t: Translator,
        tz: ZoneInfo,
        reference: Reference,
        clock: Clock,
    ) -> None:
        text, markup = await catalogue_page(db, callback_data, t, tz, reference, clock.now())
        await edit_in_place(message, text, markup)

    @router.callback_query(
        EventCallback.filter(F.action == EventAction.OPEN), F.message.as_("message")
    )
    async def open_card(
        query: CallbackQuery,
        callback_data: EventCallback,
        message: Message,
        db: Database,
        user: UserRecord,
        t: Translator,
        tz: ZoneInfo,
        reference: Reference,
        clock: Clock,
        callback_answer: CallbackAnswer,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None or not event.listed_for_participants():
            raise StaleButtonError(query.data or "")
        text, markup = await render_card(db, event, user, t, tz, reference, clock.now())
        await message.answer(text, reply_markup=markup)

    return router
