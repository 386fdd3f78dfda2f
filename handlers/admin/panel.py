"""/admin: the coordinator panel, projects, and the short form that creates a project or edits
one of its fields (handlers/ui/forms.py: Skip and Cancel, no Back or progress)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import format_local
from bot.errors import StaleButtonError
from bot.events.form import (
    PLAN_FIELDS,
    FormInputError,
    ProjectAnswer,
    new_project,
    parse_project_value,
)
from bot.events.model import EventType, Project, ProjectPlan
from bot.events.service import EventService
from bot.platform.telegram_text import TITLE_ON_BUTTON, clip, clip_html
from bot.reference import Reference
from bot.texts import Translator
from handlers.admin import event_form, screens
from handlers.admin.audit_log import history_button
from handlers.admin.callbacks import (
    EventAdminAction,
    EventAdminCallback,
    HistoryScope,
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
from handlers.ui.forms import Draft, Form, FormTexts, Mode
from surveys.templates import SurveyTemplate

PROJECT_ID = "project_id"
# One page of a list keeps the screen within Telegram's limits (100 buttons, 4096 characters)
# whatever the titles: 12 lines of at most 200-character titles and 12 buttons.
EVENTS_PER_PAGE = 12
PROJECTS_PER_PAGE = 20


class ProjectForm(StatesGroup):
    """One state per step, named by the ProjectField values."""

    title_ru = State()
    title_kk = State()
    funder = State()
    period = State()
    plan = State()
    reach = State()


FORM = Form(
    ProjectForm,
    # The plan is entered by editing a project: creating one stays four short steps.
    [field.value for field in ProjectField if field.value not in PLAN_FIELDS],
    FormTexts(cancel="evf.btn.cancel", cancelled="evf.cancelled", skip="evf.btn.skip"),
    optional={
        ProjectField.TITLE_KK,
        ProjectField.FUNDER,
        ProjectField.PERIOD,
        ProjectField.PLAN,
        ProjectField.REACH,
    },
)


class ProjectFromButton(Filter):
    """Loads the project a button points at and hands it to the handler as `project`; a button
    pointing at a project gone is outdated."""

    async def __call__(
        self, query: CallbackQuery, events: EventService, callback_data: CallbackData
    ) -> dict[str, Project]:
        project_id = getattr(callback_data, "project_id", None)
        found = await events.project(project_id) if isinstance(project_id, int) else None
        if found is None:
            raise StaleButtonError(query.data or "")
        return {"project": found}


# --- what the screens show ---------------------------------------------------------------------


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


def _nav(
    t: Translator, page: int, pages: int, target: Callable[[int], CallbackData]
) -> list[InlineKeyboardButton]:
    """Previous and Next, where there is such a page."""
    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(text=t("cat.btn.prev"), callback_data=target(page - 1).pack())
        )
    if page + 1 < pages:
        row.append(
            InlineKeyboardButton(text=t("cat.btn.next"), callback_data=target(page + 1).pack())
        )
    return row


def _head(t: Translator, project: Project, plan: ProjectPlan) -> list[str]:
    lines = [t("proj.head", title=project.title(t.language), funder=project.funder or "—")]
    if project.starts_on and project.ends_on:
        lines.append(
            t(
                "proj.period",
                start=f"{project.starts_on:%d.%m.%Y}",
                end=f"{project.ends_on:%d.%m.%Y}",
            )
        )
    planned = plan_line(t, plan)
    if planned:
        lines.append(planned)
    # python -m bot events import / export project take it.
    lines.append(t("proj.cli_id", id=project.id))
    return lines


def plan_line(t: Translator, plan: ProjectPlan) -> str | None:
    """The plan in one line ("План: 7 семинаров, 4 рабочие встречи; охват 450"), formats in
    the form's order; None without one."""
    events = ", ".join(
        t.plural(f"proj.plan.{kind.value}", plan.events[kind.value])
        for kind in EventType
        if kind.value in plan.events
    )
    if events and plan.reach is not None:
        return t("proj.plan", events=events, reach=plan.reach)
    if events:
        return t("proj.plan_events", events=events)
    return None if plan.reach is None else t("proj.plan_reach", reach=plan.reach)


async def project_screen(
    events: EventService,
    t: Translator,
    tz: ZoneInfo,
    project: Project,
    page: int = 0,
    *,
    holding: int = 0,
) -> tuple[str, InlineKeyboardMarkup]:
    """The project and one page of its events (the page holding event `holding`, if set)."""
    shown = await events.project_page(project.id, page, EVENTS_PER_PAGE, holding=holding)
    lines = _head(t, project, shown.plan)
    builder = InlineKeyboardBuilder()
    for number, event in enumerate(shown.events, start=shown.first):
        status = t(f"adm.status.{event.status.value}")
        lines.append(
            t(
                "proj.event_line",
                n=number,
                title=event.title(t.language),
                when=format_local(event.starts_at, tz),
                status=status,
            )
        )
        builder.button(
            text=clip(f"{number}. {event.title(t.language)}", TITLE_ON_BUTTON),
            callback_data=EventAdminCallback(action=EventAdminAction.OPEN, event_id=event.id),
        )
    if not shown.events:
        lines.append(t("proj.no_events"))
    if shown.pages > 1:
        lines.append(t("proj.page", page=shown.page + 1, pages=shown.pages, total=shown.total))
    builder.adjust(1)

    def to_page(number: int) -> ProjectCallback:
        return ProjectCallback(action=ProjectAction.OPEN, project_id=project.id, page=number)

    builder.row(*_nav(t, shown.page, shown.pages, to_page))
    tools = InlineKeyboardBuilder()
    tools.button(
        text=t("adm.btn.new_event"),
        callback_data=ProjectCallback(action=ProjectAction.NEW_EVENT, project_id=project.id),
    )
    tools.button(
        text=t("imp.btn"),
        callback_data=ProjectCallback(action=ProjectAction.IMPORT, project_id=project.id),
    )
    for extra in PROJECT_BUTTONS:
        for button in extra(project, t):
            tools.add(button)
    tools.button(
        text=t("proj.btn.edit"),
        callback_data=ProjectCallback(action=ProjectAction.EDIT, project_id=project.id),
    )
    tools.add(history_button(HistoryScope.PROJECT, project.id, t))
    tools.button(
        text=t("adm.btn.projects"), callback_data=PanelCallback(action=PanelAction.PROJECTS)
    )
    tools.adjust(1)
    builder.attach(tools)
    return clip_html("\n".join(lines)), builder.as_markup()


async def _ask(message: Message, step: str, mode: Mode, t: Translator) -> None:
    text, markup = FORM.prompt(step, mode, t, t(f"proj.ask.{step}"))
    await message.answer(text, reply_markup=markup)


def _read(step: str, message: Message, t: Translator) -> ProjectAnswer:
    """The answer to keep for a step: None when an optional one is skipped."""
    text = (message.text or "").strip()
    if FORM.skipped(step, text, t):
        return None
    return parse_project_value(step, text)


async def _ask_again(
    message: Message, error: FormInputError, step: str, mode: Mode, t: Translator
) -> None:
    await message.answer(t(f"evf.error.{error.reason}"))
    await _ask(message, step, mode, t)


def _actor(message: Message) -> int:
    return message.from_user.id if message.from_user else 0


# --- the panel ---------------------------------------------------------------------------------


async def admin(message: Message, t: Translator) -> None:
    text, markup = home(t)
    await message.answer(text, reply_markup=markup)


async def show_home(query: CallbackQuery, message: Message, t: Translator) -> None:
    text, markup = home(t)
    await edit_in_place(message, text, markup)


async def list_projects(
    query: CallbackQuery,
    callback_data: PanelCallback,
    message: Message,
    t: Translator,
    events: EventService,
) -> None:
    shown = await events.projects_page(callback_data.page, PROJECTS_PER_PAGE)
    builder = InlineKeyboardBuilder()
    for project in shown.projects:
        builder.button(
            text=clip(project.title(t.language), 60),
            callback_data=ProjectCallback(action=ProjectAction.OPEN, project_id=project.id),
        )
    builder.adjust(1)

    def to_page(number: int) -> PanelCallback:
        return PanelCallback(action=PanelAction.PROJECTS, page=number)

    builder.row(*_nav(t, shown.page, shown.pages, to_page))
    builder.row(
        InlineKeyboardButton(
            text=t("adm.btn.home"), callback_data=PanelCallback(action=PanelAction.HOME).pack()
        )
    )
    lines = [t("adm.projects" if shown.projects else "adm.no_projects")]
    if shown.pages > 1:
        lines.append(t("adm.projects_page", page=shown.page + 1, pages=shown.pages))
    await edit_in_place(message, "\n".join(lines), builder.as_markup())


# --- one project -------------------------------------------------------------------------------


async def open_project(
    query: CallbackQuery,
    callback_data: ProjectCallback,
    message: Message,
    project: Project,
    t: Translator,
    tz: ZoneInfo,
    events: EventService,
) -> None:
    text, markup = await project_screen(
        events, t, tz, project, callback_data.page, holding=callback_data.event_id
    )
    await edit_in_place(message, text, markup)


async def new_event(
    query: CallbackQuery,
    message: Message,
    project: Project,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    survey_templates: dict[str, SurveyTemplate],
) -> None:
    await event_form.start_create(message, state, t, reference, survey_templates, project.id)


async def import_plan(
    query: CallbackQuery, message: Message, project: Project, state: FSMContext, t: Translator
) -> None:
    await ask_for_plan(message, state, t, project.id)


async def choose_field(
    query: CallbackQuery, message: Message, project: Project, t: Translator
) -> None:
    builder = InlineKeyboardBuilder()
    for field in ProjectField:
        builder.button(
            text=t(f"proj.field.{field.value}"),
            callback_data=ProjectFieldCallback(project_id=project.id, field=field),
        )
    builder.button(
        text=t("adm.btn.open_project"),
        callback_data=ProjectCallback(action=ProjectAction.OPEN, project_id=project.id),
    )
    builder.adjust(1)
    text = t("proj.edit_which", title=project.title(t.language))
    await edit_in_place(message, text, builder.as_markup())


async def ask_field(
    query: CallbackQuery,
    callback_data: ProjectFieldCallback,
    message: Message,
    project: Project,
    state: FSMContext,
    t: Translator,
) -> None:
    context = {PROJECT_ID: project.id, screens.SCREEN: message.message_id}
    step = await FORM.start(state, mode=Mode.EDIT, step=callback_data.field.value, context=context)
    await _ask(message, step, Mode.EDIT, t)


async def edit_value(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    tz: ZoneInfo,
    bot: Bot,
    events: EventService,
) -> None:
    try:
        answer = _read(step, message, t)
    except FormInputError as error:
        await _ask_again(message, error, step, Mode.EDIT, t)
        return
    await state.clear()
    project_id = int(draft.context[PROJECT_ID])
    saved = await events.edit_project(project_id, step, answer, _actor(message))
    # Only the screen sent below is live: "which field?" above it would edit the same project.
    await screens.retire(bot, message.chat.id, draft.context.get(screens.SCREEN))
    if saved is None:
        await message.answer(t("proj.gone"), reply_markup=ReplyKeyboardRemove())
        return
    await message.answer(t("evf.saved"), reply_markup=ReplyKeyboardRemove())
    screen, markup = await project_screen(events, t, tz, saved)
    await message.answer(screen, reply_markup=markup)


# --- the form that creates a project -----------------------------------------------------------


async def start_project(
    query: CallbackQuery, message: Message, state: FSMContext, t: Translator
) -> None:
    step = await FORM.start(state)
    await _ask(message, step, Mode.CREATE, t)


async def project_step(
    message: Message, state: FSMContext, step: str, draft: Draft, t: Translator
) -> None:
    """A step of a new project before the last."""
    try:
        answer = _read(step, message, t)
    except FormInputError as error:
        await _ask_again(message, error, step, Mode.CREATE, t)
        return
    following = await FORM.advance(state, draft, step, answer)
    if following is not None:
        await _ask(message, following, Mode.CREATE, t)


async def project_done(
    message: Message,
    state: FSMContext,
    step: str,
    draft: Draft,
    t: Translator,
    events: EventService,
) -> None:
    """The last step: the project is created (the form stays at this step if that fails, so
    the answer can be sent again)."""
    try:
        answer = _read(step, message, t)
    except FormInputError as error:
        await _ask_again(message, error, step, Mode.CREATE, t)
        return
    answers = {**draft.answers, step: answer}
    created = await events.create_project(new_project(answers), _actor(message))
    await state.clear()
    await message.answer(
        t("proj.created", title=created.title(t.language)), reply_markup=ReplyKeyboardRemove()
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


def build_router() -> Router:
    router = Router(name="admin-panel")
    FORM.register(router)
    router.message.register(admin, Command("admin"))
    with_message = F.message.as_("message")
    for action, handler in (
        (PanelAction.HOME, show_home),
        (PanelAction.PROJECTS, list_projects),
        (PanelAction.NEW_PROJECT, start_project),
    ):
        router.callback_query.register(
            handler, PanelCallback.filter(F.action == action), with_message
        )
    for project_action, project_handler in (
        (ProjectAction.OPEN, open_project),
        (ProjectAction.NEW_EVENT, new_event),
        (ProjectAction.IMPORT, import_plan),
        (ProjectAction.EDIT, choose_field),
    ):
        router.callback_query.register(
            project_handler,
            ProjectCallback.filter(F.action == project_action),
            ProjectFromButton(),
            with_message,
        )
    router.callback_query.register(
        ask_field, ProjectFieldCallback.filter(), ProjectFromButton(), with_message
    )
    router.message.register(project_done, FORM.at(FORM.order[-1], mode=Mode.CREATE))
    router.message.register(project_step, FORM.at(mode=Mode.CREATE))
    router.message.register(edit_value, FORM.at(mode=Mode.EDIT))
    return router
