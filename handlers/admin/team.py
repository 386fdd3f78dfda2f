"""Super-coordinators (ADMIN_IDS) add coordinators with a one-time invitation link and
remove them; the invitation opens from t.me/<bot>?start=i_<code>."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.types import (
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    Message,
)
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.deeplinks import DeepLink, LinkKind
from bot.people.coordinators import InviteResult
from bot.people.roles import is_super_coordinator
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.commands import COORDINATOR_COMMANDS, PARTICIPANT_COMMANDS, menu
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import LANGUAGES, Texts, Translator
from handlers.admin.callbacks import PanelAction, PanelCallback, TeamAction, TeamCallback
from handlers.ui.editing import edit_in_place


def team_button(t: Translator) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            text=t("team.btn.open"), callback_data=TeamCallback(action=TeamAction.LIST).pack()
        )
    ]


async def show_coordinator_menu(bot: Bot, texts: Texts, user_id: int, staff: bool) -> None:
    """A new coordinator sees /admin in their menu at once; a removed one stops seeing it."""
    commands = PARTICIPANT_COMMANDS + COORDINATOR_COMMANDS if staff else PARTICIPANT_COMMANDS
    for language in LANGUAGES:
        await bot.set_my_commands(
            menu(commands, texts.of(language)),
            scope=BotCommandScopeChat(chat_id=user_id),
            language_code=language,
        )


async def open_invite(
    message: Message,
    link: DeepLink,
    *,
    user: UserRecord,
    t: Translator,
    people: PeopleService,
    bot: Bot,
    texts: Texts,
    **_: Any,
) -> None:
    result = await people.join_team(link.code, user.id)
    if result is InviteResult.JOINED:
        await show_coordinator_menu(bot, texts, user.id, staff=True)
    await message.answer(t(f"team.invite.{result.value}"))


def _only_super(
    settings: Settings, actor: int, t: Translator, callback_answer: CallbackAnswer
) -> bool:
    """Only super-coordinators manage the team; anyone else is told so."""
    if is_super_coordinator(settings, actor):
        return True
    callback_answer.text = clip(t("team.only_super"), CALLBACK_ANSWER_LIMIT)
    callback_answer.show_alert = True
    return False


async def _show_team(message: Message, t: Translator, people: PeopleService) -> None:
    team = await people.coordinators()
    lines = [t("team.head")]
    builder = InlineKeyboardBuilder()
    for person in team:
        name = person.full_name or str(person.user_id)
        lines.append(f"• {t('team.line', name=name, id=person.user_id)}")
        builder.button(
            text=clip(t("team.btn.remove", name=name), 60),
            callback_data=TeamCallback(action=TeamAction.REMOVE, user_id=person.user_id),
        )
    if not team:
        lines.append(t("team.none"))
    builder.button(text=t("team.btn.invite"), callback_data=TeamCallback(action=TeamAction.INVITE))
    builder.button(text=t("adm.btn.home"), callback_data=PanelCallback(action=PanelAction.HOME))
    builder.adjust(1)
    await edit_in_place(message, "\n".join(lines), builder.as_markup())


async def show_team(
    query: CallbackQuery,
    message: Message,
    t: Translator,
    settings: Settings,
    people: PeopleService,
    callback_answer: CallbackAnswer,
) -> None:
    if _only_super(settings, query.from_user.id, t, callback_answer):
        await _show_team(message, t, people)


async def invite(
    query: CallbackQuery,
    message: Message,
    t: Translator,
    settings: Settings,
    bot: Bot,
    people: PeopleService,
    callback_answer: CallbackAnswer,
) -> None:
    actor = query.from_user.id
    if not _only_super(settings, actor, t, callback_answer):
        return
    code = await people.invite_coordinator(actor)
    link = await create_start_link(bot, DeepLink(LinkKind.INVITE, code).payload)
    await message.answer(t("team.invite_link", link=link))


async def remove(
    query: CallbackQuery,
    callback_data: TeamCallback,
    message: Message,
    t: Translator,
    settings: Settings,
    bot: Bot,
    texts: Texts,
    people: PeopleService,
    callback_answer: CallbackAnswer,
) -> None:
    actor = query.from_user.id
    if not _only_super(settings, actor, t, callback_answer):
        return
    if await people.remove_coordinator(callback_data.user_id, actor):
        await show_coordinator_menu(bot, texts, callback_data.user_id, staff=False)
        callback_answer.text = clip(t("team.removed"), CALLBACK_ANSWER_LIMIT)
    await _show_team(message, t, people)


def build_router() -> Router:
    router = Router(name="admin-team")
    for handler, action in (
        (show_team, TeamAction.LIST),
        (invite, TeamAction.INVITE),
        (remove, TeamAction.REMOVE),
    ):
        router.callback_query.register(
            handler, TeamCallback.filter(F.action == action), F.message.as_("message")
        )
    return router
