"""Seats, the waiting list and offers, through the repository (the rules handlers rely on)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.checkin import CheckinMethod, CheckinResult
from bot.db import Database
from bot.registration import OfferPolicy, RegisterResult, RegistrationStatus
from bot.repositories import checkins, registrations
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness

POLICY = OfferPolicy(window=timedelta(hours=48), ttl=timedelta(hours=12))


async def participants(db: Database, first_id: int, count: int) -> list[int]:
    ids = list(range(first_id, first_id + count))
    for user_id in ids:
        await make_participant(db, user_id, NOW)
    return ids


async def statuses(db: Database, event_id: int) -> dict[int, str]:
    rows = await db.fetch_all(
        "SELECT user_id, status FROM registrations WHERE event_id = ? ORDER BY id", (event_id,)
    )
    return {row["user_id"]: row["status"] for row in rows}


async def test_200_simultaneous_taps_for_15_seats(harness: Harness) -> None:
    db = harness.db
    event = await make_event(db, NOW, capacity=15)
    ids = await participants(db, 1000, 200)
    outcomes = await asyncio.gather(
        *(registrations.register(db, event.id, user_id, NOW) for user_id in ids)
    )
    results = [outcome.result for outcome in outcomes]
    assert results.count(RegisterResult.CONFIRMED) == 15
    assert results.count(RegisterResult.WAITLISTED) == 185
    # Waiting-list positions are 1..185 with no gaps or repeats, in the order of the taps.
    positions = [o.position for o in outcomes if o.result is RegisterResult.WAITLISTED]
    assert sorted(p for p in positions if p is not None) == list(range(1, 186))
    rows = await db.fetch_all(
        "SELECT status FROM registrations WHERE event_id = ? ORDER BY id", (event.id,)
    )
    assert [row["status"] for row in rows] == ["confirmed"] * 15 + ["waitlisted"] * 185


async def test_nobody_registers_twice(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1)
    await participants(harness.db, 10, 2)
    first = await registrations.register(harness.db, event.id, 10, NOW)
    again = await registrations.register(harness.db, event.id, 10, NOW)
    assert first.result is RegisterResult.CONFIRMED
    assert again.result is RegisterResult.ALREADY and again.status is RegistrationStatus.CONFIRMED
    queued = await registrations.register(harness.db, event.id, 11, NOW)
    queued_again = await registrations.register(harness.db, event.id, 11, NOW)
    assert (queued_again.result, queued_again.position) == (RegisterResult.ALREADY, 1)
    assert queued.position == 1
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 2


async def test_deadline_and_status_close_registration(harness: Harness) -> None:
    await participants(harness.db, 20, 1)
    late = await make_event(harness.db, NOW, registration_deadline=NOW - timedelta(minutes=1))
    outcome = await registrations.register(harness.db, late.id, 20, NOW)
    assert outcome.result is RegisterResult.CLOSED
    started = await make_event(harness.db, NOW - timedelta(hours=1), starts_at=NOW)
    assert (await registrations.register(harness.db, started.id, 20, NOW)).result is (
        RegisterResult.CLOSED
    )


async def test_cancelling_far_ahead_gives_the_seat_to_the_first_in_line(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(days=10), capacity=2)
    ids = await participants(harness.db, 30, 4)
    for user_id in ids:
        await registrations.register(harness.db, event.id, user_id, NOW)
    cancelled, promotions = await registrations.cancel(harness.db, event.id, 30, NOW, POLICY)
    assert cancelled
    assert [(p.user_id, p.status) for p in promotions] == [(32, RegistrationStatus.CONFIRMED)]
    assert await statuses(harness.db, event.id) == {
        30: "cancelled",
        31: "confirmed",
        32: "confirmed",
        33: "waitlisted",
    }
    mine = await registrations.get(harness.db, event.id, 33)
    assert mine is not None and await registrations.waitlist_position(harness.db, mine) == 1


async def test_close_to_the_start_the_seat_is_offered_and_moves_on(harness: Harness) -> None:
    starts = NOW + timedelta(hours=20)
    event = await make_event(harness.db, NOW, starts_at=starts, capacity=1)
    ids = await participants(harness.db, 40, 3)
    for user_id in ids:
        await registrations.register(harness.db, event.id, user_id, NOW)

    _, [offer] = await registrations.cancel(harness.db, event.id, 40, NOW, POLICY)
    assert (offer.user_id, offer.status) == (41, RegistrationStatus.OFFERED)
    assert offer.offer_expires_at == NOW + timedelta(hours=12)
    assert await registrations.next_offer_expiry(harness.db) == NOW + timedelta(hours=12)

    # Nobody else may take the offered seat meanwhile.
    await participants(harness.db, 49, 1)
    late = await registrations.register(harness.db, event.id, 49, NOW)
    assert late.result is RegisterResult.WAITLISTED

    later = NOW + timedelta(hours=12)
    [moved] = await registrations.expire_offers(harness.db, later, POLICY)
    assert (moved.user_id, moved.status) == (42, RegistrationStatus.OFFERED)
    assert moved.offer_expires_at == starts, "an offer never runs past the start"
    assert not await registrations.accept_offer(harness.db, event.id, 41, later)
    assert await registrations.accept_offer(harness.db, event.id, 42, later)
    assert (await statuses(harness.db, event.id))[42] == "confirmed"


async def test_declining_an_offer_passes_it_on(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(hours=5), capacity=1)
    ids = await participants(harness.db, 50, 3)
    for user_id in ids:
        await registrations.register(harness.db, event.id, user_id, NOW)
    await registrations.cancel(harness.db, event.id, 50, NOW, POLICY)
    _, [next_offer] = await registrations.cancel(harness.db, event.id, 51, NOW, POLICY)
    assert next_offer.user_id == 52


async def test_signing_up_again_after_cancelling_queues_at_the_end(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1)
    ids = await participants(harness.db, 60, 3)
    for user_id in ids:
        await registrations.register(harness.db, event.id, user_id, NOW)
    await registrations.cancel(harness.db, event.id, 61, NOW, POLICY)
    again = await registrations.register(harness.db, event.id, 61, NOW)
    assert (again.result, again.position) == (RegisterResult.WAITLISTED, 2)


async def test_events_by_application_put_everyone_under_review(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=15, by_application=True)
    await participants(harness.db, 70, 1)
    outcome = await registrations.register(harness.db, event.id, 70, NOW, "Хочу перенять опыт")
    assert outcome.result is RegisterResult.APPLIED
    mine = await registrations.get(harness.db, event.id, 70)
    assert mine is not None and mine.motivation == "Хочу перенять опыт"


async def test_a_cancelled_event_moves_nobody_up(harness: Harness) -> None:
    db = harness.db
    event = await make_event(db, NOW, capacity=1)
    for user_id in (730, 731):
        await make_participant(db, user_id, NOW)
        await registrations.register(db, event.id, user_id, NOW)
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (event.id,))

    cancelled, promoted = await registrations.cancel(db, event.id, 730, NOW, POLICY)
    assert cancelled and promoted == []
    waiting = await registrations.get(db, event.id, 731)
    assert waiting is not None and waiting.status is RegistrationStatus.WAITLISTED


async def test_checking_in_on_an_offer_takes_the_seat(harness: Harness) -> None:
    db = harness.db
    starts = NOW + timedelta(minutes=30)
    event = await make_event(db, NOW - timedelta(days=5), capacity=1, starts_at=starts)
    for user_id in (740, 741):
        await make_participant(db, user_id, NOW)
        await registrations.register(db, event.id, user_id, NOW - timedelta(days=5))
    _, [promotion] = await registrations.cancel(db, event.id, 740, NOW, POLICY)
    assert promotion.status is RegistrationStatus.OFFERED

    result = await checkins.check_in(db, event.id, 741, CheckinMethod.QR, NOW)
    assert result is CheckinResult.OK
    assert await registrations.expire_offers(db, starts + timedelta(minutes=1), POLICY) == []
    mine = await registrations.get(db, event.id, 741)
    assert mine is not None and mine.status is RegistrationStatus.CONFIRMED
