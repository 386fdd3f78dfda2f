"""The coordinator's step-by-step event form, also used to edit one field of an event.

Like the participant's profile form, every step is one message with a reply keyboard
(choices, Skip where optional, Back, Cancel); answers live in the FSM, so the form survives
a restart; a bad answer gets the reason and the same question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import ReplyKeyboardBuilder

from bot.clock import Clock, format_local
from bot.errors import StaleButtonError
from bot.events.form import (
    FormInputError,
    clean_place,
    clean_title,
    parse_capacity,
    parse_deadline,
    parse_end,
    parse_margin,
    parse_reminders,
    parse_start,
    parse_survey_timing,
)
from bot.events.model import DEFAULT_REMINDER_MINUTES, EventStatus, EventType
from bot.events.service import EditRefused, EventService
from bot.events.store import (
    NewEvent,
    get_event,
)
from bot.platform.db import Database
from bot.reference import Reference
from bot.texts import Translator
from handlers.admin.callbacks import EditFieldCallback, EventField
from handlers.admin.event_screen import send_event_screen
from surveys.templates import SurveyTemplate

FORM = "evform"
MODE = "evmode"
EVENT_ID = "evid"
PROJECT_ID = "evproject"
CREATE, EDIT = "create", "edit"
PUBLISH = "publish"


class EventForm(StatesGroup):
    title_ru = State()
    title_kk = State()
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


EDIT_ONLY = frozenset({EventField.SURVEY_TIMING, EventField.CHECKIN_MARGIN})
ORDER: tuple[str, ...] = (
    *(field.value for field in EventField if field not in EDIT_ONLY),
    PUBLISH,
)
OPTIONAL = {EventField.TITLE_KK.value, EventField.DISTRICT.value, EventField.DEADLINE.value}
# A change to these reaches everyone signed up.


def _state(name: str) -> State:
    state = getattr(EventForm, name)
    assert isinstance(state, State)
    return state


def _choices(
    name: str, t: Translator, reference: Reference, templates: dict[str, SurveyTemplate]
) -> list[str]:
    if name == EventField.TYPE.value:
        return [t(f"evtype.{kind.value}") for kind in EventType]
    if name == EventField.DISTRICT.value:
        return [item.label(t.language) for item in reference.districts.items]
    if name == EventField.CAPACITY.value:
        return [t("evf.btn.unlimited")]
    if name == EventField.BY_APPLICATION.value:
        return [t("evf.btn.open"), t("evf.btn.by_application")]
    if name == EventField.REMINDERS.value:
        return [t("evf.btn.default_reminders")]
    if name == EventField.SURVEY_TEMPLATE.value:
        titles = [template.title[t.language] for template in templates.values()]
        return [*titles, t("evf.btn.no_survey")]
    if name == EventField.SURVEY_ANONYMOUS.value:
        return [t("evf.btn.named"), t("evf.btn.anonymous")]
    if name == PUBLISH:
        return [t("evf.btn.publish"), t("evf.btn.draft")]
    return []


def _keyboard(
    name: str, t: Translator, reference: Reference, mode: str, templates: dict[str, SurveyTemplate]
) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    labels = _choices(name, t, reference, templates)
    for index in range(0, len(labels), 2):
        builder.row(*(KeyboardButton(text=label) for label in labels[index : index + 2]))
    if name in OPTIONAL:
        builder.row(KeyboardButton(text=t("evf.btn.skip")))
    nav = [KeyboardButton(text=t("evf.btn.cancel"))]
    if mode == CREATE and name != ORDER[0]:
        nav.insert(0, KeyboardButton(text=t("evf.btn.back")))
    builder.row(*nav)
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


async def ask(
    message: Message,
    name: str,
    t: Translator,
    reference: Reference,
    mode: str,
    templates: dict[str, SurveyTemplate],
) -> None:
    prefix = ""
    if mode == CREATE:
        prefix = t("evf.progress", n=ORDER.index(name) + 1, total=len(ORDER)) + "\n"
    await message.answer(
        prefix + t(f"evf.ask.{name}"),
        reply_markup=_keyboard(name, t, reference, mode, templates),
    )


async def start_create(
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
    project_id: int,
) -> None:
    await state.set_state(_state(ORDER[0]))
    await state.set_data({MODE: CREATE, PROJECT_ID: project_id, FORM: {}})
    await ask(message, ORDER[0], t, reference, CREATE, templates)


async def start_edit(
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
    event_id: int,
    field: EventField,
) -> None:
    await state.set_state(_state(field.value))
    await state.set_data({MODE: EDIT, EVENT_ID: event_id, FORM: {}})
    await ask(message, field.value, t, reference, EDIT, templates)


def _when(form: dict[str, Any], name: str) -> datetime | None:
    value = form.get(name)
    return datetime.fromisoformat(value) if value else None


def read(
    name: str,
    text: str,
    form: dict[str, Any],
    t: Translator,
    reference: Reference,
    templates: dict[str, SurveyTemplate],
    tz: ZoneInfo,
    now: datetime,
) -> Any:
    """The JSON-friendly value for the form data; FormInputError with a reason otherwise."""
    if name in OPTIONAL and text == t("evf.btn.skip"):
        return None
    if name in (EventField.TITLE_RU.value, EventField.TITLE_KK.value):
        return clean_title(text)
    if name == EventField.TYPE.value:
        for kind in EventType:
            if text == t(f"evtype.{kind.value}"):
                return kind.value
        raise FormInputError("choose_button")
    if name == EventField.STARTS_AT.value:
        return parse_start(text, tz, now).isoformat()
    if name == EventField.ENDS_AT.value:
        start = _when(form, EventField.STARTS_AT.value)
        assert start is not None
        return parse_end(text, start, tz).isoformat()
    if name == EventField.PLACE.value:
        return clean_place(text)
    if name == EventField.DISTRICT.value:
        for item in reference.districts.items:
            if text == item.label(t.language):
                return item.code
        raise FormInputError("choose_button")
    if name == EventField.CAPACITY.value:
        return None if text == t("evf.btn.unlimited") else parse_capacity(text)
    if name == EventField.DEADLINE.value:
        start = _when(form, EventField.STARTS_AT.value)
        assert start is not None
        return parse_deadline(text, start, tz, now).isoformat()
    if name == EventField.BY_APPLICATION.value:
        if text in (t("evf.btn.open"), t("evf.btn.by_application")):
            return text == t("evf.btn.by_application")
        raise FormInputError("choose_button")
    if name == EventField.REMINDERS.value:
        if text == t("evf.btn.default_reminders"):
            return list(DEFAULT_REMINDER_MINUTES)
        return list(parse_reminders(text))
    if name == EventField.SURVEY_TEMPLATE.value:
        if text == t("evf.btn.no_survey"):
            return None
        for template in templates.values():
            if text == template.title[t.language]:
                return template.id
        raise FormInputError("choose_button")
    if name == EventField.SURVEY_ANONYMOUS.value:
        if text in (t("evf.btn.named"), t("evf.btn.anonymous")):
            return text == t("evf.btn.anonymous")
        raise FormInputError("choose_button")
    if name == EventField.SURVEY_TIMING.value:
        return list(parse_survey_timing(text))
    if name == EventField.CHECKIN_MARGIN.value:
        return parse_margin(text)
    if text in (t("evf.btn.publish"), t("evf.btn.draft")):
        return text == t("evf.btn.publish")
    raise FormInputError("choose_button")


def _db_value(name: str, value: Any) -> object:
    if value is None:
        return None
    if name in (EventField.STARTS_AT.value, EventField.ENDS_AT.value, EventField.DEADLINE.value):
        return datetime.fromisoformat(value)
    if name == EventField.REMINDERS.value:
        return tuple(value)
    if name == EventField.TYPE.value:
        return EventType(value)
    return value


def build_router() -> Router:
    router = Router(name="admin-event-form")

    @router.message(StateFilter(EventForm), ~F.text.startswith("/"))
    async def step(
        message: Message,
        state: FSMContext,
        t: Translator,
        db: Database,
        clock: Clock,
        tz: ZoneInfo,
        reference: Reference,
        events: EventService,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        current = await state.get_state()
        name = (current or "").split(":")[-1]
        data = await state.get_data()
        mode = data.get(MODE, CREATE)
        form: dict[str, Any] = dict(data.get(FORM, {}))
        text = (message.text or "").strip()
        actor = message.from_user.id if message.from_user else 0
        now = clock.now()

        if text == t("evf.btn.cancel"):
            await state.clear()
            await message.answer(t("evf.cancelled"), reply_markup=ReplyKeyboardRemove())
            return
        if text == t("evf.btn.back") and mode == CREATE:
            index = max(ORDER.index(name) - 1, 0)
            await state.set_state(_state(ORDER[index]))
            await ask(message, ORDER[index], t, reference, mode, survey_templates)
            return
        event = None
        if mode == EDIT:
            event = await get_event(db, int(data[EVENT_ID]))
            if event is None:
                await state.clear()
                await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
                return
            form = {
                EventField.STARTS_AT.value: event.starts_at.isoformat(),
                EventField.ENDS_AT.value: event.ends_at.isoformat(),
            }
        if not text:
            await message.answer(t("evf.error.need_text"))
            await ask(message, name, t, reference, mode, survey_templates)
            return
        try:
            value = read(name, text, form, t, reference, survey_templates, tz, now)
        except FormInputError as error:
            await message.answer(t(f"evf.error.{error.reason}"))
            await ask(message, name, t, reference, mode, survey_templates)
            return

        if mode == EDIT and event is not None:
            changes: dict[str, object] = (
                dict(
                    zip(
                        ("survey_delay_minutes", "survey_nudge_minutes", "survey_close_minutes"),
                        value,
                        strict=True,
                    )
                )
                if name == EventField.SURVEY_TIMING.value
                else {name: _db_value(name, value)}
            )
            edited = await events.edit(event.id, changes, actor)
            if edited.refused is EditRefused.CAPACITY_BELOW:
                await message.answer(t("evf.error.capacity_below", taken=edited.count))
                await ask(message, name, t, reference, mode, survey_templates)
                return
            if edited.refused is EditRefused.APPLICATIONS_WAITING:
                await state.clear()
                await message.answer(
                    t.plural("evf.error.applications_waiting", edited.count),
                    reply_markup=ReplyKeyboardRemove(),
                )
                return
            await state.clear()
            if edited.event is None:
                await message.answer(t("evf.event_gone"), reply_markup=ReplyKeyboardRemove())
                return
            await message.answer(t("evf.saved"), reply_markup=ReplyKeyboardRemove())
            if edited.told:
                await message.answer(t.plural("evf.told", edited.told))
            await send_event_screen(message, db, edited.event, t, tz, reference)
            return

        form[name] = value
        following = ORDER[ORDER.index(name) + 1] if name != ORDER[-1] else None
        if following is not None:
            await state.update_data({FORM: form})
            await state.set_state(_state(following))
            await ask(message, following, t, reference, mode, survey_templates)
            return
        new = NewEvent(
            project_id=int(data[PROJECT_ID]),
            title_ru=form[EventField.TITLE_RU.value],
            title_kk=form.get(EventField.TITLE_KK.value),
            type=EventType(form[EventField.TYPE.value]),
            starts_at=datetime.fromisoformat(form[EventField.STARTS_AT.value]),
            ends_at=datetime.fromisoformat(form[EventField.ENDS_AT.value]),
            place=form[EventField.PLACE.value],
            district=form.get(EventField.DISTRICT.value),
            capacity=form.get(EventField.CAPACITY.value),
            registration_deadline=_when(form, EventField.DEADLINE.value),
            by_application=bool(form[EventField.BY_APPLICATION.value]),
            reminder_minutes=tuple(form[EventField.REMINDERS.value]),
            survey_template=form.get(EventField.SURVEY_TEMPLATE.value),
            survey_anonymous=bool(form.get(EventField.SURVEY_ANONYMOUS.value)),
            status=EventStatus.PUBLISHED if value else EventStatus.DRAFT,
            created_by=actor,
        )
        event = await events.create(new, actor)
        await state.clear()
        key = "evf.created_published" if value else "evf.created_draft"
        await message.answer(
            t(key, title=event.title_ru, when=format_local(event.starts_at, tz)),
            reply_markup=ReplyKeyboardRemove(),
        )
        await send_event_screen(message, db, event, t, tz, reference)

    @router.callback_query(EditFieldCallback.filter(), F.message.as_("message"))
    async def edit_field(
        query: CallbackQuery,
        callback_data: EditFieldCallback,
        message: Message,
        state: FSMContext,
        t: Translator,
        reference: Reference,
        db: Database,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        if await get_event(db, callback_data.event_id) is None:
            raise StaleButtonError(query.data or "")
        await start_edit(
            message,
            state,
            t,
            reference,
            survey_templates,
            callback_data.event_id,
            callback_data.field,
        )

    return router
