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

from bot.clock import Clock
from bot.config import Settings
from bot.deeplinks import DeepLink, LinkKind
from bot.people import coordinators
from bot.people.coordinators import InviteResult
from bot.people.roles import is_super_coordinator
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.commands import COORDINATOR_COMMANDS, PARTICIPANT_COMMANDS, menu
from bot.platform.db import Database
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


def build_router() -> Router:
    router = Router(name="admin-team")

    @router.callback_query(TeamCallback.filter(), F.message.as_("message"))
    async def team(
        query: CallbackQuery,
        callback_data: TeamCallback,
        message: Message,
        db: Database,
        t: Translator,
        clock: Clock,
        settings: Settings,
        bot: Bot,
        texts: Texts,
        people: PeopleService,
        callback_answer: CallbackAnswer,
    ) -> None:
        actor = query.from_user.id
        if not is_super_coordinator(settings, actor):
            callback_answer.text = clip(t("team.only_super"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        if callback_data.action is TeamAction.INVITE:
            code = await people.invite_coordinator(actor)
            link = await create_start_link(bot, DeepLink(LinkKind.INVITE, code).payload)
            await message.answer(t("team.invite_link", link=link))
            return
        removing = callback_data.action is TeamAction.REMOVE
        if removing and await people.remove_coordinator(callback_data.user_id, actor):
            await show_coordinator_menu(bot, texts, callback_data.user_id, staff=False)
            callback_answer.text = clip(t("team.removed"), CALLBACK_ANSWER_LIMIT)
        team = await coordinators.list_coordinators(db)
        lines = [t("team.head")]
        builder = InlineKeyboardBuilder()
        for person in team:
            name = person.full_name or str(person.user_id)
            lines.append(f"• {t('team.line', name=name, id=person.user_id)}")
            builder.button(
                text=clip(t("team.btn.remove", name=name), 60),
                callback_data=TeamCallback(action=TeamAction.REMOVE, user_id=person.user_id),
            )
        if not people:
            lines.append(t("team.none"))
        builder.button(
            text=t("team.btn.invite"), callback_data=TeamCallback(action=TeamAction.INVITE)
        )
        builder.button(text=t("adm.btn.home"), callback_data=PanelCallback(action=PanelAction.HOME))
        builder.adjust(1)
        await edit_in_place(message, "\n".join(lines), builder.as_markup())

    return router
