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

    @classmethod
    def never(cls) -> QuietHours:
        """No quiet hours: every moment is a sending moment."""
        return cls(time(0), time(0), ZoneInfo("UTC"))

    def holds(self, moment: datetime) -> bool:
        """True when `moment` falls in the quiet window."""
        if self.start == self.end:
            return False
        clock = moment.astimezone(self.tz).time()
        if self.start > self.end:  # crosses midnight
            return clock >= self.start or clock < self.end
        return self.start <= clock < self.end

    def release_time(self, now: datetime) -> datetime:
        """`now` if sending is allowed, else when the quiet period ends (in UTC)."""
        if not self.holds(now):
            return now
        return self._next(now, self.end, after=True)

    def began(self, moment: datetime) -> datetime:
        """When the quiet period that holds `moment` started (`moment` itself at its start)."""
        return self._next(moment, self.start, after=False)

    def next_start(self, moment: datetime) -> datetime:
        """The next evening quiet hours begin, after `moment`."""
        return self._next(moment, self.start, after=True)

    def _next(self, moment: datetime, at: time, *, after: bool) -> datetime:
        """The nearest local `at` strictly after `moment`, or else at or before it."""
        local = moment.astimezone(self.tz)
        found = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if after and found <= local:
            found += timedelta(days=1)
        if not after and found > local:
            found -= timedelta(days=1)
        return found.astimezone(moment.tzinfo)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after a failed send: 2, 4, 8 ... seconds, at most ten minutes."""
    return timedelta(seconds=min(2**attempts, 600))


# A coordinator's progress message is edited at most this often while a delivery goes on
# (retries one by one would otherwise edit it at every one); the end is shown at once.
BOARD_EDIT_EVERY = timedelta(seconds=5)


def board_edit_due(
    shown: str | None, counts: str, shown_at: datetime | None, now: datetime, done: bool
) -> bool:
    """Whether the progress message showing `shown` since `shown_at` is to show `counts` now;
    never the same counts again (Telegram refuses an edit that changes nothing)."""
    if shown == counts:
        return False
    if done or shown_at is None:
        return True
    return now - shown_at >= BOARD_EDIT_EVERY
