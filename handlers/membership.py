"""Telegram tells the bot when a person blocks or unblocks it (my_chat_member updates)."""

from __future__ import annotations

from aiogram import Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from bot.clock import Clock
from bot.people import users
from bot.platform.db import Database

GONE = {ChatMemberStatus.KICKED, ChatMemberStatus.LEFT}


def build_router() -> Router:
    router = Router(name="membership")

    @router.my_chat_member()
    async def changed(update: ChatMemberUpdated, db: Database, clock: Clock) -> None:
        user_id = update.from_user.id
        if update.new_chat_member.status in GONE:
            await users.mark_unreachable(db, user_id, clock.now())
        else:
            await users.mark_reachable(db, user_id)

    return router
