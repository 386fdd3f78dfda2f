"""Walk-ins: the coordinator lets unregistered people check in by QR or code, or adds someone
without Telegram by name, category and district (they count in the reach report)."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message, ReplyKeyboardRemove

from bot.checkin.service import CheckinService
from bot.people.profile import ProfileInputError, clean_full_name, typed_district
from bot.reference import Reference, ReferenceList
from bot.texts import Translator
from handlers.ui.forms import Draft, Form, FormTexts, Mode, Pressed

EVENT_ID = "event_id"
# The detour of the district step, as in onboarding: a district not on the list, typed.
DISTRICT_OTHER = "district_other"


class WalkinForm(StatesGroup):
    name = State()
    category = State()
    district = State()
    district_other = State()


FORM = Form(
    WalkinForm,
    ("name", "category", "district"),
    FormTexts(cancel="evf.btn.cancel", cancelled="evf.cancelled"),
)
QUESTION = {
    "name": "walkin.ask.name",
    "category": "walkin.ask.category",
    "district": "walkin.ask.district",
    DISTRICT_OTHER: "walkin.ask.district_other",
}


def _items(step: str, reference: Reference) -> ReferenceList | None:
    return {"category": reference.categories, "district": reference.districts}.get(step)


async def ask(message: Message, step: str, t: Translator, reference: Reference) -> None:
    items = _items(step, reference)
    labels = [item.label(t.language) for item in items.items] if items else []
    if step == "district":
        labels.append(t("onb.btn.district_other"))
    text, markup = FORM.prompt(step, Mode.CREATE, t, t(QUESTION[step]), labels)
    await message.answer(text, reply_markup=markup)


async def start_walkin(message: Message, state: FSMContext, t: Translator, event_id: int) -> None:
    step = await FORM.start(state, context={EVENT_ID: event_id})
    text, markup = FORM.prompt(step, Mode.CREATE, t, t(QUESTION[step]))
    await message.answer(text, reply_markup=markup)


async def name_given(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    reference: Reference,
) -> None:
    try:
        name = clean_full_name((message.text or "").strip())
    except ProfileInputError as error:
        await message.answer(t(f"onb.error.{error.reason}"))
        return
    following = await FORM.advance(state, draft, step, name)
    if following is not None:
        await ask(message, following, t, reference)


async def category_chosen(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    reference: Reference,
) -> None:
    chosen = reference.categories.by_label((message.text or "").strip(), t.language)
    if chosen is None:
        await message.answer(t("onb.error.choose_button"))
        return
    following = await FORM.advance(state, draft, step, chosen.code)
    if following is not None:
        await ask(message, following, t, reference)


async def district_other_chosen(
    message: Message, state: FSMContext, t: Translator, reference: Reference
) -> None:
    """The district is not on the list: the form goes on to the step where it is typed."""
    await ask(message, await FORM.move_to(state, DISTRICT_OTHER), t, reference)


async def district_chosen(
    message: Message,
    state: FSMContext,
    draft: Draft,
    t: Translator,
    checkin: CheckinService,
    reference: Reference,
) -> None:
    chosen = reference.districts.by_label((message.text or "").strip(), t.language)
    if chosen is None:
        await message.answer(t("onb.error.choose_button"))
        return
    await finish(message, state, draft, t, checkin, chosen.code)


async def district_typed(
    message: Message, state: FSMContext, draft: Draft, t: Translator, checkin: CheckinService
) -> None:
    try:
        district = typed_district(message.text or "")
    except ProfileInputError as error:
        await message.answer(t(f"onb.error.{error.reason}"))
        return
    await finish(message, state, draft, t, checkin, district)


async def finish(
    message: Message,
    state: FSMContext,
    draft: Draft,
    t: Translator,
    checkin: CheckinService,
    district: str,
) -> None:
    """The last answer: the person is marked present at the form's event."""
    await state.clear()
    name, category = str(draft.answers["name"]), str(draft.answers["category"])
    actor = message.from_user.id if message.from_user else 0
    event = await checkin.add_walkin(int(draft.context[EVENT_ID]), name, category, district, actor)
    if event is None:
        await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
        return
    await message.answer(
        t("walkin.added", name=name, title=event.title(t.language)),
        reply_markup=ReplyKeyboardRemove(),
    )


def build_router() -> Router:
    router = Router(name="admin-walkins")
    FORM.register(router)
    router.message.register(name_given, FORM.at("name"))
    router.message.register(category_chosen, FORM.at("category"))
    router.message.register(
        district_other_chosen, FORM.at("district"), Pressed("onb.btn.district_other")
    )
    router.message.register(district_chosen, FORM.at("district"))
    router.message.register(district_typed, FORM.at(DISTRICT_OTHER))
    return router
