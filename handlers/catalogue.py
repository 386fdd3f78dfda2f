"""/events: upcoming events page by page with district and type filters, and the event card
(also opened straight from a deep link t.me/<bot>?start=e_<code>)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.deeplinks import DeepLink
from bot.events.model import Event, EventStatus, EventType
from bot.events.service import CataloguePage, EventService
from bot.people.users import UserRecord
from bot.platform.telegram_text import TITLE_ON_BUTTON, clip, clip_html
from bot.reference import Reference
from bot.registration.rules import ACTIVE, RegistrationStatus
from bot.registration.service import RegistrationService
from bot.texts import Translator
from handlers.filters import EventFromButton
from handlers.ui.callbacks import (
    CatalogueCallback,
    EventAction,
    EventCallback,
    FilterPick,
)
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import card, list_entry, status_text

PAGE_SIZE = 5


def _event_button(text: str, action: EventAction, event_id: int) -> InlineKeyboardButton:
    data = EventCallback(action=action, event_id=event_id).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def card_keyboard(
    event: Event, mine: RegistrationStatus | None, t: Translator, now: datetime
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    closed_for_signup = now >= event.starts_at or event.status is EventStatus.CANCELLED
    if mine is None or mine not in ACTIVE:
        if event.registration_open(now):
            if event.by_application:
                builder.add(_event_button(t("reg.btn.apply"), EventAction.APPLY, event.id))
            else:
                builder.add(_event_button(t("reg.btn.register"), EventAction.REGISTER, event.id))
    elif mine is RegistrationStatus.OFFERED and not closed_for_signup:
        builder.add(_event_button(t("reg.btn.accept"), EventAction.ACCEPT, event.id))
        builder.add(_event_button(t("reg.btn.decline"), EventAction.DECLINE, event.id))
    elif not closed_for_signup:
        if mine is RegistrationStatus.CONFIRMED:
            builder.add(_event_button(t("reg.btn.calendar"), EventAction.CALENDAR, event.id))
        builder.add(_event_button(t("reg.btn.cancel"), EventAction.CANCEL, event.id))
    builder.button(text=t("cat.btn.to_list"), callback_data=CatalogueCallback())
    builder.adjust(1)
    return builder.as_markup()


async def render_card(
    event: Event,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    now: datetime,
    registration: RegistrationService,
) -> tuple[str, InlineKeyboardMarkup]:
    standing = await registration.standing(event.id, user.id)
    mine = standing.mine.status if standing.mine else None
    words = status_text(mine, t, standing.position) if mine is not None else None
    text = clip_html(card(event, standing.taken, t, tz, reference, now, words))
    return text, card_keyboard(event, mine, t, now)


async def open_event_card(
    message: Message,
    link: DeepLink,
    *,
    events: EventService,
    registration: RegistrationService,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    clock: Clock,
    **_: Any,
) -> None:
    event = await events.by_code(link.code)
    if event is None or not event.listed_for_participants():
        await message.answer(t("link.invalid"))
        return
    text, markup = await render_card(event, user, t, tz, reference, clock.now(), registration)
    await message.answer(text, reply_markup=markup)


async def catalogue_page(
    events: EventService,
    chosen: CatalogueCallback,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
) -> tuple[str, InlineKeyboardMarkup]:
    district = _district_code(chosen.district, reference)
    shown = await events.catalogue_page(district, chosen.type, max(chosen.page, 0), PAGE_SIZE)
    filtered = bool(district or chosen.type)
    builder = InlineKeyboardBuilder()
    if shown.listed:
        text = _listing(shown, t, tz, reference)
        for button in _open_buttons(shown, t):
            builder.row(button)
    else:
        text = t("cat.empty_filtered" if filtered else "cat.empty")
    nav = _nav_buttons(chosen, shown, t)
    if nav:
        builder.row(*nav)
    if shown.total > PAGE_SIZE or filtered:
        builder.row(*_filter_buttons(chosen, t))
    if filtered:
        text = _filter_note(district, chosen.type, t, reference) + "\n" + text
    return clip_html(text), builder.as_markup()


def _listing(shown: CataloguePage, t: Translator, tz: ZoneInfo, reference: Reference) -> str:
    first = shown.page * PAGE_SIZE + 1
    entries = [
        list_entry(first + i, item.event, item.taken, t, tz, reference)
        for i, item in enumerate(shown.listed)
    ]
    last = first + len(shown.listed) - 1
    heading = t("cat.title", first=first, last=last, total=shown.total)
    return heading + "\n\n" + "\n\n".join(entries)


def _open_buttons(shown: CataloguePage, t: Translator) -> list[InlineKeyboardButton]:
    first = shown.page * PAGE_SIZE + 1
    return [
        _event_button(
            clip(f"{first + i}. {item.event.title(t.language)}", TITLE_ON_BUTTON),
            EventAction.OPEN,
            item.event.id,
        )
        for i, item in enumerate(shown.listed)
    ]


def _nav_buttons(
    chosen: CatalogueCallback, shown: CataloguePage, t: Translator
) -> list[InlineKeyboardButton]:
    nav = []
    if shown.page > 0:
        nav.append(("cat.btn.prev", shown.page - 1))
    if (shown.page + 1) * PAGE_SIZE < shown.total:
        nav.append(("cat.btn.next", shown.page + 1))
    return [
        InlineKeyboardButton(
            text=t(key), callback_data=chosen.model_copy(update={"page": page}).pack()
        )
        for key, page in nav
    ]


def _filter_buttons(chosen: CatalogueCallback, t: Translator) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=t(key), callback_data=chosen.model_copy(update={"pick": pick, "page": 0}).pack()
        )
        for key, pick in (
            ("cat.btn.district", FilterPick.DISTRICT),
            ("cat.btn.type", FilterPick.TYPE),
        )
    ]


def _filter_note(
    district: str | None, event_type: EventType | None, t: Translator, reference: Reference
) -> str:
    note = []
    if district:
        note.append(reference.districts.label(district, t.language))
    if event_type:
        note.append(t(f"evtype.{event_type.value}"))
    return t("cat.filter_note", filters=", ".join(note))


def _district_code(index: int, reference: Reference) -> str | None:
    items = reference.districts.items
    return items[index].code if 0 <= index < len(items) else None


def _picked(chosen: CatalogueCallback, **update: object) -> CatalogueCallback:
    """The listing's first page with one filter changed."""
    return chosen.model_copy(update={"pick": FilterPick.NONE, "page": 0, **update})


async def show_catalogue(
    message: Message, events: EventService, t: Translator, tz: ZoneInfo, reference: Reference
) -> None:
    text, markup = await catalogue_page(events, CatalogueCallback(), t, tz, reference)
    await message.answer(text, reply_markup=markup)


async def turn_page(
    query: CallbackQuery,
    callback_data: CatalogueCallback,
    message: Message,
    events: EventService,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
) -> None:
    text, markup = await catalogue_page(events, callback_data, t, tz, reference)
    await edit_in_place(message, text, markup)


async def pick_district(
    query: CallbackQuery,
    callback_data: CatalogueCallback,
    message: Message,
    events: EventService,
    t: Translator,
    reference: Reference,
) -> None:
    districts, _ = await events.catalogue_facets()
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("cat.btn.all_districts"), callback_data=_picked(callback_data, district=-1)
    )
    for index, item in enumerate(reference.districts.items):
        if item.code in districts:
            builder.button(
                text=item.label(t.language), callback_data=_picked(callback_data, district=index)
            )
    builder.adjust(1)
    await edit_in_place(message, t("cat.pick_district"), builder.as_markup())


async def pick_type(
    query: CallbackQuery,
    callback_data: CatalogueCallback,
    message: Message,
    events: EventService,
    t: Translator,
) -> None:
    _, types = await events.catalogue_facets()
    builder = InlineKeyboardBuilder()
    builder.button(text=t("cat.btn.all_types"), callback_data=_picked(callback_data, type=None))
    for event_type in EventType:
        if event_type.value in types:
            builder.button(
                text=t(f"evtype.{event_type.value}"),
                callback_data=_picked(callback_data, type=event_type),
            )
    builder.adjust(1)
    await edit_in_place(message, t("cat.pick_type"), builder.as_markup())


async def open_card(
    query: CallbackQuery,
    message: Message,
    event: Event,
    user: UserRecord,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    clock: Clock,
    registration: RegistrationService,
) -> None:
    text, markup = await render_card(event, user, t, tz, reference, clock.now(), registration)
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name="catalogue")
    router.message.register(show_catalogue, Command("events"))
    for handler, pick in (
        (turn_page, FilterPick.NONE),
        (pick_district, FilterPick.DISTRICT),
        (pick_type, FilterPick.TYPE),
    ):
        router.callback_query.register(
            handler, CatalogueCallback.filter(F.pick == pick), F.message.as_("message")
        )
    router.callback_query.register(
        open_card,
        EventCallback.filter(F.action == EventAction.OPEN),
        F.message.as_("message"),
        EventFromButton(),
    )
    return router
