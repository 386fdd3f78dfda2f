"""/profile (see and edit one's data), /privacy (what is stored and why), /delete_me."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.reference import Reference
from bot.texts import Translator
from handlers import onboarding
from handlers.ui.callbacks import DeleteMeCallback, ProfileEditCallback
from handlers.ui.editing import edit_in_place
from handlers.ui.profile_view import profile_keyboard, profile_text


def build_router() -> Router:
    router = Router(name="profile")

    @router.message(Command("profile"))
    async def show(
        message: Message, user: UserRecord, state: FSMContext, t: Translator, reference: Reference
    ) -> None:
        if not onboarding.is_onboarded(user):
            await onboarding.resume(message, user, state, t, reference)
            return
        await message.answer(profile_text(user, t, reference), reply_markup=profile_keyboard(t))

    @router.callback_query(ProfileEditCallback.filter(), F.message.as_("message"))
    async def edit(
        query: CallbackQuery,
        callback_data: ProfileEditCallback,
        message: Message,
        user: UserRecord,
        state: FSMContext,
        t: Translator,
        reference: Reference,
    ) -> None:
        if not onboarding.is_onboarded(user):
            await onboarding.resume(message, user, state, t, reference)
            return
        step = onboarding.STATE_OF[callback_data.field]
        await onboarding.start_form(message, state, t, reference, mode=onboarding.EDIT, step=step)

    @router.message(Command("privacy"))
    async def privacy(message: Message, t: Translator) -> None:
        await message.answer(t("privacy.text"))

    @router.message(Command("delete_me"))
    async def delete_me(message: Message, user: UserRecord, t: Translator) -> None:
        if not user.persisted or user.deleted_at is not None:
            await message.answer(t("privacy.nothing_stored"))
            return
        builder = InlineKeyboardBuilder()
        builder.button(text=t("privacy.btn.delete"), callback_data=DeleteMeCallback(confirm=True))
        builder.button(text=t("privacy.btn.keep"), callback_data=DeleteMeCallback(confirm=False))
        builder.adjust(1)
        await message.answer(t("privacy.delete_confirm"), reply_markup=builder.as_markup())

    @router.callback_query(DeleteMeCallback.filter(), F.message.as_("message"))
    async def delete_confirmed(
        query: CallbackQuery,
        callback_data: DeleteMeCallback,
        message: Message,
        user: UserRecord,
        t: Translator,
        db: Database,
        clock: Clock,
        people: PeopleService,
    ) -> None:
        if not callback_data.confirm:
            await edit_in_place(message, t("privacy.kept"))
            return
        if not await people.erase(user.id):
            await edit_in_place(message, t("privacy.nothing_stored"))
            return
        await edit_in_place(message, t("privacy.deleted"))

    return router
