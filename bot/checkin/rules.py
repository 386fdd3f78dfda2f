"""Check-in rules: the time window around an event, who may check in, and only once."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.events.model import Event, EventStatus
from bot.registration.rules import HOLDS_SEAT, RegistrationStatus


class CheckinMethod(StrEnum):
    QR = "qr"
    CODE = "code"
    LIST = "list"
    WALKIN = "walkin"


class CheckinResult(StrEnum):
    OK = "ok"
    WALKIN = "walkin"  # not registered, let in because the event takes walk-ins
    ALREADY = "already"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    NOT_REGISTERED = "not_registered"
    EVENT_OFF = "event_off"  # a draft or a cancelled event


def window(event: Event) -> tuple[datetime, datetime]:
    margin = timedelta(minutes=event.checkin_margin_minutes)
    return event.starts_at - margin, event.ends_at + margin


def decide(
    event: Event,
    now: datetime,
    registration: RegistrationStatus | None,
    already: bool,
    *,
    by_coordinator: bool = False,
) -> CheckinResult:
    """A coordinator marking people from the list is trusted with the time and the list."""
    if event.status is not EventStatus.PUBLISHED:
        return CheckinResult.EVENT_OFF
    if already:
        return CheckinResult.ALREADY
    if by_coordinator:
        return CheckinResult.OK
    opens, closes = window(event)
    if now < opens:
        return CheckinResult.TOO_EARLY
    if now > closes:
        return CheckinResult.TOO_LATE
    if registration in HOLDS_SEAT:
        return CheckinResult.OK
    if event.walkins_allowed:
        return CheckinResult.WALKIN
    return CheckinResult.NOT_REGISTERED
