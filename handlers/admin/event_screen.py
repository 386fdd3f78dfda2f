"""An event as the coordinator sees it: details and counts, publish or cancel, edit a field,
the participant list (tap to mark present), and the check-in QR code with its typed code."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.checkin.links import checkin_link
from bot.checkin.participants import ParticipantRow, WalkinRow
from bot.checkin.qr import qr_png
from bot.checkin.rules import window
from bot.checkin.service import CheckinService
from bot.clock import format_local
from bot.errors import StaleButtonError
from bot.events.model import Event, EventStatus
from bot.events.service import EventService
from bot.platform.telegram_text import (
    CALLBACK_ANSWER_LIMIT,
    CAPTION_LIMIT,
    TITLE_ON_BUTTON,
    clip,
    clip_html,
)
from bot.reference import Reference
from bot.registration.rules import RegistrationStatus
from bot.texts import Translator
from handlers.admin import screens
from handlers.admin.audit_log import history_button
from handlers.admin.callbacks import (
    CardCallback,
    EditFieldCallback,
    EventAdminAction,
    EventAdminCallback,
    EventField,
    HistoryScope,
    MarkCallback,
    ProjectAction,
    ProjectCallback,
)
from handlers.admin.menu import EVENT_BUTTONS
from handlers.admin.walkins import start_walkin
from handlers.filters import EventFromButton
from handlers.ui.editing import edit_in_place
from handlers.ui.event_view import when, where_lines

PAGE_SIZE = 10


def _button(
    t: Translator, key: str, action: EventAdminAction, event_id: int, page: int = 0
) -> InlineKeyboardButton:
    data = EventAdminCallback(action=action, event_id=event_id, page=page)
    return InlineKeyboardButton(text=t(key), callback_data=data.pack())


async def event_screen(
    events: EventService, event: Event, t: Translator, tz: ZoneInfo, reference: Reference
) -> tuple[str, InlineKeyboardMarkup]:
    turnout = await events.turnout(event.id)
    counts = turnout.by_status
    lines = [
        t(
            "adm.event.head",
            title=event.title(t.language),
            status=t(f"adm.status.{event.status.value}"),
        ),
        t("card.when", when=when(event, tz)),
        *where_lines(event, t, reference),
    ]
    capacity = str(event.capacity) if event.capacity else t("adm.unlimited")
    lines.append(
        t(
            "adm.event.counts",
            capacity=capacity,
            confirmed=counts.get(RegistrationStatus.CONFIRMED, 0),
            waiting=counts.get(RegistrationStatus.WAITLISTED, 0)
            + counts.get(RegistrationStatus.OFFERED, 0),
            applied=counts.get(RegistrationStatus.APPLIED, 0),
            cancelled=counts.get(RegistrationStatus.CANCELLED, 0),
            present=turnout.present,
        )
    )
    builder = InlineKeyboardBuilder()
    if event.status is EventStatus.DRAFT:
        builder.add(_button(t, "adm.btn.publish", EventAdminAction.PUBLISH, event.id))
    if event.status is not EventStatus.CANCELLED:
        walkins_key = "adm.btn.walkins_off" if event.walkins_allowed else "adm.btn.walkins_on"
        builder.add(
            _button(t, "adm.btn.edit", EventAdminAction.EDIT, event.id),
            _button(t, "adm.btn.list", EventAdminAction.LIST, event.id),
            _button(t, "adm.btn.checkin", EventAdminAction.CHECKIN, event.id),
            _button(t, walkins_key, EventAdminAction.WALKINS, event.id),
            _button(t, "adm.btn.add_walkin", EventAdminAction.ADD_WALKIN, event.id),
        )
        for extra in EVENT_BUTTONS:
            builder.add(*extra(event, t))
        builder.add(_button(t, "adm.btn.cancel_event", EventAdminAction.CANCEL, event.id))
    # A cancelled event keeps its history too: who cancelled it, and when.
    builder.add(history_button(HistoryScope.EVENT, event.id, t))
    builder.button(
        text=t("adm.btn.to_project"),
        callback_data=ProjectCallback(
            action=ProjectAction.OPEN, project_id=event.project_id, event_id=event.id
        ),
    )
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


async def send_event_screen(
    message: Message,
    events: EventService,
    event: Event,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    *,
    retiring: int | None = None,
) -> None:
    """The fresh screen after a typed answer; the screen the answer was asked from
    (`retiring`, a message id) loses its buttons, so only one of them is live."""
    if message.bot is not None:
        await screens.retire(message.bot, message.chat.id, retiring)
    text, markup = await event_screen(events, event, t, tz, reference)
    await message.answer(text, reply_markup=markup)


def _list_line(row: ParticipantRow | WalkinRow, n: int, t: Translator, reference: Reference) -> str:
    if isinstance(row, WalkinRow):
        mark = "✅"
        status = t("adm.list.walkin" if row.user_id is not None else "adm.list.walkin_offline")
    else:
        mark = "✅" if row.present else "▫️"
        status = t(f"plist.status.{row.status.value}")
    return t(
        "adm.list.line",
        n=n,
        mark=mark,
        name=row.full_name or t("adm.list.deleted"),
        status=status,
        category=reference.categories.label(row.category, t.language),
        district=reference.districts.label(row.district, t.language),
    )


def _list_button(
    builder: InlineKeyboardBuilder, row: ParticipantRow, n: int, page: int, *, cards: bool
) -> None:
    """Cards mode: a button per registered person; marking mode: per one still absent."""
    label = clip(f"{'✅' if row.present else '▫️'} {n}. {row.full_name or '—'}", TITLE_ON_BUTTON)
    if cards:
        data: CardCallback | MarkCallback = CardCallback(
            registration_id=row.registration_id, page=page
        )
    elif not row.present and row.full_name:
        data = MarkCallback(registration_id=row.registration_id, page=page)
    else:
        return
    builder.button(text=label, callback_data=data)


async def participant_list(
    checkin: CheckinService,
    event: Event,
    page: int,
    t: Translator,
    reference: Reference,
    *,
    cards: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    """Marking mode: a tap on an absent person marks them present. Cards mode: a tap opens
    the person's card. Walk-ins are listed after the registered, present, with no button."""
    rows, counts = await checkin.participants(event.id, page * PAGE_SIZE, PAGE_SIZE)
    lines = [
        t("adm.list.head", title=event.title(t.language), total=counts.total),
        t("adm.list.counts", present=counts.present, walkins=counts.walkins),
    ]
    builder = InlineKeyboardBuilder()
    for number, row in enumerate(rows, start=page * PAGE_SIZE + 1):
        lines.append(_list_line(row, number, t, reference))
        if isinstance(row, ParticipantRow):
            _list_button(builder, row, number, page, cards=cards)
    mode = EventAdminAction.CARDS if cards else EventAdminAction.LIST
    nav = []
    if page > 0:
        nav.append(_button(t, "cat.btn.prev", mode, event.id, page - 1))
    if (page + 1) * PAGE_SIZE < counts.total:
        nav.append(_button(t, "cat.btn.next", mode, event.id, page + 1))
    other = EventAdminAction.LIST if cards else EventAdminAction.CARDS
    nav.append(_button(t, f"adm.btn.mode_{other.name.lower()}", other, event.id, page))
    builder.adjust(1)
    builder.row(*nav)
    builder.row(_button(t, "adm.btn.back_event", EventAdminAction.OPEN, event.id))
    if counts.total == 0:
        lines.append(t("adm.list.empty"))
    lines.append(t("adm.list.hint_cards" if cards else "adm.list.hint"))
    return clip_html("\n".join(lines)), builder.as_markup()


async def open_screen(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    events: EventService,
) -> None:
    text, markup = await event_screen(events, event, t, tz, reference)
    await edit_in_place(message, text, markup)


async def publish(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    events: EventService,
    callback_answer: CallbackAnswer,
) -> None:
    published = await events.publish(event.id, query.from_user.id)
    if published is None:
        # An older screen's button: a cancelled event is never brought back.
        raise StaleButtonError(query.data or "")
    callback_answer.text = clip(t("adm.published"), CALLBACK_ANSWER_LIMIT)
    text, markup = await event_screen(events, published, t, tz, reference)
    await edit_in_place(message, text, markup)


async def toggle_walkins(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    events: EventService,
) -> None:
    fresh = await events.allow_walkins(event.id, not event.walkins_allowed, query.from_user.id)
    if fresh is None:
        raise StaleButtonError(query.data or "")
    text, markup = await event_screen(events, fresh, t, tz, reference)
    await edit_in_place(message, text, markup)


async def add_walkin(
    query: CallbackQuery, message: Message, event: Event, state: FSMContext, t: Translator
) -> None:
    await start_walkin(message, state, t, event.id)


async def ask_to_cancel(
    query: CallbackQuery, message: Message, event: Event, t: Translator
) -> None:
    builder = InlineKeyboardBuilder()
    builder.add(
        _button(t, "adm.btn.cancel_confirm", EventAdminAction.CANCEL_CONFIRM, event.id),
        _button(t, "adm.btn.keep_event", EventAdminAction.OPEN, event.id),
    )
    builder.adjust(1)
    text = t("adm.cancel_ask", title=event.title(t.language))
    await edit_in_place(message, text, builder.as_markup())


async def cancel(
    query: CallbackQuery, message: Message, event: Event, t: Translator, events: EventService
) -> None:
    told = await events.cancel(event.id, query.from_user.id)
    if told is None:
        raise StaleButtonError(query.data or "")
    title = event.title(t.language)
    builder = InlineKeyboardBuilder()
    builder.add(_button(t, "adm.btn.back_event", EventAdminAction.OPEN, event.id))
    builder.button(
        text=t("adm.btn.to_project"),
        callback_data=ProjectCallback(
            action=ProjectAction.OPEN, project_id=event.project_id, event_id=event.id
        ),
    )
    builder.adjust(1)
    text = t.plural("adm.cancelled", told, title=title)
    await edit_in_place(message, text, builder.as_markup())


async def choose_field(query: CallbackQuery, message: Message, event: Event, t: Translator) -> None:
    builder = InlineKeyboardBuilder()
    for field in EventField:
        builder.button(
            text=t(f"adm.field.{field.value}"),
            callback_data=EditFieldCallback(event_id=event.id, field=field),
        )
    builder.add(_button(t, "adm.btn.back_event", EventAdminAction.OPEN, event.id))
    builder.adjust(2)
    text = t("adm.edit_which", title=event.title(t.language))
    await edit_in_place(message, text, builder.as_markup())


async def show_participants(
    query: CallbackQuery,
    callback_data: EventAdminCallback,
    message: Message,
    event: Event,
    t: Translator,
    reference: Reference,
    checkin: CheckinService,
) -> None:
    cards = callback_data.action is EventAdminAction.CARDS
    text, markup = await participant_list(
        checkin, event, callback_data.page, t, reference, cards=cards
    )
    await edit_in_place(message, text, markup)


async def send_checkin_code(
    query: CallbackQuery, message: Message, event: Event, t: Translator, tz: ZoneInfo, bot: Bot
) -> None:
    link = await create_start_link(bot, checkin_link(event).payload)
    opens, closes = window(event)
    caption = t(
        "adm.checkin.caption",
        title=event.title(t.language),
        code=event.checkin_code or "—",
        opens=format_local(opens, tz),
        closes=format_local(closes, tz),
        link=link,
    )
    await message.answer_photo(
        BufferedInputFile(qr_png(link), filename=f"checkin-{event.code}.png"),
        caption=clip_html(caption, CAPTION_LIMIT),
    )


async def mark(
    query: CallbackQuery,
    callback_data: MarkCallback,
    message: Message,
    t: Translator,
    reference: Reference,
    events: EventService,
    checkin: CheckinService,
    callback_answer: CallbackAnswer,
) -> None:
    marked = await checkin.mark_present(callback_data.registration_id, query.from_user.id)
    event = await events.get(marked.event_id) if marked else None
    if marked is None or event is None:
        raise StaleButtonError(query.data or "")
    callback_answer.text = clip(t(f"ci.coordinator.{marked.result.value}"), CALLBACK_ANSWER_LIMIT)
    text, markup = await participant_list(checkin, event, callback_data.page, t, reference)
    await edit_in_place(message, text, markup)


async def card(
    query: CallbackQuery,
    callback_data: CardCallback,
    message: Message,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    checkin: CheckinService,
) -> None:
    found = await checkin.card(callback_data.registration_id)
    if found is None:
        raise StaleButtonError(query.data or "")
    row, attended = found.person, found.attended
    lines = [
        t(
            "adm.card",
            name=row.full_name or t("adm.list.deleted"),
            phone=row.phone or "—",
            category=reference.categories.label(row.category, t.language),
            district=reference.districts.label(row.district, t.language),
            status=t(f"plist.status.{row.status.value}"),
            registered=format_local(found.registered_at, tz),
        )
    ]
    if found.motivation:
        lines.append(t("adm.card.motivation", text=found.motivation))
    if attended is not None:
        lines.append(
            t(
                "adm.card.present",
                at=format_local(attended.at, tz),
                method=t(f"adm.method.{attended.method.value}"),
            )
        )
    builder = InlineKeyboardBuilder()
    if attended is None and row.full_name:
        builder.button(
            text=t("adm.btn.mark"),
            callback_data=MarkCallback(
                registration_id=row.registration_id, page=callback_data.page
            ),
        )
    builder.add(
        _button(t, "adm.btn.back_list", EventAdminAction.CARDS, found.event_id, callback_data.page)
    )
    builder.adjust(1)
    await edit_in_place(message, "\n".join(lines), builder.as_markup())


def build_router() -> Router:
    router = Router(name="admin-event")
    for handler, actions in (
        (open_screen, {EventAdminAction.OPEN}),
        (publish, {EventAdminAction.PUBLISH}),
        (toggle_walkins, {EventAdminAction.WALKINS}),
        (add_walkin, {EventAdminAction.ADD_WALKIN}),
        (ask_to_cancel, {EventAdminAction.CANCEL}),
        (cancel, {EventAdminAction.CANCEL_CONFIRM}),
        (choose_field, {EventAdminAction.EDIT}),
        (show_participants, {EventAdminAction.LIST, EventAdminAction.CARDS}),
        (send_checkin_code, {EventAdminAction.CHECKIN}),
    ):
        router.callback_query.register(
            handler,
            EventAdminCallback.filter(F.action.in_(actions)),
            F.message.as_("message"),
            EventFromButton(drafts=True),
        )

    router.callback_query.register(mark, MarkCallback.filter(), F.message.as_("message"))
    router.callback_query.register(card, CardCallback.filter(), F.message.as_("message"))
    return router
