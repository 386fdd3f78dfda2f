"""Registration rules: who gets a seat, who waits, how a freed seat moves down the queue, and
which decisions an application can get. Plain values in, plain values out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.due_work import QuietHours
from bot.events.model import Event, EventStatus


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed seat, held until offer_expires_at
    APPLIED = "applied"  # under review (events by application)
    RESERVE = "reserve"  # an applicant kept in reserve by the coordinator
    REJECTED = "rejected"
    CANCELLED = "cancelled"


# Statuses that still count as "signed up" (a second tap is not a new registration).
ACTIVE = frozenset(
    {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.OFFERED,
        RegistrationStatus.APPLIED,
        RegistrationStatus.RESERVE,
    }
)
# Statuses that occupy one of the event's seats.
HOLDS_SEAT = frozenset({RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED})
# Applications still waiting for the coordinator's decision.
UNDECIDED = frozenset({RegistrationStatus.APPLIED, RegistrationStatus.RESERVE})
# What a coordinator can decide about an application.
DECISIONS = frozenset(
    {RegistrationStatus.CONFIRMED, RegistrationStatus.RESERVE, RegistrationStatus.REJECTED}
)
# Bounds of "approve the first N applications".
APPROVE_FIRST_MAX = 1000


class RegisterResult(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    APPLIED = "applied"
    ALREADY = "already"
    CLOSED = "closed"


@dataclass(frozen=True)
class Offer:
    send_at: datetime  # now, or the end of quiet hours when the offer waits for the morning
    deadline: datetime


@dataclass(frozen=True)
class OfferPolicy:
    """Close to the start a freed seat is offered, not given: the person may no longer come.

    An offer is a question with a deadline, so neither the question nor the deadline falls in
    quiet hours (the person is asleep) unless the event starts too soon to wait for the
    morning; and it closes `lead` before the start, so whoever takes the seat can still come.
    """

    window: timedelta = timedelta(hours=48)
    ttl: timedelta = timedelta(hours=12)
    lead: timedelta = timedelta(hours=1)
    quiet: QuietHours = field(default_factory=QuietHours.never)

    def offer(self, now: datetime, starts_at: datetime) -> Offer | None:
        """When an offer made now goes out and expires; None when the seat is simply given."""
        if starts_at - now > self.window:
            return None
        latest = starts_at - min(self.lead, (starts_at - now) / 2)
        morning = self.quiet.release_time(now)
        send_at = morning if morning + self.lead <= latest else now
        return Offer(send_at, self._deadline(send_at, latest))

    def _deadline(self, send_at: datetime, latest: datetime) -> datetime:
        deadline = send_at + self.ttl
        if self._at_night(deadline):
            # A night does not count: the person gets the usual time from the morning on.
            morning = self.quiet.release_time(deadline)
            deadline = min(morning + self.ttl, self.quiet.next_start(morning))
        if deadline <= latest:
            return deadline
        # The event starts first: the evening before a night-time cap, when the evening
        # still leaves time to answer.
        if self._at_night(latest):
            evening = self.quiet.began(latest)
            if evening - send_at >= self.lead:
                return evening
        return latest

    def _at_night(self, moment: datetime) -> bool:
        """In quiet hours past their first minute: a deadline at 22:00 sharp is the evening."""
        return self.quiet.holds(moment) and moment != self.quiet.began(moment)


class DecisionResult(StrEnum):
    DONE = "done"
    FULL = "full"  # approving would go beyond capacity
    GONE = "gone"  # no longer an application (withdrawn, decided already)
    CLOSED = "closed"  # the event was cancelled or has started


def seats_left(capacity: int | None, taken: int) -> int | None:
    """None for an unlimited event."""
    return None if capacity is None else max(capacity - taken, 0)


def seats_can_move(event: Event, now: datetime) -> bool:
    """Seats are given and applications decided only while the event is published and has not
    started: a cancelled event gives nobody a seat."""
    return event.status is EventStatus.PUBLISHED and now < event.starts_at


def cancellable(status: RegistrationStatus, event: Event, now: datetime) -> bool:
    return status in ACTIVE and now < event.starts_at


def status_for_new(event: Event, taken: int) -> RegistrationStatus:
    if event.by_application:
        return RegistrationStatus.APPLIED
    if event.capacity is None or taken < event.capacity:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITLISTED


MOTIVATION_MAX = 500
MOTIVATION_MIN = 10


class MotivationError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_motivation(raw: str) -> str:
    text = raw.strip()
    if len(text) < MOTIVATION_MIN:
        raise MotivationError("too_short")
    if len(text) > MOTIVATION_MAX:
        raise MotivationError("too_long")
    return text
