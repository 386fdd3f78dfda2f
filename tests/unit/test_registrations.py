"""Seats, the waiting list and offers, through the registration service (the rules every
button and the scheduler rely on), and the notices each freed seat queues."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.checkin.rules import CheckinMethod, CheckinResult
from bot.platform.db import Database
from bot.registration import store as registrations
from bot.registration.rules import RegisterResult, RegistrationStatus
from tests.conftest import NOW
from tests.factories import check_in_at, make_event, make_participant, sign_up
from tests.harness import Harness

SEND = SendMessage(chat_id=0, text="x")


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


async def promotions_told(db: Database) -> list[tuple[int, str]]:
    """(person, status) of every promotion notice queued, in order."""
    rows = await db.fetch_all(
        "SELECT d.user_id, j.payload FROM outbox_jobs j JOIN outbox_deliveries d "
        "ON d.job_id = j.id WHERE j.kind = 'promotion' ORDER BY j.id"
    )
    return [(row["user_id"], json.loads(row["payload"])["status"]) for row in rows]


async def test_200_simultaneous_taps_for_15_seats(harness: Harness) -> None:
    db = harness.db
    event = await make_event(db, NOW, capacity=15)
    ids = await participants(db, 1000, 200)
    outcomes = await asyncio.gather(
        *(harness.app.registration.register(event.id, user_id) for user_id in ids)
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
    first = await harness.app.registration.register(event.id, 10)
    again = await harness.app.registration.register(event.id, 10)
    assert first.result is RegisterResult.CONFIRMED
    assert again.result is RegisterResult.ALREADY and again.status is RegistrationStatus.CONFIRMED
    queued = await harness.app.registration.register(event.id, 11)
    queued_again = await harness.app.registration.register(event.id, 11)
    assert (queued_again.result, queued_again.position) == (RegisterResult.ALREADY, 1)
    assert queued.position == 1
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 2


async def test_deadline_and_status_close_registration(harness: Harness) -> None:
    await participants(harness.db, 20, 1)
    late = await make_event(harness.db, NOW, registration_deadline=NOW - timedelta(minutes=1))
    outcome = await harness.app.registration.register(late.id, 20)
    assert outcome.result is RegisterResult.CLOSED
    started = await make_event(harness.db, NOW - timedelta(hours=1), starts_at=NOW)
    assert (await harness.app.registration.register(started.id, 20)).result is (
        RegisterResult.CLOSED
    )


async def test_cancelling_far_ahead_gives_the_seat_to_the_first_in_line(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(days=10), capacity=2)
    ids = await participants(harness.db, 30, 4)
    for user_id in ids:
        await harness.app.registration.register(event.id, user_id)
    assert await harness.app.registration.cancel(event.id, 30)
    assert await promotions_told(harness.db) == [(32, "confirmed")]
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
        await harness.app.registration.register(event.id, user_id)

    assert await harness.app.registration.cancel(event.id, 40)
    assert await promotions_told(harness.db) == [(41, "offered")]
    offer = await registrations.get(harness.db, event.id, 41)
    assert offer is not None and offer.offer_expires_at == NOW + timedelta(hours=12)
    assert await registrations.next_offer_expiry(harness.db) == NOW + timedelta(hours=12)

    # Nobody else may take the offered seat meanwhile.
    await participants(harness.db, 49, 1)
    late = await harness.app.registration.register(event.id, 49)
    assert late.result is RegisterResult.WAITLISTED

    harness.clock.set(NOW + timedelta(hours=12))
    assert await harness.app.registration.expire_offers() == 1
    assert (await promotions_told(harness.db))[1:] == [(42, "offered")]
    moved = await registrations.get(harness.db, event.id, 42)
    assert moved is not None and moved.offer_expires_at == starts - timedelta(hours=1), (
        "an hour before the start, so whoever takes the seat can still come"
    )
    assert not await harness.app.registration.accept_offer(event.id, 41)
    assert await harness.app.registration.accept_offer(event.id, 42)
    assert (await statuses(harness.db, event.id))[42] == "confirmed"


async def test_declining_an_offer_passes_it_on(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(hours=5), capacity=1)
    ids = await participants(harness.db, 50, 3)
    for user_id in ids:
        await harness.app.registration.register(event.id, user_id)
    await harness.app.registration.cancel(event.id, 50)
    assert await harness.app.registration.decline_offer(event.id, 51)
    assert await promotions_told(harness.db) == [(51, "offered"), (52, "offered")]


async def test_signing_up_again_after_cancelling_queues_at_the_end(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1)
    ids = await participants(harness.db, 60, 3)
    for user_id in ids:
        await harness.app.registration.register(event.id, user_id)
    await harness.app.registration.cancel(event.id, 61)
    again = await harness.app.registration.register(event.id, 61)
    assert (again.result, again.position) == (RegisterResult.WAITLISTED, 2)


async def test_events_by_application_put_everyone_under_review(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=15, by_application=True)
    await participants(harness.db, 70, 1)
    outcome = await harness.app.registration.register(event.id, 70, "Хочу перенять опыт")
    assert outcome.result is RegisterResult.APPLIED
    mine = await registrations.get(harness.db, event.id, 70)
    assert mine is not None and mine.motivation == "Хочу перенять опыт"


async def test_a_cancelled_event_moves_nobody_up(harness: Harness) -> None:
    db = harness.db
    event = await make_event(db, NOW, capacity=1)
    for user_id in (730, 731):
        await make_participant(db, user_id, NOW)
        await sign_up(db, event.id, user_id, NOW)
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (event.id,))

    assert await harness.app.registration.cancel(event.id, 730)
    assert await promotions_told(db) == []
    waiting = await registrations.get(db, event.id, 731)
    assert waiting is not None and waiting.status is RegistrationStatus.WAITLISTED


async def test_checking_in_on_an_offer_takes_the_seat(harness: Harness) -> None:
    db = harness.db
    starts = NOW + timedelta(minutes=30)
    event = await make_event(db, NOW - timedelta(days=5), capacity=1, starts_at=starts)
    for user_id in (740, 741):
        await make_participant(db, user_id, NOW)
        await sign_up(db, event.id, user_id, NOW - timedelta(days=5))
    assert await harness.app.registration.cancel(event.id, 740)
    assert await promotions_told(db) == [(741, "offered")]

    result = await check_in_at(db, event.id, 741, CheckinMethod.QR, NOW)
    assert result is CheckinResult.OK
    harness.clock.set(starts + timedelta(minutes=1))
    assert await harness.app.registration.expire_offers() == 0
    mine = await registrations.get(db, event.id, 741)
    assert mine is not None and mine.status is RegistrationStatus.CONFIRMED


async def test_a_freed_seat_is_told_through_the_outbox_even_when_telegram_says_429(
    harness: Harness,
) -> None:
    """It used to go straight to Telegram: a 429 dropped it and B held a seat he was never
    told about."""
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(days=10))
    await participants(harness.db, 900, 2)
    await sign_up(harness.db, event.id, 900, NOW)
    await sign_up(harness.db, event.id, 901, NOW)
    harness.session.failures = {901: [TelegramRetryAfter(SEND, "Too Many Requests", 3)]}

    assert await harness.app.registration.cancel(event.id, 900)
    sent = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert [c.chat_id for c in sent] == [901, 901], "refused once, then sent again"
    assert "Освободилось место" in sent[-1].text
    assert (await statuses(harness.db, event.id))[901] == "confirmed"


async def test_a_change_and_its_notice_are_saved_together_or_not_at_all(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(days=10))
    await participants(harness.db, 910, 2)
    await sign_up(harness.db, event.id, 910, NOW)
    await sign_up(harness.db, event.id, 911, NOW)
    applied = await make_event(harness.db, NOW, by_application=True)
    await sign_up(harness.db, applied.id, 911, NOW, motivation="Хочу участвовать")
    application = await registrations.get(harness.db, applied.id, 911)
    assert application is not None

    async def crash(*_: object, **__: object) -> int:
        raise OSError("the process dies while queueing the notice")

    monkeypatch.setattr(harness.app.queue, "submit", crash)
    with pytest.raises(OSError, match="dies"):
        await harness.app.registration.cancel(event.id, 910)
    with pytest.raises(OSError, match="dies"):
        await harness.app.registration.decide(application.id, RegistrationStatus.CONFIRMED, 1)
    assert await statuses(harness.db, event.id) == {910: "confirmed", 911: "waitlisted"}
    assert (await statuses(harness.db, applied.id))[911] == "applied"
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM audit_log") == 0

    monkeypatch.undo()
    assert await harness.app.registration.cancel(event.id, 910)
    decided = await harness.app.registration.decide(application.id, RegistrationStatus.CONFIRMED, 1)
    assert decided.result.value == "done"
    kinds = await harness.db.fetch_all("SELECT kind FROM outbox_jobs ORDER BY id")
    assert [row["kind"] for row in kinds] == ["promotion", "application_decision"]
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM audit_log") == 1
