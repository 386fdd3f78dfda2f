"""📜 The change history of a project or an event, read from the audit log: who, when (local
time) and what, in the coordinator's language, newest first, ten a page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.audit_log.model import Actor, Entry, HistoryPage
from bot.audit_log.service import AuditLogService
from bot.clock import format_local
from bot.errors import StaleButtonError
from bot.platform.telegram_text import TITLE_ON_BUTTON, clip, clip_html
from bot.texts import Html, Translator
from handlers.admin.callbacks import (
    EventAdminAction,
    EventAdminCallback,
    HistoryCallback,
    HistoryScope,
    ProjectAction,
    ProjectCallback,
)
from handlers.ui.editing import edit_in_place

PAGE_SIZE = 10
NAME_LIMIT = 60


def history_button(scope: HistoryScope, object_id: int, t: Translator) -> InlineKeyboardButton:
    data = HistoryCallback(scope=scope, object_id=object_id)
    return InlineKeyboardButton(text=t("audit.btn"), callback_data=data.pack())


def _who(entry: Entry, t: Translator) -> str:
    """A coordinator's name as typed (escaped when filled in), or a text of the catalog."""
    if entry.actor is Actor.COORDINATOR and entry.actor_name:
        return clip(entry.actor_name, NAME_LIMIT)
    return Html(t(f"audit.who.{entry.actor.value}"))


def _what(entry: Entry, t: Translator) -> str:
    line = entry.line
    key = f"audit.what.{line.key}"
    if line.count is not None:
        return t.plural(key, line.count)
    if line.fields:
        return t(key, fields=", ".join(t(field) for field in line.fields))
    return t(key)


def _entry(entry: Entry, scope: HistoryScope, t: Translator, tz: ZoneInfo) -> str:
    values = {
        "when": format_local(entry.at, tz),
        "who": _who(entry, t),
        "what": Html(_what(entry, t)),
    }
    title = entry.event_title(t.language)
    if scope is HistoryScope.PROJECT and title:
        return t("audit.entry_event", event=clip(title, TITLE_ON_BUTTON), **values)
    return t("audit.entry", **values)


def _back(scope: HistoryScope, object_id: int) -> str:
    if scope is HistoryScope.PROJECT:
        return ProjectCallback(action=ProjectAction.OPEN, project_id=object_id).pack()
    return EventAdminCallback(action=EventAdminAction.OPEN, event_id=object_id).pack()


def history_screen(
    shown: HistoryPage, data: HistoryCallback, t: Translator, tz: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("audit.head", title=shown.title(t.language))]
    lines += [_entry(entry, data.scope, t, tz) for entry in shown.entries]
    if not shown.entries:
        lines.append(t("audit.empty"))
    if shown.pages > 1:
        lines.append(t("audit.page", page=shown.page + 1, pages=shown.pages))
    builder = InlineKeyboardBuilder()
    nav = []
    for key, page in (("audit.btn.prev", shown.page - 1), ("audit.btn.next", shown.page + 1)):
        if 0 <= page < shown.pages:
            to = HistoryCallback(scope=data.scope, object_id=data.object_id, page=page)
            nav.append(InlineKeyboardButton(text=t(key), callback_data=to.pack()))
    builder.row(*nav)
    builder.row(
        InlineKeyboardButton(
            text=t("audit.btn.back"), callback_data=_back(data.scope, data.object_id)
        )
    )
    return clip_html("\n\n".join(lines)), builder.as_markup()


async def show_history(
    query: CallbackQuery,
    callback_data: HistoryCallback,
    message: Message,
    t: Translator,
    tz: ZoneInfo,
    audit_log: AuditLogService,
) -> None:
    object_id, page = callback_data.object_id, callback_data.page
    if callback_data.scope is HistoryScope.PROJECT:
        shown = await audit_log.project_history(object_id, page, PAGE_SIZE)
    else:
        shown = await audit_log.event_history(object_id, page, PAGE_SIZE)
    if shown is None:
        raise StaleButtonError(query.data or "")
    text, markup = history_screen(shown, callback_data, t, tz)
    await edit_in_place(message, text, markup)


def build_router() -> Router:
    router = Router(name="admin-audit-log")
    router.callback_query.register(show_history, HistoryCallback.filter(), F.message.as_("message"))
    return router
