"""/admin: the coordinator panel, projects, and the short form that creates a project."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder

from bot import audit
from bot.clock import Clock, format_local
from bot.errors import StaleButtonError
from bot.events.form import FormInputError, clean_title
from bot.events.store import (
    Project,
    create_project,
    get_project,
    list_events,
    list_projects,
    update_project,
)
from bot.platform.db import Database
from bot.platform.telegram_text import clip, clip_html
from bot.reference import Reference
from bot.texts import Translator
from handlers.admin import event_form
from handlers.admin.callbacks import (
    EventAdminAction,
    EventAdminCallback,
    PanelAction,
    PanelCallback,
    ProjectAction,
    ProjectCallback,
    ProjectField,
    ProjectFieldCallback,
)
from handlers.admin.menu import PANEL_BUTTONS, PROJECT_BUTTONS
from handlers.admin.plan_upload import ask_for_plan
from handlers.ui.editing import edit_in_place
from surveys.templates import SurveyTemplate

PROJECT = "project"
PROJECT_EDIT = "project_edit"


class ProjectForm(StatesGroup):
    title_ru = State()
    title_kk = State()
    funder = State()
    period = State()


class ProjectEdit(StatesGroup):
    value = State()


PROJECT_STEPS = ("title_ru", "title_kk", "funder", "period")
OPTIONAL = {"title_kk", "funder", "period"}


def home(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("adm.btn.projects"), callback_data=PanelCallback(action=PanelAction.PROJECTS)
    )
    builder.button(
        text=t("adm.btn.new_project"), callback_data=PanelCallback(action=PanelAction.NEW_PROJECT)
    )
    for extra in PANEL_BUTTONS:
        for button in extra(t):
            builder.add(button)
    builder.adjust(1)
    return t("adm.home"), builder.as_markup()


def parse_period(text: str) -> tuple[date, date]:
    parts = [part.strip() for part in text.replace("—", "-").replace("–", "-").split("-")]
    if len(parts) != 2:
        raise FormInputError("period_format")
    try:
        start, end = (datetime.strptime(part, "%d.%m.%Y").date() for part in parts)
    except ValueError:
        raise FormInputError("period_format") from None
    if end < start:
        raise FormInputError("period_order")
    return start, end


def parse_project_value(step: str, text: str) -> Any:
    """A form answer as stored: a clean title, or the period as two ISO dates."""
    if not text:
        raise FormInputError("need_text")
    if step == "period":
        start, end = parse_period(text)
        return [start.isoformat(), end.isoformat()]
    return clean_title(text)


def _stored(field: ProjectField, value: Any) -> dict[str, object]:
    if field is ProjectField.PERIOD:
        return {"starts_on": value[0] if value else None, "ends_on": value[1] if value else None}
    if field is ProjectField.FUNDER:
        return {"funder": value or ""}
    return {field.value: value}


async def project_screen(
    db: Database, t: Translator, tz: ZoneInfo, found: Project
) -> tuple[str, InlineKeyboardMarkup]:
    events = await list_events(db, found.id)
    lines = [t("proj.head", title=found.title(t.language), funder=found.funder or "—")]
    if found.starts_on and found.ends_on:
        lines.append(
            t("proj.period", start=f"{found.starts_on:%d.%m.%Y}", end=f"{found.ends_on:%d.%m.%Y}")
        )
    builder = InlineKeyboardBuilder()
    for number, event in enumerate(events, start=1):
        status = t(f"adm.status.{event.status.value}")
        lines.append(
            t(
                "proj.event_line",
                n=number,
                title=event.title_ru,
                when=format_local(event.starts_at, tz),
                status=status,
            )
        )
        builder.button(
            text=clip(f"{number}. {event.title_ru}", 40),
            callback_data=EventAdminCallback(action=EventAdminAction.OPEN, event_id=event.id),
        )
    if not events:
        lines.append(t("proj.no_events"))
    builder.button(
        text=t("adm.btn.new_event"),
        callback_data=ProjectCallback(action=ProjectAction.NEW_EVENT, project_id=found.id),
    )
    builder.button(
        text=t("imp.btn"),
        callback_data=ProjectCallback(action=ProjectAction.IMPORT, project_id=found.id),
    )
    for extra in PROJECT_BUTTONS:
        for button in extra(found, t):
            builder.add(button)
    builder.button(
        text=t("proj.btn.edit"),
        callback_data=ProjectCallback(action=ProjectAction.EDIT, project_id=found.id),
    )
    builder.button(
        text=t("adm.btn.projects"), callback_data=PanelCallback(action=PanelAction.PROJECTS)
    )
    builder.adjust(1)
    return clip_html("\n".join(lines)), builder.as_markup()


def _ask_keyboard(step: str, t: Translator) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    if step in OPTIONAL:
        builder.row(KeyboardButton(text=t("evf.btn.skip")))
    builder.row(KeyboardButton(text=t("evf.btn.cancel")))
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


def build_router() -> Router:
    router = Router(name="admin-panel")

    @router.message(Command("admin"))
    async def admin(message: Message, t: Translator) -> None:
        text, markup = home(t)
        await message.answer(text, reply_markup=markup)

    @router.callback_query(PanelCallback.filter(), F.message.as_("message"))
    async def panel(
        query: CallbackQuery,
        callback_data: PanelCallback,
        message: Message,
        db: Database,
        t: Translator,
        state: FSMContext,
    ) -> None:
        if callback_data.action is PanelAction.HOME:
            text, markup = home(t)
            await edit_in_place(message, text, markup)
        elif callback_data.action is PanelAction.PROJECTS:
            projects = await list_projects(db)
            builder = InlineKeyboardBuilder()
            for project in projects:
                builder.button(
                    text=clip(project.title(t.language), 60),
                    callback_data=ProjectCallback(action=ProjectAction.OPEN, project_id=project.id),
                )
            builder.button(
                text=t("adm.btn.home"), callback_data=PanelCallback(action=PanelAction.HOME)
            )
            builder.adjust(1)
            key = "adm.projects" if projects else "adm.no_projects"
            await edit_in_place(message, t(key), builder.as_markup())
        else:
            await state.set_state(ProjectForm.title_ru)
            await state.set_data({PROJECT: {}})
            await message.answer(t("proj.ask.title_ru"), reply_markup=_ask_keyboard("title_ru", t))

    @router.callback_query(ProjectCallback.filter(), F.message.as_("message"))
    async def project(
        query: CallbackQuery,
        callback_data: ProjectCallback,
        message: Message,
        db: Database,
        t: Translator,
        tz: ZoneInfo,
        state: FSMContext,
        reference: Reference,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        found = await get_project(db, callback_data.project_id)
        if found is None:
            raise StaleButtonError(query.data or "")
        if callback_data.action is ProjectAction.NEW_EVENT:
            await event_form.start_create(message, state, t, reference, survey_templates, found.id)
            return
        if callback_data.action is ProjectAction.IMPORT:
            await ask_for_plan(message, state, t, found.id)
            return
        if callback_data.action is ProjectAction.EDIT:
            builder = InlineKeyboardBuilder()
            for field in ProjectField:
                builder.button(
                    text=t(f"proj.field.{field.value}"),
                    callback_data=ProjectFieldCallback(project_id=found.id, field=field),
                )
            builder.button(
                text=t("adm.btn.open_project"),
                callback_data=ProjectCallback(action=ProjectAction.OPEN, project_id=found.id),
            )
            builder.adjust(1)
            text = t("proj.edit_which", title=found.title(t.language))
            await edit_in_place(message, text, builder.as_markup())
            return
        text, markup = await project_screen(db, t, tz, found)
        await edit_in_place(message, text, markup)

    @router.callback_query(ProjectFieldCallback.filter(), F.message.as_("message"))
    async def edit_field(
        query: CallbackQuery,
        callback_data: ProjectFieldCallback,
        message: Message,
        db: Database,
        t: Translator,
        state: FSMContext,
    ) -> None:
        if await get_project(db, callback_data.project_id) is None:
            raise StaleButtonError(query.data or "")
        field = callback_data.field.value
        await state.set_state(ProjectEdit.value)
        await state.set_data(
            {PROJECT_EDIT: {"project_id": callback_data.project_id, "field": field}}
        )
        await message.answer(t(f"proj.ask.{field}"), reply_markup=_ask_keyboard(field, t))

    @router.message(StateFilter(ProjectEdit.value), ~F.text.startswith("/"))
    async def edit_value(
        message: Message,
        state: FSMContext,
        t: Translator,
        tz: ZoneInfo,
        db: Database,
        clock: Clock,
    ) -> None:
        editing = dict((await state.get_data()).get(PROJECT_EDIT, {}))
        field = ProjectField(editing["field"])
        text = (message.text or "").strip()
        if text == t("evf.btn.cancel"):
            await state.clear()
            await message.answer(t("evf.cancelled"), reply_markup=ReplyKeyboardRemove())
            return
        try:
            if field.value in OPTIONAL and text == t("evf.btn.skip"):
                value: Any = None
            else:
                value = parse_project_value(field.value, text)
        except FormInputError as error:
            await message.answer(t(f"evf.error.{error.reason}"))
            await message.answer(
                t(f"proj.ask.{field.value}"), reply_markup=_ask_keyboard(field.value, t)
            )
            return
        project_id = int(editing["project_id"])
        await state.clear()
        if not await update_project(db, project_id, _stored(field, value)):
            await message.answer(t("proj.gone"), reply_markup=ReplyKeyboardRemove())
            return
        actor = message.from_user.id if message.from_user else 0
        async with db.write() as conn:
            await audit.record(
                conn,
                actor,
                "project.edit",
                f"project:{project_id}",
                {"field": field.value, "value": value},
                clock.now(),
            )
        await message.answer(t("evf.saved"), reply_markup=ReplyKeyboardRemove())
        found = await get_project(db, project_id)
        if found is not None:
            screen, markup = await project_screen(db, t, tz, found)
            await message.answer(screen, reply_markup=markup)

    @router.message(StateFilter(ProjectForm), ~F.text.startswith("/"))
    async def project_step(
        message: Message, state: FSMContext, t: Translator, db: Database, clock: Clock
    ) -> None:
        step = ((await state.get_state()) or "").split(":")[-1]
        data: dict[str, Any] = dict((await state.get_data()).get(PROJECT, {}))
        text = (message.text or "").strip()
        if text == t("evf.btn.cancel"):
            await state.clear()
            await message.answer(t("evf.cancelled"), reply_markup=ReplyKeyboardRemove())
            return
        skipped = step in OPTIONAL and text == t("evf.btn.skip")
        try:
            value: Any = None if skipped else parse_project_value(step, text)
        except FormInputError as error:
            await message.answer(t(f"evf.error.{error.reason}"))
            await message.answer(t(f"proj.ask.{step}"), reply_markup=_ask_keyboard(step, t))
            return
        data[step] = value
        index = PROJECT_STEPS.index(step)
        if index + 1 < len(PROJECT_STEPS):
            following = PROJECT_STEPS[index + 1]
            await state.update_data({PROJECT: data})
            await state.set_state(getattr(ProjectForm, following))
            await message.answer(
                t(f"proj.ask.{following}"), reply_markup=_ask_keyboard(following, t)
            )
            return
        period = data.get("period") or [None, None]
        actor = message.from_user.id if message.from_user else 0
        created = await create_project(
            db,
            str(data["title_ru"]),
            clock.now(),
            title_kk=data.get("title_kk"),
            funder=str(data.get("funder") or ""),
            starts_on=date.fromisoformat(period[0]) if period[0] else None,
            ends_on=date.fromisoformat(period[1]) if period[1] else None,
            created_by=actor,
        )
        async with db.write() as conn:
            await audit.record(
                conn,
                actor,
                "project.create",
                f"project:{created.id}",
                {"title": created.title_ru},
                clock.now(),
            )
        await state.clear()
        await message.answer(
            t("proj.created", title=created.title_ru), reply_markup=ReplyKeyboardRemove()
        )
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("adm.btn.new_event"),
            callback_data=ProjectCallback(action=ProjectAction.NEW_EVENT, project_id=created.id),
        )
        builder.button(
            text=t("adm.btn.open_project"),
            callback_data=ProjectCallback(action=ProjectAction.OPEN, project_id=created.id),
        )
        builder.adjust(1)
        await message.answer(t("proj.next"), reply_markup=builder.as_markup())

    return router
