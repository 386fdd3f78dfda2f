"""When reminders are due and when quiet hours end, in Almaty time (UTC+5)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.due_work import QuietHours, next_reminder_at, reminder_due, retry_delay
from bot.events.model import Event, EventStatus, EventType

ALMATY = ZoneInfo("Asia/Almaty")


def event_at(local: datetime, reminders: tuple[int, ...] = (1440, 120)) -> Event:
    starts = local.replace(tzinfo=ALMATY).astimezone(UTC)
    return Event(
        id=1, project_id=1, code="x", type=EventType.SEMINAR, title_ru="t", title_kk=None,
        description_ru=None, description_kk=None, starts_at=starts,
        ends_at=starts + timedelta(hours=2), place="", district=None, capacity=None,
        registration_deadline=None, by_application=False, status=EventStatus.PUBLISHED,
        reminder_minutes=reminders, survey_template=None, survey_anonymous=False,
        survey_delay_minutes=60, survey_nudge_minutes=1440, survey_close_minutes=10080,
        checkin_code=None, checkin_margin_minutes=60, walkins_allowed=False,
    )  # fmt: skip


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=ALMATY).astimezone(UTC)


def test_reminders_fall_due_at_their_local_times_across_midnight() -> None:
    # Starts at half past midnight: the day-before reminder is at 00:30 the previous night.
    event = event_at(datetime(2026, 6, 13, 0, 30))
    assert reminder_due(event, local("12.06.2026 00:29")) is None
    assert reminder_due(event, local("12.06.2026 00:30")) == 1440
    assert reminder_due(event, local("12.06.2026 22:29")) == 1440
    assert reminder_due(event, local("12.06.2026 22:30")) == 120
    assert reminder_due(event, local("13.06.2026 00:30")) is None, "nothing once it started"
    assert next_reminder_at(event, local("11.06.2026 12:00")) == local("12.06.2026 00:30")
    assert next_reminder_at(event, local("12.06.2026 01:00")) == local("12.06.2026 22:30")
    assert next_reminder_at(event, local("12.06.2026 23:00")) is None


def test_after_downtime_only_the_latest_due_reminder_is_sent() -> None:
    event = event_at(datetime(2026, 6, 13, 10, 0))
    assert reminder_due(event, local("13.06.2026 08:30")) == 120


QUIET = QuietHours(time(22, 0), time(8, 0), ALMATY)


@pytest.mark.parametrize(
    ("now", "release"),
    [
        ("12.06.2026 21:59", "12.06.2026 21:59"),
        ("12.06.2026 22:00", "13.06.2026 08:00"),
        ("12.06.2026 23:45", "13.06.2026 08:00"),
        ("13.06.2026 00:10", "13.06.2026 08:00"),
        ("13.06.2026 07:59", "13.06.2026 08:00"),
        ("13.06.2026 08:00", "13.06.2026 08:00"),
    ],
)
def test_quiet_hours_hold_messages_until_morning(now: str, release: str) -> None:
    assert QUIET.release_time(local(now)) == local(release)


def test_quiet_hours_within_one_day_and_off() -> None:
    lunch = QuietHours(time(13, 0), time(14, 0), ALMATY)
    assert lunch.release_time(local("12.06.2026 13:30")) == local("12.06.2026 14:00")
    assert lunch.release_time(local("12.06.2026 23:00")) == local("12.06.2026 23:00")
    off = QuietHours(time(0, 0), time(0, 0), ALMATY)
    assert off.release_time(local("12.06.2026 03:00")) == local("12.06.2026 03:00")


def test_backoff_grows_and_is_bounded() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert retry_delay(20) == timedelta(minutes=10)
