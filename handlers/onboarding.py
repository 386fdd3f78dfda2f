"""Consent and the profile form, asked once and reused for every event.

Every step is one message with a reply keyboard (options, Back, Cancel), so the form works the
same on every phone and a step can be answered by a tap or by typing. The answers live in the
FSM (SQLite), so a person who leaves, or a bot restart, finds the form where it stopped.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from bot.people.profile import (
    ProfileField,
    ProfileInputError,
    clean_full_name,
    clean_organisation,
    next_field,
    normalise_phone,
    previous_field,
    typed_district,
)
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.reference import Reference, ReferenceList
from bot.texts import Translator
from handlers.links import START_PAYLOAD, open_link
from handlers.ui.callbacks import ConsentCallback
from handlers.ui.editing import edit_in_place, remove_buttons
from handlers.ui.profile_view import profile_keyboard, profile_text
from handlers.welcome import show_welcome

FORM = "form"
MODE = "mode"
ONBOARDING = "onboarding"
EDIT = "edit"


class ProfileForm(StatesGroup):
    full_name = State()
    phone = State()
    organisation = State()
    category = State()
    district = State()
    district_other = State()


STATE_OF = {field: getattr(ProfileForm, field.value) for field in ProfileField}
FIELD_OF = {state.state: field for field, state in STATE_OF.items()}


def is_onboarded(user: UserRecord) -> bool:
    return user.profile_done_at is not None and user.deleted_at is None


# --- what each step shows ------------------------------------------------------------------


def _choices(items: ReferenceList, t: Translator) -> list[str]:
    return [item.label(t.language) for item in items.items]


def step_keyboard(
    step: State, t: Translator, reference: Reference, *, first: bool
) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    if step == ProfileForm.phone:
        builder.row(KeyboardButton(text=t("onb.btn.share_phone"), request_contact=True))
    elif step == ProfileForm.organisation:
        builder.row(KeyboardButton(text=t("onb.btn.skip")))
    elif step in (ProfileForm.category, ProfileForm.district):
        items = reference.categories if step == ProfileForm.category else reference.districts
        labels = _choices(items, t)
        if step == ProfileForm.district:
            labels.append(t("onb.btn.district_other"))
        for index in range(0, len(labels), 2):
            builder.row(*(KeyboardButton(text=label) for label in labels[index : index + 2]))
    nav = [KeyboardButton(text=t("onb.btn.cancel"))]
    if not first:
        nav.insert(0, KeyboardButton(text=t("onb.btn.back")))
    builder.row(*nav)
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


async def ask(
    message: Message, step: State, t: Translator, reference: Reference, *, mode: str
) -> None:
    key = f"onb.ask.{step.state.split(':')[-1] if step.state else ''}"
    first = mode == ONBOARDING and step == ProfileForm.full_name
    progress = ""
    if mode == ONBOARDING and step != ProfileForm.district_other:
        number = list(STATE_OF.values()).index(step) + 1
        progress = t("onb.progress", n=number, total=len(STATE_OF)) + "\n"
    await message.answer(
        progress + t(key), reply_markup=step_keyboard(step, t, reference, first=first)
    )


async def offer_consent(message: Message, t: Translator) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("onb.btn.agree"), callback_data=ConsentCallback(accept=True))
    builder.button(text=t("onb.btn.decline"), callback_data=ConsentCallback(accept=False))
    builder.adjust(1)
    await message.answer(t("onb.consent"), reply_markup=builder.as_markup())


async def start_form(
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    *,
    mode: str,
    step: State = ProfileForm.full_name,
) -> None:
    await state.set_state(step)
    await state.update_data({MODE: mode})
    await ask(message, step, t, reference, mode=mode)


async def resume(
    message: Message, user: UserRecord, state: FSMContext, t: Translator, reference: Reference
) -> None:
    """Take a person who has not finished onboarding to the step they are at."""
    if user.consent_at is None:
        await offer_consent(message, t)
        return
    current = await state.get_state()
    data = await state.get_data()
    if current in FIELD_OF or current == ProfileForm.district_other.state:
        step = (
            ProfileForm.district_other
            if current == ProfileForm.district_other.state
            else (STATE_OF[FIELD_OF[current]])
        )
        await message.answer(t("onb.resumed"))
        await ask(message, step, t, reference, mode=data.get(MODE, ONBOARDING))
        return
    await start_form(message, state, t, reference, mode=ONBOARDING)


# --- reading one answer ------------------------------------------------------------------------


class TypedDistrictChosen(Exception):
    """The person picked "other district": the form goes on to the step where they type it."""


def _pick(text: str, items: ReferenceList, t: Translator) -> str:
    for item in items.items:
        if text == item.label(t.language):
            return item.code
    raise ProfileInputError("choose_button")


def read_answer(step: State, message: Message, t: Translator, reference: Reference) -> str | None:
    """The value to store for this step; None for a skipped optional field."""
    text = (message.text or "").strip()
    if step == ProfileForm.phone:
        if message.contact is not None:
            sender = message.from_user.id if message.from_user else None
            if message.contact.user_id != sender:
                raise ProfileInputError("contact_not_own")
            return normalise_phone(message.contact.phone_number)
        if not text:
            raise ProfileInputError("need_text")
        return normalise_phone(text)
    if not text:
        raise ProfileInputError("need_text")
    if step == ProfileForm.full_name:
        return clean_full_name(text)
    if step == ProfileForm.organisation:
        return None if text == t("onb.btn.skip") else clean_organisation(text)
    if step == ProfileForm.category:
        return _pick(text, reference.categories, t)
    if step == ProfileForm.district:
        if text == t("onb.btn.district_other"):
            raise TypedDistrictChosen
        return _pick(text, reference.districts, t)
    return typed_district(text)


# --- the handlers ------------------------------------------------------------------------------


async def consent(
    query: CallbackQuery,
    callback_data: ConsentCallback,
    message: Message,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    people: PeopleService,
) -> None:
    if is_onboarded(user):
        await remove_buttons(message)
        return
    if not callback_data.accept:
        await edit_in_place(message, t("onb.declined"))
        await state.clear()
        return
    await people.give_consent(user.id, t.language)
    await edit_in_place(message, t("onb.consent_given"))
    await start_form(message, state, t, reference, mode=ONBOARDING)


async def form_input(
    message: Message,
    state: FSMContext,
    t: Translator,
    user: UserRecord,
    reference: Reference,
    people: PeopleService,
    **data: Any,
) -> None:
    current = await state.get_state()
    step = next(s for s in ProfileForm.__states__ if s.state == current)
    stored = await state.get_data()
    mode = stored.get(MODE, ONBOARDING)
    text = (message.text or "").strip()
    if text == t("onb.btn.cancel"):
        await cancel(message, state, t, mode)
        return
    if text == t("onb.btn.back"):
        await go_back(message, state, step, t, reference, mode)
        return
    try:
        value = read_answer(step, message, t, reference)
    except TypedDistrictChosen:
        await state.set_state(ProfileForm.district_other)
        await ask(message, ProfileForm.district_other, t, reference, mode=mode)
        return
    except ProfileInputError as error:
        await message.answer(t(f"onb.error.{error.reason}"))
        await ask(message, step, t, reference, mode=mode)
        return
    field = ProfileField.DISTRICT if step == ProfileForm.district_other else FIELD_OF[current]
    if mode == EDIT:
        saved = await people.change_profile(user.id, field, value)
        await state.clear()
        await message.answer(t("profile.saved"), reply_markup=ReplyKeyboardRemove())
        await message.answer(
            profile_text(saved or user, t, reference), reply_markup=profile_keyboard(t)
        )
        return
    form = {**stored.get(FORM, {}), field.value: value}
    following = next_field(field)
    if following is None:
        deps = {**data, "reference": reference, "people": people, "state": state, "t": t}
        await finish(message, user, form, stored.get(START_PAYLOAD), deps)
        return
    await state.update_data({FORM: form})
    await state.set_state(STATE_OF[following])
    await ask(message, STATE_OF[following], t, reference, mode=mode)


async def finish(
    message: Message,
    user: UserRecord,
    form: dict[str, str | None],
    payload: str | None,
    deps: dict[str, Any],
) -> None:
    """The last answer is in: the profile is saved, and the link the person came with (if
    any) opens, with the handler kwargs `deps`."""
    people: PeopleService = deps["people"]
    state: FSMContext = deps["state"]
    t: Translator = deps["t"]
    saved = await people.finish_profile(user.id, {f: form.get(f.value) for f in ProfileField})
    await state.clear()
    await message.answer(t("onb.done"), reply_markup=ReplyKeyboardRemove())
    if payload:
        await open_link(message, payload, {**deps, "user": saved or user})
    else:
        await show_welcome(message, t, user_first_name(message))


async def cancel_command(message: Message, state: FSMContext, t: Translator) -> None:
    mode = (await state.get_data()).get(MODE, ONBOARDING)
    await cancel(message, state, t, mode)


async def cancel(message: Message, state: FSMContext, t: Translator, mode: str) -> None:
    await state.clear()
    key = "profile.edit_cancelled" if mode == EDIT else "onb.cancelled"
    await message.answer(t(key), reply_markup=ReplyKeyboardRemove())


async def go_back(
    message: Message,
    state: FSMContext,
    step: State,
    t: Translator,
    reference: Reference,
    mode: str,
) -> None:
    if mode == EDIT:
        await cancel(message, state, t, mode)
        return
    if step == ProfileForm.district_other:
        target: State | None = ProfileForm.district
    else:
        previous = previous_field(FIELD_OF[step.state or ""])
        target = STATE_OF[previous] if previous else None
    if target is None:
        await ask(message, step, t, reference, mode=mode)
        return
    await state.set_state(target)
    await ask(message, target, t, reference, mode=mode)


def build_router() -> Router:
    router = Router(name="onboarding")
    router.callback_query.register(consent, ConsentCallback.filter(), F.message.as_("message"))
    router.message.register(form_input, StateFilter(ProfileForm), ~F.text.startswith("/"))
    router.message.register(cancel_command, StateFilter(ProfileForm), Command("cancel"))
    return router


def user_first_name(message: Message) -> str:
    return message.from_user.first_name if message.from_user else ""
