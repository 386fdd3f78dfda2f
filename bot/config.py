"""Settings from the environment and `.env`; every key is documented in .env.example."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.due_work import QuietHours
from bot.registration.rules import OfferPolicy
from bot.texts import Language

TELEGRAM_API_DEFAULT = "https://api.telegram.org"
CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_path: Path = Path("data/bot.sqlite3")
    timezone: str = "Asia/Almaty"
    default_language: Language = "ru"
    telegram_api_url: str = TELEGRAM_API_DEFAULT
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shutdown_timeout: float = Field(default=10.0, gt=0)
    categories_file: Path = CONFIG_DIR / "categories.toml"
    districts_file: Path = CONFIG_DIR / "districts.toml"
    offer_window_hours: float = Field(default=48, ge=0)
    offer_ttl_hours: float = Field(default=12, gt=0)
    send_rate: float = Field(default=25, gt=0, le=30)
    send_max_attempts: int = Field(default=5, ge=1)
    quiet_hours_start: time = time(22, 0)
    quiet_hours_end: time = time(8, 0)
    scheduler_tick_seconds: float = Field(default=60, gt=0)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        bot_id, sep, secret = value.get_secret_value().partition(":")
        if not (sep and bot_id.isdigit() and len(secret) >= 30):
            raise ValueError("must look like 123456789:AAH... (the token @BotFather gave)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 111,222")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Asia/Almaty") from None
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet_hours(self) -> QuietHours:
        return QuietHours(self.quiet_hours_start, self.quiet_hours_end, self.tz)

    @property
    def offer_policy(self) -> OfferPolicy:
        return OfferPolicy(
            window=timedelta(hours=self.offer_window_hours),
            ttl=timedelta(hours=self.offer_ttl_hours),
        )

    @classmethod
    def model_fields_upper(cls) -> set[str]:
        """The environment variable names, as .env.example lists them."""
        return {name.upper() for name in cls.model_fields}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line that names the key."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]).upper() if error["loc"] else "?"
        reason = "is required" if error["type"] == "missing" else str(error["msg"])
        raise SettingsError(f"Setting {key} {reason.removeprefix('Value error, ')}") from None
