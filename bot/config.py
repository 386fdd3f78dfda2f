"""Settings from the environment and `.env`; every key is documented in .env.example."""

from __future__ import annotations

import re
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
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
    # Gender and age band in the profile, both optional: only where the funder's monitoring asks.
    profile_demographics: bool = False
    # Running it for real (README): how updates arrive, health and metrics, logs, backups.
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = Field(default=None, validate_default=True)
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_path: str = "/telegram"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    listen_host: str = "127.0.0.1"
    health_port: int | None = Field(default=None, ge=1, le=65535)
    log_format: Literal["text", "json"] = "text"
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1)
    # The demo (python -m bot.demo): against the emulator on this machine only, and only there
    # may the clock be moved.
    demo: bool = False
    demo_clock_file: Path | None = None

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

    @field_validator("demo")
    @classmethod
    def _demo_is_local(cls, value: bool, info: ValidationInfo) -> bool:
        host = urlsplit(info.data.get("telegram_api_url") or "").hostname
        if value and host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("runs only against the emulator on this machine (TELEGRAM_API_URL)")
        return value

    @field_validator("demo_clock_file", mode="before")
    @classmethod
    def _demo_only(cls, value: object, info: ValidationInfo) -> object:
        if value in (None, ""):  # .env.example lists the key empty
            return None
        if not info.data.get("demo"):
            raise ValueError("moves the bot's clock: only with DEMO=true, never in production")
        return value

    @field_validator("webhook_url", "webhook_secret", "health_port", "backup_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # .env.example lists these keys empty; pydantic would read "" as the path "."
        return None if value == "" else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("mode") == "webhook":
                raise ValueError("is required when MODE=webhook (the bot's public address)")
            return None
        # http:// is for a self-hosted Bot API server on the same network; Telegram's own
        # needs https on port 443, 80, 88 or 8443.
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a self-hosted Bot API)")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None:
            if info.data.get("mode") == "webhook":
                raise ValueError("is required when MODE=webhook")
            return None
        # Telegram's rule for secret_token; anything else makes setWebhook fail at start.
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("health_port")
    @classmethod
    def _own_port(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and value == info.data.get("webhook_port"):
            raise ValueError("must differ from WEBHOOK_PORT (empty: health on the webhook server)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /, e.g. /telegram")
        return value

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
            quiet=self.quiet_hours,
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
