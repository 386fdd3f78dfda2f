"""/profile (see and edit one's data), /privacy (what is stored and why), /delete_me."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.reference import Reference
from bot.texts import Translator
from handlers import onboarding
from handlers.ui.callbacks import DeleteMeCallback, ProfileEditCallback
from handlers.ui.editing import edit_in_place
from handlers.ui.forms import Mode
from handlers.ui.profile_view import profile_keyboard, profile_text


async def show(
    message: Message, user: UserRecord, t: Translator, reference: Reference, settings: Settings
) -> None:
    demographics = settings.profile_demographics
    await message.answer(
        profile_text(user, t, reference, demographics=demographics),
        reply_markup=profile_keyboard(t, demographics=demographics),
    )


async def edit(
    query: CallbackQuery,
    callback_data: ProfileEditCallback,
    message: Message,
    state: FSMContext,
    t: Translator,
    reference: Reference,
    settings: Settings,
) -> None:
    await onboarding.start_form(
        message, state, t, reference, settings, mode=Mode.EDIT, step=callback_data.field
    )


async def privacy(message: Message, t: Translator, settings: Settings) -> None:
    # Where gender and age band are asked, the person is told they are kept too.
    extra = f"\n\n{t('privacy.demographics')}" if settings.profile_demographics else ""
    await message.answer(t("privacy.text") + extra)


async def delete_me(message: Message, user: UserRecord, t: Translator) -> None:
    if not user.persisted or user.deleted_at is not None:
        await message.answer(t("privacy.nothing_stored"))
        return
    builder = InlineKeyboardBuilder()
    builder.button(text=t("privacy.btn.delete"), callback_data=DeleteMeCallback(confirm=True))
    builder.button(text=t("privacy.btn.keep"), callback_data=DeleteMeCallback(confirm=False))
    builder.adjust(1)
    await message.answer(t("privacy.delete_confirm"), reply_markup=builder.as_markup())


async def keep_data(query: CallbackQuery, message: Message, t: Translator) -> None:
    await edit_in_place(message, t("privacy.kept"))


async def delete_confirmed(
    query: CallbackQuery, message: Message, user: UserRecord, t: Translator, people: PeopleService
) -> None:
    erased = await people.erase(user.id)
    await edit_in_place(message, t("privacy.deleted" if erased else "privacy.nothing_stored"))


def build_onboarded_router() -> Router:
    """What needs a finished profile (handlers/start.py puts it behind the gate)."""
    router = Router(name="profile-onboarded")
    router.message.register(show, Command("profile"))
    router.callback_query.register(edit, ProfileEditCallback.filter(), F.message.as_("message"))
    return router


def build_router() -> Router:
    router = Router(name="profile")
    router.message.register(privacy, Command("privacy"))
    router.message.register(delete_me, Command("delete_me"))
    router.callback_query.register(
        keep_data, DeleteMeCallback.filter(~F.confirm), F.message.as_("message")
    )
    router.callback_query.register(
        delete_confirmed, DeleteMeCallback.filter(F.confirm), F.message.as_("message")
    )
    return router
