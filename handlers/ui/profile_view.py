"""How a participant's profile reads, with a button to edit each field."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.people.profile import UNDISCLOSED, ProfileField, field_order
from bot.people.users import UserRecord
from bot.reference import Reference
from bot.texts import Translator
from handlers.ui.callbacks import ProfileEditCallback


def demographic_label(field: ProfileField, code: str | None, t: Translator) -> str:
    """A gender or age band as the person reads it (and taps it): "—" when not given."""
    if code is None:
        return "—"
    if code == UNDISCLOSED:
        return t("profile.undisclosed")
    return t(f"profile.{field.value}.{code}")


def profile_text(
    user: UserRecord, t: Translator, reference: Reference, *, demographics: bool
) -> str:
    """`demographics`: the deployment asks gender and age band, so the card shows them."""
    values = {
        "full_name": user.full_name or "—",
        "phone": user.phone or "—",
        "organisation": user.organisation or "—",
        "category": reference.categories.label(user.category, t.language),
        "district": reference.districts.label(user.district, t.language),
    }
    if not demographics:
        return t("profile.card", **values)
    return t(
        "profile.card_demographics",
        **values,
        gender=demographic_label(ProfileField.GENDER, user.gender, t),
        age_band=demographic_label(ProfileField.AGE_BAND, user.age_band, t),
    )


def profile_keyboard(t: Translator, *, demographics: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for field in field_order(demographics):
        builder.button(
            text=t(f"profile.btn.{field.value}"), callback_data=ProfileEditCallback(field=field)
        )
    builder.adjust(2)
    return builder.as_markup()
