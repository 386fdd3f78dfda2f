"""Callback data of the core routers. Every factory keeps its packed form within Telegram's
64 bytes: string fields are enums or have max_length (a test checks every CallbackData)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.profile import ProfileField


class LanguageCode(StrEnum):
    RU = "ru"
    KK = "kk"


class LanguageCallback(CallbackData, prefix="lang"):
    code: LanguageCode


class ConsentCallback(CallbackData, prefix="consent"):
    accept: bool


class ProfileEditCallback(CallbackData, prefix="pf"):
    field: ProfileField


class DeleteMeCallback(CallbackData, prefix="del"):
    confirm: bool
