"""Consent and the profile form, asked once and reused for every event; the same form edits one
field from /profile.

Every step is one message with a reply keyboard (options, Back, Cancel), asked through
handlers/ui/forms.py, so the form works the same on every phone and a step can be answered by
a tap or by typing. Each answer is saved in the person's profile as it is given, and the step
is the FSM state: a restart finds the form at its step, and a person who cancels is taken back
by /start to the first question they have not answered (bot/people/profile.py).

Where the deployment asks gender and age band (Settings.profile_demographics) the form has
two more optional steps after the district: the same steps on the same states, in a second
form whose order (and so its "Step n of 7") is the longer one.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.people.profile import (
    CODES,
    DEMOGRAPHIC_FIELDS,
    FIELD_ORDER,
    ProfileField,
    ProfileInputError,
    clean_full_name,
    clean_organisation,
    completed,
    field_order,
    is_onboarded,
    normalise_phone,
    resume_field,
    typed_district,
)
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.reference import Reference, ReferenceList
from bot.texts import LANGUAGES, Texts, Translator
from handlers.links import START_PAYLOAD, open_link
from handlers.ui.callbacks import ConsentCallback, ConsentLanguageCallback, LanguageCode
from handlers.ui.editing import edit_in_place, remove_buttons
from handlers.ui.forms import Draft, Form, FormTexts, Mode, Pressed, draft_of
from handlers.ui.profile_view import demographic_label, profile_keyboard, profile_text
from handlers.welcome import show_welcome

# The detour of the district step: the person types a district not on the list.
DISTRICT_OTHER = "district_other"


class ProfileSteps(StatesGroup):
    full_name = State()
    phone = State()
    organisation = State()
    category = State()
    district = State()
    district_other = State()
    gender = State()
    age_band = State()


class ProfileForm(Form):
    """The profile's questions in their order; the typed district is the district's detour:
    Back from it goes to the district list, and the step after it is the district's."""

    def previous(self, step: str) -> str:
        return ProfileField.DISTRICT if step == DISTRICT_OTHER else super().previous(step)

    def next(self, step: str) -> str | None:
        return super().next(ProfileField.DISTRICT if step == DISTRICT_OTHER else step)


def _profile_form(order: tuple[ProfileField, ...]) -> ProfileForm:
    return ProfileForm(
        ProfileSteps,
        [field.value for field in order],
        FormTexts(
            cancel="onb.btn.cancel",
            cancelled="onb.cancelled",
            skip="onb.btn.skip",
            back="onb.btn.back",
            progress="onb.progress",
            edit_cancelled="profile.edit_cancelled",
        ),
        optional={ProfileField.ORGANISATION, *DEMOGRAPHIC_FIELDS},
        back_in_edit=True,
    )


FORM = _profile_form(field_order(demographics=False))
FORM_WITH_DEMOGRAPHICS = _profile_form(field_order(demographics=True))


def form_for(settings: Settings) -> ProfileForm:
    return FORM_WITH_DEMOGRAPHICS if settings.profile_demographics else FORM


class LastStep(Filter):
    """The answer that finishes onboarding: the district (listed or typed), or the age band
    where the deployment asks it."""

    async def __call__(self, message: Message, step: str, settings: Settings) -> bool:
        return form_for(settings).next(step) is None


class StaffSteps(StatesGroup):
    name = State()


# A coordinator's one question: the panel needs a name, not a participant profile.
STAFF_FORM = Form(
    StaffSteps, ["name"], FormTexts(cancel="onb.btn.cancel", cancelled="onb.staff.cancelled")
)


def field_of(step: str) -> ProfileField:
    return ProfileField.DISTRICT if step == DISTRICT_OTHER else ProfileField(step)


def _labels(items: ReferenceList, t: Translator) -> list[str | KeyboardButton]:
    return [item.label(t.language) for item in items.items]


def choices(step: str, t: Translator, reference: Reference) -> list[str | KeyboardButton]:
    """The step's buttons above Skip, Back and Cancel."""
    match step:
        case ProfileField.PHONE:
            return [KeyboardButton(text=t("onb.btn.share_phone"), request_contact=True)]
        case ProfileField.CATEGORY:
            return _labels(reference.categories, t)
        case ProfileField.DISTRICT:
            return [*_labels(reference.districts, t), t("onb.btn.district_other")]
        case ProfileField.GENDER | ProfileField.AGE_BAND:
            field = ProfileField(step)
            return [demographic_label(field, code, t) for code in CODES[field]]
    return []


async def ask(
    message: Message,
    step: str,
    mode: Mode,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    question = t(f"onb.ask.{step}")
    form = form_for(settings)
    text, markup = form.prompt(step, mode, t, question, choices(step, t, reference))
    await message.answer(text, reply_markup=markup)


async def ask_again(
    message: Message,
    error: ProfileInputError,
    step: str,
    mode: Mode,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    await message.answer(t(f"onb.error.{error.reason}"))
    await ask(message, step, mode, t, reference, settings)


def consent_keyboard(t: Translator, *, languages: bool) -> InlineKeyboardMarkup:
    """Agree and decline; `languages`: under them both languages, the one shown ticked, for
    someone whose language the bot took from Telegram and who has not confirmed it."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t("onb.btn.agree"), callback_data=ConsentCallback(accept=True))
    builder.button(text=t("onb.btn.decline"), callback_data=ConsentCallback(accept=False))
    rows = [1, 1]
    if languages:
        for code in sorted(LANGUAGES, key=lambda code: code != t.language):
            mark = "✓ " if code == t.language else ""
            builder.button(
                text=mark + t.texts.of(code)("lang.name"),
                callback_data=ConsentLanguageCallback(code=LanguageCode(code)),
            )
        rows.append(len(LANGUAGES))
    builder.adjust(*rows)
    return builder.as_markup()


async def offer_consent(message: Message, t: Translator, *, languages: bool = False) -> None:
    await message.answer(t("onb.consent"), reply_markup=consent_keyboard(t, languages=languages))


async def consent_language(
    query: CallbackQuery,
    callback_data: ConsentLanguageCallback,
    message: Message,
    user: UserRecord,
    texts: Texts,
    people: PeopleService,
    callback_answer: CallbackAnswer,
) -> None:
    """The language row of the consent screen: the ticked one confirms the language and the
    row goes; the other redraws the screen in it, the row kept to switch back."""
    language = callback_data.code.value
    await people.choose_language(user.id, language)
    t = texts.of(language)
    switched = language != user.language
    callback_answer.text = clip(
        t("lang.changed" if switched else "lang.kept"), CALLBACK_ANSWER_LIMIT
    )
    if user.consent_at is not None:
        await remove_buttons(message)
        return
    await edit_in_place(message, t("onb.consent"), consent_keyboard(t, languages=switched))


async def greet_staff(message: Message, user: UserRecord, state: FSMContext, t: Translator) -> None:
    """A coordinator goes to the panel with a name only; asked for it if the bot has none."""
    if user.full_name:
        await message.answer(t("onb.staff.ready", name=user.full_name))
        return
    await STAFF_FORM.start(state)
    await ask_staff_name(message, t)


async def ask_staff_name(message: Message, t: Translator) -> None:
    text, markup = STAFF_FORM.prompt("name", Mode.CREATE, t, t("onb.staff.ask_name"))
    await message.answer(text, reply_markup=markup)


async def staff_name(
    message: Message, state: FSMContext, t: Translator, user: UserRecord, people: PeopleService
) -> None:
    try:
        name = clean_full_name((message.text or "").strip())
    except ProfileInputError as error:
        await message.answer(t(f"onb.error.{error.reason}"))
        await ask_staff_name(message, t)
        return
    await people.name_coordinator(user.id, t.language, name)
    await state.clear()
    await message.answer(t("onb.staff.ready", name=name), reply_markup=ReplyKeyboardRemove())


async def _link_to_open(state: FSMContext) -> str | None:
    """The link the person came with, to open once onboarding is done: the gate keeps the
    newest in the FSM data (handlers/start.py), and this form carries the one it started with
    in its context, since starting a form replaces the FSM data."""
    data = await state.get_data()
    in_form = FORM.step_of(await state.get_state()) is not None
    carried = draft_of(data).context if in_form else {}
    link = data.get(START_PAYLOAD) or carried.get(START_PAYLOAD)
    return str(link) if link else None


async def start_form(
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    settings: Settings,
    *,
    mode: Mode = Mode.CREATE,
    step: str = FIELD_ORDER[0],
) -> None:
    link = await _link_to_open(state) if mode is Mode.CREATE else None
    context = {START_PAYLOAD: link} if link else {}
    await form_for(settings).start(state, mode=mode, step=step, context=context)
    await ask(message, step, mode, t, reference, settings)


async def resume(
    message: Message,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    """Take a person who has not finished onboarding to the step they are at: the form's step
    while it is on (after a restart too), else the first question not answered yet."""
    if user.consent_at is None:
        await offer_consent(message, t, languages=not user.language_chosen)
        return
    step = FORM.step_of(await state.get_state())
    if step is not None:
        await message.answer(t("onb.resumed"))
        await ask(message, step, draft_of(await state.get_data()).mode, t, reference, settings)
        return
    step = resume_field(user, field_order(settings.profile_demographics))
    if step != FIELD_ORDER[0]:
        await message.answer(t("onb.resumed"))
    await start_form(message, state, t, reference, settings, step=step)


def read_answer(step: str, message: Message, t: Translator, reference: Reference) -> str | None:
    """The value to store for this step; None for a skipped optional field."""
    if step == ProfileField.PHONE:
        return _phone(message)
    text = (message.text or "").strip()
    if not text:
        raise ProfileInputError("need_text")
    # Every step optional in one form is optional in the other.
    if FORM.skipped(step, text, t):
        return None
    match step:
        case ProfileField.FULL_NAME:
            return clean_full_name(text)
        case ProfileField.ORGANISATION:
            return clean_organisation(text)
        case ProfileField.CATEGORY:
            return _pick(text, reference.categories, t)
        case ProfileField.DISTRICT:
            return _pick(text, reference.districts, t)
        case ProfileField.GENDER | ProfileField.AGE_BAND:
            return _demographic(ProfileField(step), text, t)
    return typed_district(text)


def _phone(message: Message) -> str:
    if message.contact is not None:
        sender = message.from_user.id if message.from_user else None
        if message.contact.user_id != sender:
            raise ProfileInputError("contact_not_own")
        return normalise_phone(message.contact.phone_number)
    text = (message.text or "").strip()
    if not text:
        raise ProfileInputError("need_text")
    return normalise_phone(text)


def _demographic(field: ProfileField, text: str, t: Translator) -> str:
    chosen = next(
        (code for code in CODES[field] if demographic_label(field, code, t) == text), None
    )
    if chosen is None:
        raise ProfileInputError("choose_button")
    return chosen


def _pick(text: str, items: ReferenceList, t: Translator) -> str:
    chosen = items.by_label(text, t.language)
    if chosen is None:
        raise ProfileInputError("choose_button")
    return chosen.code


async def consent(
    query: CallbackQuery,
    callback_data: ConsentCallback,
    message: Message,
    user: UserRecord,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    people: PeopleService,
    settings: Settings,
) -> None:
    if is_onboarded(user):
        await remove_buttons(message)
        return
    if not callback_data.accept:
        staff = await people.decline_consent(user.id, t.language)
        await state.clear()
        await edit_in_place(message, t("onb.declined_staff" if staff else "onb.declined"))
        return
    await people.give_consent(user.id, t.language)
    await edit_in_place(message, t("onb.consent_given"))
    step = resume_field(user, field_order(settings.profile_demographics))
    await start_form(message, state, t, reference, settings, step=step)


async def answer(
    message: Message,
    state: FSMContext,
    step: str,
    t: Translator,
    user: UserRecord,
    reference: Reference,
    people: PeopleService,
    settings: Settings,
) -> None:
    """A question of onboarding before the last: the answer is saved, the next one asked."""
    try:
        value = read_answer(step, message, t, reference)
    except ProfileInputError as error:
        await ask_again(message, error, step, Mode.CREATE, t, reference, settings)
        return
    await people.keep_answer(user.id, field_of(step), value)
    following = await form_for(settings).move_on(state, step)
    if following is not None:
        await ask(message, following, Mode.CREATE, t, reference, settings)


async def district_other_chosen(
    message: Message,
    state: FSMContext,
    draft: Draft,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    """The district is not on the list: the form goes on to the step where it is typed."""
    step = await FORM.move_to(state, DISTRICT_OTHER)
    await ask(message, step, draft.mode, t, reference, settings)


async def finish(
    message: Message,
    state: FSMContext,
    step: str,
    t: Translator,
    user: UserRecord,
    reference: Reference,
    people: PeopleService,
    settings: Settings,
    **data: Any,
) -> None:
    """The last answer: the profile is saved, and the link the person came with (if any)
    opens, with this update's handler data."""
    try:
        value = read_answer(step, message, t, reference)
    except ProfileInputError as error:
        await ask_again(message, error, step, Mode.CREATE, t, reference, settings)
        return
    order = field_order(settings.profile_demographics)
    saved = await people.finish_profile(user.id, completed(user, field_of(step), value, order))
    link = await _link_to_open(state)
    await state.clear()
    await message.answer(t("onb.done"), reply_markup=ReplyKeyboardRemove())
    if link is None:
        await show_welcome(message, t, message.from_user.first_name if message.from_user else "")
        return
    handler_data = {
        **data,
        "state": state,
        "t": t,
        "reference": reference,
        "people": people,
        "settings": settings,
    }
    await open_link(message, link, {**handler_data, "user": saved or user})


async def edit_answer(
    message: Message,
    state: FSMContext,
    step: str,
    t: Translator,
    user: UserRecord,
    reference: Reference,
    people: PeopleService,
    settings: Settings,
) -> None:
    """The one field edited from /profile: saved, and the profile shown again."""
    try:
        value = read_answer(step, message, t, reference)
    except ProfileInputError as error:
        await ask_again(message, error, step, Mode.EDIT, t, reference, settings)
        return
    saved = await people.change_profile(user.id, field_of(step), value)
    await state.clear()
    await message.answer(t("profile.saved"), reply_markup=ReplyKeyboardRemove())
    demographics = settings.profile_demographics
    await message.answer(
        profile_text(saved or user, t, reference, demographics=demographics),
        reply_markup=profile_keyboard(t, demographics=demographics),
    )


async def back(
    message: Message,
    state: FSMContext,
    step: str,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    previous = await form_for(settings).back(state, step)
    await ask(message, previous, Mode.CREATE, t, reference, settings)


def build_router() -> Router:
    router = Router(name="onboarding")
    FORM.register(router, back=back, cancel_command="cancel")
    router.callback_query.register(consent, ConsentCallback.filter(), F.message.as_("message"))
    router.callback_query.register(
        consent_language, ConsentLanguageCallback.filter(), F.message.as_("message")
    )
    STAFF_FORM.register(router)
    router.message.register(staff_name, STAFF_FORM.at())
    router.message.register(
        district_other_chosen,
        FORM.at(ProfileField.DISTRICT),
        Pressed("onb.btn.district_other"),
    )
    router.message.register(finish, FORM.at(mode=Mode.CREATE), LastStep())
    router.message.register(answer, FORM.at(mode=Mode.CREATE))
    router.message.register(edit_answer, FORM.at(mode=Mode.EDIT))
    return router
