"""How a participant's profile reads, with a button to edit each field."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.people.profile import ProfileField
from bot.people.users import UserRecord
from bot.reference import Reference
from bot.texts import Translator
from handlers.ui.callbacks import ProfileEditCallback


def profile_text(user: UserRecord, t: Translator, reference: Reference) -> str:
    return t(
        "profile.card",
        full_name=user.full_name or "—",
        phone=user.phone or "—",
        organisation=user.organisation or "—",
        category=reference.categories.label(user.category, t.language),
        district=reference.districts.label(user.district, t.language),
    )


def profile_keyboard(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field in ProfileField:
        builder.button(
            text=t(f"profile.btn.{field.value}"), callback_data=ProfileEditCallback(field=field)
        )
    builder.adjust(2)
    return builder.as_markup()
