"""Signing up, one use case per method: each reads, decides and writes in one write transaction,
and queues the notices it causes (a freed seat, a decision on an application) in that same
transaction, so a crash leaves either no change or the change with its notice.

Every decision that reads seats and then writes runs in one transaction, so 200 simultaneous
taps for 15 seats give exactly 15 confirmed and the rest queued in tap order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import aiosqlite

from bot import audit
from bot.clock import Clock
from bot.events import store as events
from bot.events.model import Event, EventStatus
from bot.notices import NoticeKind, Notices
from bot.platform.db import Database
from bot.registration import store
from bot.registration.rules import (
    ACTIVE,
    DECISIONS,
    UNDECIDED,
    DecisionResult,
    OfferPolicy,
    RegisterResult,
    RegistrationStatus,
    cancellable,
    seats_can_move,
    seats_left,
    status_for_new,
)
from bot.registration.store import Applicant, MyRegistration, Promotion, Registration


@dataclass(frozen=True)
class RegisterOutcome:
    result: RegisterResult
    status: RegistrationStatus | None = None
    position: int | None = None  # place on the waiting list


@dataclass(frozen=True)
class CapacityChange:
    saved: bool
    taken: int  # seats held when the change was decided
    promoted: int  # people moved up from the waiting list


@dataclass(frozen=True)
class Decision:
    result: DecisionResult
    registration: Registration | None  # None when there is no such application


@dataclass(frozen=True)
class Approved:
    """One of the applicants approved together."""

    user_id: int
    full_name: str | None  # None once the person erased their data


@dataclass(frozen=True)
class Standing:
    """What the event card shows of the sign-ups: the seats held, and the reader's own
    registration with their place on the waiting list."""

    taken: int
    mine: Registration | None
    position: int | None = None


@dataclass(frozen=True)
class MyEvents:
    """/my in sections: what the person may still go to, their applications not approved and
    the events the organisers cancelled (both not over yet), then the latest past ones."""

    upcoming: list[MyRegistration]
    not_approved: list[MyRegistration]
    cancelled: list[MyRegistration]
    past: list[MyRegistration]

    def empty(self) -> bool:
        return not (self.upcoming or self.not_approved or self.cancelled or self.past)


class RegistrationService:
    def __init__(self, db: Database, notices: Notices, clock: Clock, policy: OfferPolicy) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock
        self.policy = policy

    async def standing(self, event_id: int, user_id: int) -> Standing:
        mine = await store.get(self.db, event_id, user_id)
        position = await store.waitlist_position(self.db, mine) if mine else None
        return Standing(await store.seats_taken(self.db, event_id), mine, position)

    async def my_events(self, user_id: int, past_shown: int) -> MyEvents:
        """/my: the person's registrations sorted out, nearest first in each section."""
        now = self.clock.now()
        upcoming: list[MyRegistration] = []
        not_approved: list[MyRegistration] = []
        cancelled: list[MyRegistration] = []
        past: list[MyRegistration] = []
        for item in await store.for_user(self.db, user_id):
            if item.event.ends_at <= now:
                past.append(item)
            elif item.event.status is EventStatus.CANCELLED:
                cancelled.append(item)
            elif item.registration.status is RegistrationStatus.REJECTED:
                not_approved.append(item)
            else:
                upcoming.append(item)
        return MyEvents(upcoming, not_approved, cancelled, past[-past_shown:])

    async def holds_seat(self, event_id: int, user_id: int) -> bool:
        return await store.holds_seat(self.db, event_id, user_id)

    async def register(
        self, event_id: int, user_id: int, motivation: str | None = None
    ) -> RegisterOutcome:
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            if event is None or not event.registration_open(now):
                return RegisterOutcome(RegisterResult.CLOSED)
            existing = await store.own_in(conn, event_id, user_id)
            if existing is not None and existing.status in ACTIVE:
                position = (
                    await store.position_in(conn, existing.id, event_id)
                    if existing.status is RegistrationStatus.WAITLISTED
                    else None
                )
                return RegisterOutcome(RegisterResult.ALREADY, existing.status, position)
            if existing is not None:
                # Signing up again after cancelling (or a rejection of an earlier application):
                # a new row, so the person queues behind everyone who tapped before.
                await store.remove(conn, existing.id)
            status = status_for_new(event, await store.seats_taken_in(conn, event_id))
            registration_id = await store.add(conn, event_id, user_id, status, motivation, now)
            position = (
                await store.position_in(conn, registration_id, event_id)
                if status is RegistrationStatus.WAITLISTED
                else None
            )
        return RegisterOutcome(RegisterResult(status.value), status, position)

    async def cancel(self, event_id: int, user_id: int) -> bool:
        """True once the registration is cancelled, also when an earlier tap of the same
        button did it; the freed seat goes down the waiting list."""
        return await self._cancel(event_id, user_id, only=None)

    async def decline_offer(self, event_id: int, user_id: int) -> bool:
        """Declining is cancelling only an offer, so an old Decline button cannot cancel a
        seat the person has accepted since."""
        return await self._cancel(event_id, user_id, only=RegistrationStatus.OFFERED)

    async def _cancel(self, event_id: int, user_id: int, only: RegistrationStatus | None) -> bool:
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            existing = await store.own_in(conn, event_id, user_id)
            if event is None or existing is None:
                return False
            if existing.status is RegistrationStatus.CANCELLED:
                return True
            if not cancellable(existing.status, event, now):
                return False
            if only is not None and existing.status is not only:
                return False
            await store.set_status(conn, [existing.id], RegistrationStatus.CANCELLED, now)
            promoted = await self.fill_seats(conn, event)
        if promoted:
            self.notices.wake()
        return True

    async def confirm_attendance(self, event_id: int, user_id: int) -> bool:
        """The reminder's "I'm coming": True when the person holds a confirmed seat."""
        async with self.db.write() as conn:
            return await store.confirm_attendance(conn, event_id, user_id, self.clock.now())

    async def accept_offer(self, event_id: int, user_id: int) -> bool:
        """True once the offered seat is the person's, also when an earlier tap took it."""
        now = self.clock.now()
        async with self.db.write() as conn:
            existing = await store.own_in(conn, event_id, user_id)
            if existing is None:
                return False
            if existing.status is RegistrationStatus.CONFIRMED:
                return True
            if existing.status is not RegistrationStatus.OFFERED or (
                existing.offer_expires_at is not None and now >= existing.offer_expires_at
            ):
                return False
            await store.set_status(conn, [existing.id], RegistrationStatus.CONFIRMED, now)
        return True

    async def change_capacity(self, event_id: int, capacity: int | None) -> CapacityChange:
        """A new number of seats (None: unlimited), never below the seats already held; seats
        it frees go to the waiting list at once, with no sign-up slipping in between."""
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            if event is None:
                return CapacityChange(False, 0, 0)
            change = await self.set_capacity(conn, event, capacity)
        if change.promoted:
            self.notices.wake()
        return change

    async def set_capacity(
        self, conn: aiosqlite.Connection, event: Event, capacity: int | None
    ) -> CapacityChange:
        """Inside the caller's transaction (an event edit): the capacity change and the seats
        it frees, or nothing when it would go below the seats held."""
        taken = await store.seats_taken_in(conn, event.id)
        if capacity is not None and capacity < taken:
            return CapacityChange(False, taken, 0)
        await events.update_event(conn, event.id, {"capacity": capacity}, self.clock.now())
        promoted = await self.fill_seats(conn, replace(event, capacity=capacity))
        return CapacityChange(True, taken, promoted)

    async def expire_offers(self) -> int:
        """Offers not taken in time lapse and each seat moves on to the next in the queue;
        how many people moved up."""
        now = self.clock.now()
        promoted = 0
        async with self.db.write() as conn:
            lapsed = await store.lapse_offers(conn, now)
            for offer in lapsed:
                await self.notices.submit(
                    NoticeKind.OFFER_LAPSED,
                    lapse_payload(offer),
                    [offer.user_id],
                    conn=conn,
                )
            for event_id in sorted({offer.event_id for offer in lapsed}):
                event = await events.event_in(conn, event_id)
                if event is not None:
                    promoted += await self.fill_seats(conn, event)
        if lapsed:
            self.notices.wake()
        return promoted

    async def fill_seats(self, conn: aiosqlite.Connection, event: Event) -> int:
        """Inside the caller's transaction: move people from the head of the waiting list into
        free seats and queue each one's notice; how many moved."""
        now = self.clock.now()
        if not seats_can_move(event, now):
            return 0
        taken = await store.seats_taken_in(conn, event.id)
        free = seats_left(event.capacity, taken)
        if free == 0:
            return 0
        heads = await store.queue_heads(conn, event.id, free)
        offer = self.policy.offer(now, event.starts_at)
        deadline = None if offer is None else offer.deadline
        status = RegistrationStatus.CONFIRMED if offer is None else RegistrationStatus.OFFERED
        await store.set_status(conn, [rid for rid, _ in heads], status, now, deadline)
        for registration_id, user_id in heads:
            promotion = Promotion(registration_id, event.id, user_id, status, deadline)
            await self.notices.submit(
                NoticeKind.PROMOTION,
                promotion_payload(promotion),
                [user_id],
                # Quiet hours hold the notice till the morning the policy counted the offer
                # from; an offer that cannot wait for the morning goes out at once.
                urgent=offer is not None and offer.send_at <= now,
                hold_limit=event.starts_at,
                conn=conn,
            )
        return len(heads)

    async def decide(
        self, registration_id: int, decision: RegistrationStatus, actor: int
    ) -> Decision:
        """Approve (only within capacity), keep in reserve, or reject one application; the
        applicant's notice and the audit row go with the decision."""
        if decision not in DECISIONS:
            raise ValueError(f"not a decision: {decision}")
        now = self.clock.now()
        async with self.db.write() as conn:
            registration = await store.by_id_in(conn, registration_id)
            if registration is None or registration.status not in UNDECIDED:
                return Decision(DecisionResult.GONE, None)
            event = await events.event_in(conn, registration.event_id)
            if event is None or not seats_can_move(event, now):
                return Decision(DecisionResult.CLOSED, registration)
            if (
                decision is RegistrationStatus.CONFIRMED
                and seats_left(event.capacity, await store.seats_taken_in(conn, event.id)) == 0
            ):
                return Decision(DecisionResult.FULL, registration)
            await store.set_status(conn, [registration.id], decision, now)
            await self.notices.submit(
                NoticeKind.APPLICATION_DECISION,
                {"event_id": event.id, "status": decision.value},
                [registration.user_id],
                urgent=True,
                created_by=actor,
                conn=conn,
            )
            await audit.record(
                conn,
                actor,
                f"application.{decision.value}",
                f"registration:{registration.id}",
                {},
                now,
            )
        self.notices.wake()
        return Decision(DecisionResult.DONE, registration)

    async def approve_first(self, event_id: int, count: int, actor: int) -> list[Approved]:
        """Approve up to `count` applications in the order they came, never beyond capacity;
        the people approved, in that order."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await events.event_in(conn, event_id)
            if event is None or not seats_can_move(event, now):
                return []
            free = seats_left(event.capacity, await store.seats_taken_in(conn, event_id))
            room = count if free is None else min(count, free)
            if room <= 0:
                return []
            first = await store.first_applications(conn, event_id, room)
            if not first:
                return []
            await store.set_status(
                conn, [rid for rid, _, _ in first], RegistrationStatus.CONFIRMED, now
            )
            approved = [user_id for _, user_id, _ in first]
            await self.notices.submit(
                NoticeKind.APPLICATION_DECISION,
                {"event_id": event.id, "status": RegistrationStatus.CONFIRMED.value},
                approved,
                urgent=True,
                created_by=actor,
                conn=conn,
            )
            await audit.record(
                conn,
                actor,
                "application.approve_first",
                f"event:{event.id}",
                {"users": approved},
                now,
            )
        self.notices.wake()
        return [Approved(user_id, name) for _, user_id, name in first]

    async def own(self, event_id: int, user_id: int) -> Registration | None:
        return await store.get(self.db, event_id, user_id)

    async def applicants(self, event_id: int) -> list[Applicant]:
        """Applications under review and in reserve, in the order they came."""
        return await store.applicants(self.db, event_id)

    async def seats_taken(self, event_id: int) -> int:
        return await store.seats_taken(self.db, event_id)


def promotion_payload(promotion: Promotion) -> dict[str, Any]:
    """What the notice's renderer needs to check, when its turn comes, that the seat (or the
    offer) is still the person's."""
    return {
        "event_id": promotion.event_id,
        "registration_id": promotion.registration_id,
        "status": promotion.status.value,
    }


def lapse_payload(offer: Registration) -> dict[str, Any]:
    return {
        "event_id": offer.event_id,
        "registration_id": offer.id,
        "deadline": offer.offer_expires_at.isoformat() if offer.offer_expires_at else None,
    }


# The outbox's renderers decide at send time whether a queued notice still holds; they read
# with the database their RenderContext carries, so these take `db`.


@dataclass(frozen=True)
class DueReminder:
    event: Event
    coming: bool  # already said "I'm coming": the reminder need not ask again


async def reminder_event(
    db: Database, event_id: int, queued_for: object, user_id: int, now: datetime
) -> DueReminder | None:
    """The event a reminder is still worth sending for: on, at the start it was queued for
    (a moved event gets reminders of its own), not started yet, and the person still holds a
    confirmed seat."""
    event = await events.get_event(db, event_id)
    if (
        event is None
        or event.status is not EventStatus.PUBLISHED
        or event.starts_at.isoformat() != queued_for
        or now >= event.starts_at
    ):
        return None
    mine = await store.get(db, event.id, user_id)
    if mine is None or mine.status is not RegistrationStatus.CONFIRMED:
        return None
    return DueReminder(event, await store.attendance_confirmed(db, mine.id))


@dataclass(frozen=True)
class Promoted:
    event: Event
    deadline: datetime | None  # when the offered seat lapses; None: the seat is given


async def promotion_due(
    db: Database, registration_id: int, status: str, user_id: int, now: datetime
) -> Promoted | None:
    """A seat freed for someone on the waiting list, while it is still theirs when the
    notice's turn comes: an offer may have lapsed or been declined, the event cancelled."""
    mine = await store.by_id(db, registration_id)
    if mine is None or mine.user_id != user_id or mine.status != status:
        return None
    event = await events.get_event(db, mine.event_id)
    if event is None or event.status is not EventStatus.PUBLISHED or now >= event.starts_at:
        return None
    if mine.status is RegistrationStatus.CONFIRMED:
        return Promoted(event, None)
    if mine.offer_expires_at is None or now >= mine.offer_expires_at:
        return None
    return Promoted(event, mine.offer_expires_at)


async def lapse_due(
    db: Database, registration_id: int, event_id: int, user_id: int
) -> Event | None:
    """The event of an offer that lapsed, while telling it still makes sense when the notice's
    turn comes: the person has not signed up again and the event is still on."""
    mine = await store.get(db, event_id, user_id)
    if mine is None or mine.id != registration_id:
        return None
    if mine.status is not RegistrationStatus.CANCELLED:
        return None
    event = await events.get_event(db, event_id)
    return event if event is not None and event.status is EventStatus.PUBLISHED else None


async def decision_due(db: Database, event_id: int, user_id: int, status: str) -> Event | None:
    """The event an applicant is told a decision on, while the decision stands and the event
    is on when the notice's turn comes."""
    event = await events.get_event(db, event_id)
    mine = await store.get(db, event_id, user_id)
    if event is None or mine is None or mine.status != status:
        return None
    return event if event.status is EventStatus.PUBLISHED else None
