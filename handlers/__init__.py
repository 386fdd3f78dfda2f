"""Thin aiogram routers. Each module builds its router in a factory, because an aiogram router
can be attached to only one parent; the rules they apply live in plain modules under bot/."""

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.filters import IS_MEMBER, ChatMemberUpdatedFilter
from aiogram.types import CallbackQuery, Chat, ChatMemberUpdated, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.deeplinks import LinkKind
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import Translator
from handlers import (
    admin,
    catalogue,
    checkin,
    errors,
    fallback,
    inline,
    language,
    membership,
    my_events,
    onboarding,
    profile,
    registration,
    reminders,
    start,
    survey,
)
from handlers.admin.team import open_invite
from handlers.links import LinkOpener


def link_openers() -> dict[LinkKind, LinkOpener]:
    """What each kind of deep link opens (handlers/links.py reads it from the handler data)."""
    return {
        LinkKind.EVENT: catalogue.open_event_card,
        LinkKind.CHECKIN: checkin.open_checkin,
        LinkKind.INVITE: open_invite,
    }


def build_router() -> Router:
    root = Router(name="root")
    private = Router(name="private")
    # Every feature speaks to one person about their own data, so it may only answer in that
    # person's chat with the bot. Set on every kind of update rather than on the ones handled
    # today, so a handler added later for edited messages or reactions is private too.
    for name, observer in private.observers.items():
        if name != "error":
            observer.filter(_in_private_chat)
    private.include_routers(
        membership.build_router(),
        admin.build_router(),
        onboarding.build_router(),
        start.build_router(),
        language.build_router(),
        catalogue.build_router(),
        registration.build_router(),
        my_events.build_router(),
        profile.build_router(),
        reminders.build_router(),
        checkin.build_router(),
        survey.build_router(),
        # Inline queries belong to no chat: the private-chat filter lets them through.
        inline.build_router(),
        # The fallback answers whatever nobody else took, so it stays last.
        fallback.build_router(),
    )
    root.include_routers(private, _outside_private_chats())
    errors.register(root)
    return root


def _in_private_chat(_: TelegramObject, event_chat: Chat | None = None) -> bool:
    """True in a private chat, and for updates that belong to no chat at all: a press on a
    message sent through inline mode has only an inline_message_id, and its press still
    needs its answer (the press guard asks people who never started the bot to do so)."""
    return event_chat is None or event_chat.type == ChatType.PRIVATE


def _outside_private_chats() -> Router:
    """Groups, supergroups and channels. The bot posts nothing there: group and channel
    messages, edits and member changes get no reply."""
    router = Router(name="outside-private-chats")

    @router.my_chat_member(ChatMemberUpdatedFilter(IS_MEMBER))
    async def added(update: ChatMemberUpdated, bot: Bot) -> None:
        # Leaves without a word: everybody in the group sees Telegram's own "bot left the
        # group", a farewell text would be in one language for a group of speakers of two,
        # and anyone who can add bots to a group could make this one post there at will.
        await bot.leave_chat(update.chat.id)

    @router.callback_query()
    async def pressed(
        _: CallbackQuery, bot: Bot, t: Translator, callback_answer: CallbackAnswer
    ) -> None:
        # A bot message with buttons in a group is a forged one or was posted before the bot
        # kept to private chats. Whatever its button would show is about the person who
        # pressed it, so nothing is shown to the group: only the alert, which the person
        # alone sees, pointing to the private chat.
        me = await bot.me()
        callback_answer.text = clip(
            t("error.private_only", bot=me.username or ""), CALLBACK_ANSWER_LIMIT
        )
        callback_answer.show_alert = True

    return router
