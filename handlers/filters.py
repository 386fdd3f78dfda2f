"""Filters shared by routers."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, TelegramObject, User

from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.service import EventService
from bot.people.profile import is_onboarded
from bot.people.service import PeopleService
from bot.people.users import UserRecord, telegram_language


class CoordinatorFilter(Filter):
    """Checked against the database on every update: hiding a button is not security."""

    async def __call__(
        self, event: TelegramObject, people: PeopleService, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and await people.is_coordinator(event_from_user.id)


class Onboarded(Filter):
    """The person has a finished profile: what acts on their behalf (signing up, checking in)
    and the profile screens need one."""

    async def __call__(self, event: TelegramObject, user: UserRecord) -> bool:
        return is_onboarded(user)


class LanguageKnown(Filter):
    """The person chose a language, or Telegram says they use one of the bot's: then the bot
    starts in it (with a way to switch) instead of asking."""

    async def __call__(
        self, event: TelegramObject, user: UserRecord, event_from_user: User | None = None
    ) -> bool:
        code = event_from_user.language_code if event_from_user else None
        return user.language_chosen or telegram_language(code) is not None


class EventFromButton(Filter):
    """Loads the event a button points at and hands it to the handler as `event`; a button
    pointing at an event gone (or, for participants, back in draft) is outdated."""

    def __init__(self, *, drafts: bool = False) -> None:
        self.drafts = drafts  # coordinators' buttons: drafts are theirs to see

    async def __call__(
        self, query: CallbackQuery, events: EventService, callback_data: CallbackData
    ) -> dict[str, Event]:
        event_id = getattr(callback_data, "event_id", None)
        event = await events.get(event_id) if isinstance(event_id, int) else None
        if event is None or not (self.drafts or event.listed_for_participants()):
            raise StaleButtonError(query.data or "")
        return {"event": event}
