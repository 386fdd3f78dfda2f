"""Filters shared by routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject, User

from bot.config import Settings
from bot.db import Database
from bot.roles import is_coordinator


class CoordinatorFilter(Filter):
    """Checked against the database on every update: hiding a button is not security."""

    async def __call__(
        self,
        event: TelegramObject,
        db: Database,
        settings: Settings,
        event_from_user: User | None = None,
    ) -> bool:
        return event_from_user is not None and await is_coordinator(
            db, settings, event_from_user.id
        )
