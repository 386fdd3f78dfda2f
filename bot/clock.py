"""Time: an injectable clock, and the one format times are stored in (UTC text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DB_FORMAT = "%Y-%m-%d %H:%M:%S"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return moment.astimezone(UTC).strftime(DB_FORMAT)


def from_db(text: str) -> datetime:
    return datetime.strptime(text, DB_FORMAT).replace(tzinfo=UTC)


def local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """How dates are written in Kazakhstan: 13.06.2026 10:00."""
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """Parse '13.06.2026 10:00' typed in local time; raises ValueError when impossible."""
    naive = datetime.strptime(" ".join(text.split()), "%d.%m.%Y %H:%M")
    return naive.replace(tzinfo=tz).astimezone(UTC)
