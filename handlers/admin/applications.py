"""Events by application: the coordinator reads each applicant's profile and motivation and
approves (within capacity), keeps in reserve or rejects; applicants are told the decision."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.service import EventService
from bot.people.users import UserRecord
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip, clip_html, utf16_len
from bot.reference import Reference
from bot.registration.rules import (
    APPROVE_FIRST_MAX,
    DecisionResult,
    RegistrationStatus,
    seats_can_move,
    seats_left,
)
from bot.registration.service import Approved, RegistrationService, decision_due
from bot.texts import Html, Translator
from handlers.admin import screens
from handlers.admin.callbacks import (
    ApplicationCallback,
    ApplicationsCallback,
    Decision,
    EventAdminAction,
    EventAdminCallback,
)
from handlers.filters import EventFromButton
from handlers.ui.editing import edit_in_place

APPROVE_EVENT = "approve_event"


class ApproveFirst(StatesGroup):
    count = State()


DECIDED = {
    Decision.APPROVE: RegistrationStatus.CONFIRMED,
    Decision.RESERVE: RegistrationStatus.RESERVE,
    Decision.REJECT: RegistrationStatus.REJECTED,
}
SHOWN = 8
# The names of those approved together, within one message whatever their number.
NAMES_BUDGET = 3500


def applications_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    if not event.by_application:
        return []
    return [
        InlineKeyboardButton(
            text=t("app.btn.open"),
            callback_data=ApplicationsCallback(event_id=event.id).pack(),
        )
    ]


def _decision_buttons(
    number: int, registration_id: int, status: RegistrationStatus, t: Translator
) -> list[InlineKeyboardButton]:
    """Approve, reserve and reject for the numbered applicant; one already in reserve is not
    offered the reserve again."""
    return [
        InlineKeyboardButton(
            text=f"{number}. {t(key)}",
            callback_data=ApplicationCallback(
                registration_id=registration_id, decision=decision
            ).pack(),
        )
        for decision, key in (
            (Decision.APPROVE, "app.btn.approve"),
            (Decision.RESERVE, "app.btn.reserve"),
            (Decision.REJECT, "app.btn.reject"),
        )
        if not (decision is Decision.RESERVE and status is RegistrationStatus.RESERVE)
    ]


async def applications_screen(
    event: Event, t: Translator, reference: Reference, registration: RegistrationService
) -> tuple[str, InlineKeyboardMarkup]:
    people = await registration.applicants(event.id)
    taken = await registration.seats_taken(event.id)
    capacity = str(event.capacity) if event.capacity else "∞"
    lines = [t("app.head", title=event.title(t.language), taken=taken, capacity=capacity)]
    builder = InlineKeyboardBuilder()
    for number, person in enumerate(people[:SHOWN], start=1):
        lines.append(
            t(
                "app.line",
                n=number,
                name=person.full_name or "—",
                status=t(f"plist.status.{person.status.value}"),
                category=reference.categories.label(person.category, t.language),
                district=reference.districts.label(person.district, t.language),
                organisation=person.organisation or "—",
                motivation=clip(person.motivation or "—", 300),
            )
        )
        builder.row(*_decision_buttons(number, person.registration_id, person.status, t))
    if not people:
        lines.append(t("app.none"))
    elif len(people) > SHOWN:
        lines.append(t("app.more", n=len(people) - SHOWN))
    if people:
        builder.row(
            InlineKeyboardButton(
                text=t("app.btn.approve_in_order"),
                callback_data=ApplicationsCallback(event_id=event.id, approve_all=True).pack(),
            )
        )
    builder.row(
        InlineKeyboardButton(
            text=t("adm.btn.back_event"),
            callback_data=EventAdminCallback(
                action=EventAdminAction.OPEN, event_id=event.id
            ).pack(),
        )
    )
    return clip_html("\n\n".join(lines)), builder.as_markup()


async def render_decision(ctx: RenderContext) -> OutgoingMessage | None:
    status = str(ctx.payload["status"])
    event = await decision_due(ctx.db, int(ctx.payload["event_id"]), ctx.user.id, status)
    if event is None:
        return None
    t = ctx.t
    return OutgoingMessage(text=t(f"app.told.{status}", title=event.title(t.language)))


def approved_names(t: Translator, people: list[Approved], budget: int = NAMES_BUDGET) -> str:
    """The names, in the order approved, as many as fit in `budget` (escaped HTML), then how
    many more."""
    shown: list[str] = []
    used = 0
    for person in people:
        name = html.escape(person.full_name or t("adm.list.deleted"), quote=False)
        used += utf16_len(name) + 2
        if used > budget:
            break
        shown.append(name)
    text = ", ".join(shown)
    rest = len(people) - len(shown)
    if rest:
        text += " " + t.plural("app.approved_more", rest)
    return text


def _ask_markup(t: Translator, event: Event) -> InlineKeyboardMarkup:
    back = InlineKeyboardButton(
        text=t("app.btn.back"), callback_data=ApplicationsCallback(event_id=event.id).pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[back]])


async def show_applications(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    state: FSMContext,
    reference: Reference,
    registration: RegistrationService,
) -> None:
    # Back from "how many?": the number is no longer awaited.
    if await state.get_state() == ApproveFirst.count.state:
        await state.clear()
    text, markup = await applications_screen(event, t, reference, registration)
    await edit_in_place(message, text, markup)


async def ask_how_many(
    query: CallbackQuery,
    message: Message,
    event: Event,
    t: Translator,
    state: FSMContext,
    registration: RegistrationService,
) -> None:
    await state.set_state(ApproveFirst.count)
    await state.update_data({APPROVE_EVENT: event.id, screens.SCREEN: message.message_id})
    free = seats_left(event.capacity, await registration.seats_taken(event.id))
    text = t("app.ask_n", free=free if free is not None else "∞")
    await edit_in_place(message, text, _ask_markup(t, event))


async def decide(
    query: CallbackQuery,
    callback_data: ApplicationCallback,
    message: Message,
    t: Translator,
    reference: Reference,
    events: EventService,
    registration: RegistrationService,
    callback_answer: CallbackAnswer,
) -> None:
    status = DECIDED[callback_data.decision]
    decision = await registration.decide(callback_data.registration_id, status, query.from_user.id)
    if decision.registration is None:
        raise StaleButtonError(query.data or "")
    callback_answer.text = clip(t(f"app.result.{decision.result.value}"), CALLBACK_ANSWER_LIMIT)
    callback_answer.show_alert = decision.result is DecisionResult.FULL
    event = await events.get(decision.registration.event_id)
    if event is not None:
        text, markup = await applications_screen(event, t, reference, registration)
        await edit_in_place(message, text, markup)


async def approve_first(
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    bot: Bot,
    reference: Reference,
    clock: Clock,
    events: EventService,
    registration: RegistrationService,
) -> None:
    data = await state.get_data()
    event = await events.get(int(data.get(APPROVE_EVENT) or 0))
    if event is None:
        await state.clear()
        await message.answer(t("evf.event_gone"))
        return
    text = (message.text or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= APPROVE_FIRST_MAX:
        await message.answer(t("app.n_format"))
        return
    count = int(text)
    if not seats_can_move(event, clock.now()):
        await state.clear()
        await message.answer(t("app.result.closed"))
        return
    free = seats_left(event.capacity, await registration.seats_taken(event.id))
    if free is not None and count > free:
        await message.answer(t("app.n_beyond", n=count, free=free))
        return
    await state.clear()
    await screens.retire(bot, message.chat.id, data.get(screens.SCREEN))
    approved = await registration.approve_first(event.id, count, user.id)
    result = t.plural("app.approved_n", len(approved))
    if approved:
        result += "\n" + t("app.approved_who", names=Html(approved_names(t, approved)))
    await message.answer(result)
    screen, markup = await applications_screen(event, t, reference, registration)
    await message.answer(screen, reply_markup=markup)


def build_router() -> Router:
    router = Router(name="admin-applications")
    for handler, approve_all in ((show_applications, False), (ask_how_many, True)):
        router.callback_query.register(
            handler,
            ApplicationsCallback.filter(F.approve_all == approve_all),
            F.message.as_("message"),
            EventFromButton(drafts=True),
        )
    router.callback_query.register(decide, ApplicationCallback.filter(), F.message.as_("message"))
    router.message.register(approve_first, StateFilter(ApproveFirst.count), ~F.text.startswith("/"))
    return router
