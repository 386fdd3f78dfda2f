"""The coordinator's step-by-step event form, also used to edit one field of an event.

Like the participant's profile form, every step is one message with a reply keyboard
(choices, Skip where optional, Back, Cancel), asked through handlers/ui/forms.py; the answers
live in the FSM, so the form survives a restart; a bad answer gets the reason and the same
question. A new event ends on a review page: every answer, each changed with one tap, then
Save. What an answer may be is bot/events/form.py's; the buttons are read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot.clock import Clock, format_local
from bot.events.form import (
    CREATE_ORDER,
    OPTIONAL_FIELDS,
    EventField,
    FormInputError,
    Known,
    answer_to_json,
    parse_field,
    typed_answers,
)
from bot.events.model import DEFAULT_REMINDER_MINUTES, Event, EventType
from bot.events.service import EditRefused, EventService
from bot.platform.telegram_text import clip, clip_html
from bot.reference import Reference
from bot.texts import Translator
from handlers.admin import screens
from handlers.admin.callbacks import EditFieldCallback
from handlers.admin.event_screen import send_event_screen
from handlers.filters import EventFromButton
from handlers.ui.forms import Draft, Form, FormTexts, Mode, draft_of
from surveys.templates import SurveyTemplate

PUBLISH = "publish"  # the last step of a new event: publish it now or keep it a draft
REVIEW = "review"  # every answer of a new event, before it is saved
DESCRIPTION_ON_REVIEW = 300  # characters of a description the review page shows
PROJECT_ID, EVENT_ID = "project_id", "event_id"


class EventForm(StatesGroup):
    """One state per step, named by the EventField values (and the last step, publish)."""

    title_ru = State()
    title_kk = State()
    description_ru = State()
    description_kk = State()
    type = State()
    starts_at = State()
    ends_at = State()
    place = State()
    district = State()
    capacity = State()
    registration_deadline = State()
    by_application = State()
    reminder_minutes = State()
    survey_template = State()
    survey_anonymous = State()
    survey_timing = State()
    checkin_margin_minutes = State()
    publish = State()
    review = State()


FORM = Form(
    EventForm,
    (*(field.value for field in CREATE_ORDER), PUBLISH),
    FormTexts(
        cancel="evf.btn.cancel",
        cancelled="evf.cancelled",
        skip="evf.btn.skip",
        back="evf.btn.back",
        progress="evf.progress",
    ),
    optional={field.value for field in OPTIONAL_FIELDS},
    review=REVIEW,
    # Named or anonymous means nothing for an event without a questionnaire.
    asked_when={
        EventField.SURVEY_ANONYMOUS.value: lambda answers: (
            answers.get(EventField.SURVEY_TEMPLATE.value) is not None
        )
    },
)


def buttons(
    step: str, t: Translator, reference: Reference, templates: dict[str, SurveyTemplate]
) -> dict[str, object]:
    """The step's reply buttons, each label with the answer it stands for."""
    match step:
        case EventField.TYPE:
            return {t(f"evtype.{kind.value}"): kind for kind in EventType}
        case EventField.DISTRICT:
            return {item.label(t.language): item.code for item in reference.districts.items}
        case EventField.CAPACITY:
            return {t("evf.btn.unlimited"): None}
        case EventField.BY_APPLICATION:
            return {t("evf.btn.open"): False, t("evf.btn.by_application"): True}
        case EventField.REMINDERS:
            return {t("evf.btn.default_reminders"): DEFAULT_REMINDER_MINUTES}
        case EventField.SURVEY_TEMPLATE:
            titles = {template.title[t.language]: template.id for template in templates.values()}
            return {**titles, t("evf.btn.no_survey"): None}
        case EventField.SURVEY_ANONYMOUS:
            return {t("evf.btn.named"): False, t("evf.btn.anonymous"): True}
        case "publish":
            return {t("evf.btn.publish"): True, t("evf.btn.draft"): False}
    return {}


def read(
    step: str,
    message: Message,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
    known: Known,
) -> object:
    """The answer, typed: None for Skip, a button's meaning, or what was typed, parsed;
    FormInputError with the reason otherwise."""
    text = (message.text or "").strip()
    if not text:
        raise FormInputError("need_text")
    if FORM.skipped(step, text, t):
        return None
    choices = buttons(step, t, reference, templates)
    if text in choices:
        return choices[text]
    if step == PUBLISH:
        raise FormInputError("choose_button")
    return parse_field(EventField(step), text, known)


async def ask(
    message: Message,
    step: str,
    mode: Mode,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
) -> None:
    labels = list(buttons(step, t, reference, templates))
    text, markup = FORM.prompt(step, mode, t, t(f"evf.ask.{step}"), labels)
    await message.answer(text, reply_markup=markup)


def _minutes_text(minutes: int, t: Translator) -> str:
    if minutes % 1440 == 0 and minutes >= 2 * 1440:  # "24 ч" reads better than "1 д"
        return t("evf.unit.days", n=minutes // 1440)
    if minutes % 60 == 0:
        return t("evf.unit.hours", n=minutes // 60)
    return t("evf.unit.minutes", n=minutes)


def _label_of(choices: Mapping[str, object], value: object) -> str | None:
    return next((label for label, meaning in choices.items() if meaning == value), None)


def _value_text(
    step: str,
    value: object,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
) -> str:
    """An answer as the review page shows it: a button's label, a local time, a clipped
    description, or a dash for a skipped step."""
    label = _label_of(buttons(step, t, reference, templates), value)
    if label is not None:
        return label
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_local(value, tz)
    if isinstance(value, tuple):  # the reminders
        return ", ".join(_minutes_text(int(minutes), t) for minutes in value)
    if step == EventField.TYPE:
        return t(f"evtype.{value}")
    if step == EventField.DISTRICT:
        return reference.districts.label(str(value), t.language)
    return clip(str(value), DESCRIPTION_ON_REVIEW)


def _field_label(step: str, t: Translator) -> str:
    return t("evf.field.publish") if step == PUBLISH else t(f"adm.field.{step}")


def review_buttons(answers: Mapping[str, Any], t: Translator) -> dict[str, str]:
    """The review's "change" buttons, each label with the step it asks again."""
    return {
        t("evf.btn.change", field=_field_label(step, t)): step
        for step in FORM.order
        if FORM.asks(step, answers)
    }


async def show_review(
    message: Message,
    state: FSMContext,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
) -> None:
    answers = draft_of(await state.get_data()).answers
    typed: dict[str, object] = {
        **{field.value: value for field, value in typed_answers(answers).items()},
        PUBLISH: answers.get(PUBLISH),
    }
    lines = [
        t(
            "evf.review.line",
            field=_field_label(step, t),
            value=_value_text(step, typed.get(step), t, tz, reference, templates),
        )
        for step in FORM.order
        if FORM.asks(step, answers)
    ]
    text = "\n".join([t("evf.review.head"), "", *lines, "", t("evf.review.hint")])
    labels = list(review_buttons(answers, t))
    text, markup = FORM.prompt(
        REVIEW, Mode.CREATE, t, clip_html(text), labels, last_row=[t("evf.btn.save")]
    )
    await message.answer(text, reply_markup=markup)


async def show(
    message: Message,
    state: FSMContext,
    step: str,
    mode: Mode,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
) -> None:
    """The step's question, or the review page."""
    if step == REVIEW:
        await show_review(message, state, t, tz, reference, templates)
    else:
        await ask(message, step, mode, t, reference, templates)


async def ask_again(
    message: Message,
    reason: str,
    step: str,
    mode: Mode,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
) -> None:
    await message.answer(reason)
    await ask(message, step, mode, t, reference, templates)


async def start_create(
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
    project_id: int,
) -> None:
    step = await FORM.start(state, context={PROJECT_ID: project_id})
    await ask(message, step, Mode.CREATE, t, reference, templates)


async def edit_field(
    query: CallbackQuery,
    callback_data: EditFieldCallback,
    message: Message,
    event: Event,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
) -> None:
    context = {EVENT_ID: event.id, screens.SCREEN: message.message_id}
    step = await FORM.start(state, mode=Mode.EDIT, step=callback_data.field.value, context=context)
    await ask(message, step, Mode.EDIT, t, reference, survey_templates)


async def back(
    message: Message,
    state: FSMContext,
    step: str,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
) -> None:
    previous = await FORM.back(state, step)
    mode = draft_of(await state.get_data()).mode
    await show(message, state, previous, mode, t, tz, reference, survey_templates)


def _known_for_new(draft: Draft, tz: ZoneInfo, now: datetime) -> Known:
    starts_at = typed_answers(draft.answers).get(EventField.STARTS_AT)
    return Known(tz, now, starts_at if isinstance(starts_at, datetime) else None)


def _made_wrong(step: str, value: object, draft: Draft) -> set[str]:
    """The answers a new start makes wrong (an end before it, a deadline after it), to be
    asked again after a revision."""
    if step != EventField.STARTS_AT or not isinstance(value, datetime):
        return set()
    typed = typed_answers(draft.answers)
    end, deadline = typed.get(EventField.ENDS_AT), typed.get(EventField.DEADLINE)
    wrong = set()
    if isinstance(end, datetime) and end <= value:
        wrong.add(EventField.ENDS_AT.value)
    if isinstance(deadline, datetime) and deadline >= value:
        wrong.add(EventField.DEADLINE.value)
    return wrong


async def answer(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    tz: ZoneInfo,
    clock: Clock,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
) -> None:
    """A step of a new event, asked in order or again from the review page."""
    known = _known_for_new(draft, tz, clock.now())
    try:
        value = read(step, message, t, reference, survey_templates, known)
    except FormInputError as error:
        reason = t(f"evf.error.{error.reason}")
        await ask_again(message, reason, step, draft.mode, t, reference, survey_templates)
        return
    forget = _made_wrong(step, value, draft) if draft.mode is Mode.REVISE else set()
    following = await FORM.advance(state, draft, step, answer_to_json(value), forget=forget)
    if following is not None:
        mode = draft_of(await state.get_data()).mode
        await show(message, state, following, mode, t, tz, reference, survey_templates)


async def review_chosen(
    message: Message,
    state: FSMContext,
    draft: Draft,
    t: Translator,
    tz: ZoneInfo,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
    events: EventService,
) -> None:
    """On the review page: an answer to change, or Save, which creates the event."""
    text = (message.text or "").strip()
    changes = review_buttons(draft.answers, t)
    missing = FORM.missing(draft.answers)
    if text in changes or (text == t("evf.btn.save") and missing is not None):
        step = await FORM.revise(state, changes.get(text) or str(missing))
        await ask(message, step, Mode.REVISE, t, reference, survey_templates)
        return
    if text != t("evf.btn.save"):
        await message.answer(t("evf.error.choose_button"))
        await show_review(message, state, t, tz, reference, survey_templates)
        return
    publish = draft.answers.get(PUBLISH) is True
    actor = message.from_user.id if message.from_user else 0
    project_id = int(draft.context[PROJECT_ID])
    event = await events.create_from_form(project_id, typed_answers(draft.answers), publish, actor)
    await state.clear()
    key = "evf.created_published" if publish else "evf.created_draft"
    await message.answer(
        t(key, title=event.title(t.language), when=format_local(event.starts_at, tz)),
        reply_markup=ReplyKeyboardRemove(),
    )
    await send_event_screen(message, events, event, t, tz, reference)


async def edit_answer(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    tz: ZoneInfo,
    clock: Clock,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
    events: EventService,
) -> None:
    """The one field being edited: saved, and participants told of a new time or place."""
    event = await events.get(int(draft.context[EVENT_ID]))
    if event is None:
        await state.clear()
        await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
        return
    try:
        value = read(
            step, message, t, reference, survey_templates, Known(tz, clock.now(), event.starts_at)
        )
    except FormInputError as error:
        reason = t(f"evf.error.{error.reason}")
        await ask_again(message, reason, step, Mode.EDIT, t, reference, survey_templates)
        return
    actor = message.from_user.id if message.from_user else 0
    edited = await events.edit_field(event.id, EventField(step), value, actor)
    if edited.refused is EditRefused.CAPACITY_BELOW:
        reason = t("evf.error.capacity_below", taken=edited.count)
        await ask_again(message, reason, step, Mode.EDIT, t, reference, survey_templates)
        return
    await state.clear()
    if edited.refused is EditRefused.APPLICATIONS_WAITING:
        await message.answer(
            t.plural("evf.error.applications_waiting", edited.count),
            reply_markup=ReplyKeyboardRemove(),
        )
        return
    if edited.event is None:
        await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
        return
    await message.answer(t("evf.saved"), reply_markup=ReplyKeyboardRemove())
    if edited.told:
        await message.answer(t.plural("evf.told", edited.told))
    # Only the screen sent now is live: "which field?" above would edit the same event.
    retiring = draft.context.get(screens.SCREEN)
    await send_event_screen(
        message,
        events,
        edited.event,
        t,
        tz,
        reference,
        retiring=int(retiring) if retiring else None,
    )


def build_router() -> Router:
    router = Router(name="admin-event-form")
    FORM.register(router, back=back)
    router.message.register(review_chosen, FORM.at(REVIEW))
    router.message.register(answer, FORM.at(mode=Mode.CREATE))
    router.message.register(answer, FORM.at(mode=Mode.REVISE))
    router.message.register(edit_answer, FORM.at(mode=Mode.EDIT))
    router.callback_query.register(
        edit_field,
        EditFieldCallback.filter(),
        F.message.as_("message"),
        EventFromButton(drafts=True),
    )
    return router
