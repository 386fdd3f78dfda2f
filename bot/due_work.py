"""What is due when: reminders before an event, and quiet hours for non-urgent messages.

Plain functions of time, so the scheduler's decisions are tested with any clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.events.model import Event


def reminder_due(event: Event, now: datetime) -> int | None:
    """The reminder (minutes before the start) to send now, or None.

    Only the latest due one: a bot that was down through the 24-hour reminder and comes back
    two hours before the start sends the 2-hour reminder, not both. Nothing once it started.
    """
    if now >= event.starts_at:
        return None
    due = [m for m in event.reminder_minutes if now >= event.starts_at - timedelta(minutes=m)]
    return min(due) if due else None


def next_reminder_at(event: Event, now: datetime) -> datetime | None:
    upcoming = [
        event.starts_at - timedelta(minutes=m)
        for m in event.reminder_minutes
        if event.starts_at - timedelta(minutes=m) > now
    ]
    return min(upcoming) if upcoming else None


def reminder_key(event: Event, minutes: int) -> str:
    """Keyed by the start time too: a moved event gets fresh reminders, the old ones lapse."""
    return f"reminder:{event.id}:{minutes}:{event.starts_at:%Y%m%d%H%M}"


@dataclass(frozen=True)
class QuietHours:
    """A local-time window (may cross midnight) when non-urgent messages wait."""

    start: time
    end: time
    tz: ZoneInfo

    def release_time(self, now: datetime) -> datetime:
        """`now` if sending is allowed, else when the quiet period ends (in UTC)."""
        if self.start == self.end:
            return now
        local = now.astimezone(self.tz)
        clock = local.time()
        crosses_midnight = self.start > self.end
        quiet = (
            (clock >= self.start or clock < self.end)
            if crosses_midnight
            else (self.start <= clock < self.end)
        )
        if not quiet:
            return now
        release = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if release <= local:
            release += timedelta(days=1)
        return release.astimezone(now.tzinfo)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after a failed send: 2, 4, 8 ... seconds, at most ten minutes."""
    return timedelta(seconds=min(2**attempts, 600))
