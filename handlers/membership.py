"""Telegram tells the bot when a person blocks or unblocks it (my_chat_member updates)."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from bot.people.service import PeopleService

GONE = {ChatMemberStatus.KICKED, ChatMemberStatus.LEFT}


async def changed(update: ChatMemberUpdated, people: PeopleService) -> None:
    reachable = update.new_chat_member.status not in GONE
    await people.set_reachable(update.from_user.id, reachable)


def build_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(changed)
    return router
