"""Reminders and the sender, driven by a frozen clock: the scheduler's run is called by hand."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod

from bot.clock import to_db
from bot.notices import NoticeKind
from bot.people import users
from bot.platform import outbox_store as store
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, buttons, texts, tg_user

SEND = SendMessage(chat_id=0, text="x")


async def run_at(harness: Harness, moment: datetime) -> list[TelegramMethod[Any]]:
    harness.clock.set(moment)
    start = len(harness.session.calls)
    await harness.app.scheduler.run_due(harness.bot)
    return harness.session.calls[start:]


def messages_to(calls: list[TelegramMethod[Any]]) -> dict[int, list[str]]:
    seen: dict[int, list[str]] = {}
    for call in calls:
        if isinstance(call, SendMessage):
            seen.setdefault(int(call.chat_id), []).append(call.text)
    return seen


async def seminar_with_people(harness: Harness, starts: datetime, capacity: int = 2) -> int:
    event = await make_event(harness.db, NOW, starts_at=starts, capacity=capacity)
    await make_participant(harness.db, 901, NOW)
    await make_participant(harness.db, 902, NOW, language="kk")
    await make_participant(harness.db, 903, NOW)
    for user_id in (901, 902, 903):
        await sign_up(harness.db, event.id, user_id, NOW)
    return event.id


async def test_reminder_at_24_hours_to_confirmed_people_in_their_language(
    harness: Harness,
) -> None:
    starts = NOW + timedelta(days=3)  # 12.06.2026 10:00 local
    await seminar_with_people(harness, starts)
    assert await run_at(harness, starts - timedelta(hours=24, minutes=1)) == []

    sent = messages_to(await run_at(harness, starts - timedelta(hours=24)))
    assert set(sent) == {901, 902}, "the waiting list gets no reminder"
    assert "Напоминание" in sent[901][0] and "12.06.2026 10:00–12:00" in sent[901][0]
    assert "Еске салу" in sent[902][0]

    again = await run_at(harness, starts - timedelta(hours=23))
    assert again == [], "each reminder once"
    two_hours = messages_to(await run_at(harness, starts - timedelta(hours=2)))
    assert set(two_hours) == {901, 902}


async def test_moving_the_event_reschedules_and_cancelling_silences(harness: Harness) -> None:
    starts = NOW + timedelta(days=3)
    event_id = await seminar_with_people(harness, starts)
    await run_at(harness, starts - timedelta(hours=24))
    moved = starts + timedelta(days=2)
    await harness.db.execute(
        "UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?",
        (to_db(moved), to_db(moved + timedelta(hours=2)), event_id),
    )
    assert await run_at(harness, starts - timedelta(hours=2)) == [], "the old time is gone"
    sent = messages_to(await run_at(harness, moved - timedelta(hours=24)))
    assert set(sent) == {901, 902}

    await harness.db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (event_id,))
    assert messages_to(await run_at(harness, moved - timedelta(hours=2))) == {}


async def test_catch_up_after_downtime_sends_only_what_is_still_useful(harness: Harness) -> None:
    starts = NOW + timedelta(days=3)
    await seminar_with_people(harness, starts)
    # Down through the day-before reminder; back 90 minutes before the start.
    sent = messages_to(await run_at(harness, starts - timedelta(minutes=90)))
    assert {user: len(texts) for user, texts in sent.items()} == {901: 1, 902: 1}
    late = await make_event(harness.db, NOW, starts_at=starts, capacity=5, title_ru="Поздно")
    await sign_up(harness.db, late.id, 903, NOW)
    assert messages_to(await run_at(harness, starts + timedelta(minutes=5))) == {}


async def test_quiet_hours_hold_a_reminder_until_morning(harness: Harness) -> None:
    starts = NOW + timedelta(days=3, hours=13)  # 12.06.2026 23:00 local
    await seminar_with_people(harness, starts)
    night = starts - timedelta(hours=24)  # 11.06.2026 23:00 local
    assert await run_at(harness, night) == []
    morning = datetime.fromisoformat("2026-06-12T03:00:00+00:00")  # 08:00 local
    assert set(messages_to(await run_at(harness, morning))) == {901, 902}


async def test_ill_come_and_cant_come(harness: Harness) -> None:
    starts = NOW + timedelta(days=3)
    event_id = await seminar_with_people(harness, starts)
    calls = await run_at(harness, starts - timedelta(hours=24))
    reminder = next(c for c in calls if isinstance(c, SendMessage) and c.chat_id == 901)
    data = dict(buttons(reminder))
    await harness.press(tg_user(901), data["✅ Приду"])
    row = await harness.db.fetch_one(
        "SELECT attendance_confirmed_at FROM registrations WHERE user_id = 901"
    )
    assert row is not None and row[0] is not None

    ask = await harness.press(tg_user(901), data["Не смогу прийти"])
    # The question takes the reminder's place: no old button is left under it.
    confirm = dict(buttons(next(c for c in ask if isinstance(c, EditMessageText))))
    done = await harness.press(tg_user(901), confirm["Да, отменить регистрацию"])
    assert "отменена" in texts(done)[0]
    [offer] = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert offer.chat_id == 903
    assert "Подтвердите участие до 11.06.2026 22:00" in offer.text, "a day before: an offer"
    offered = await registrations.get(harness.db, event_id, 903)
    assert offered is not None and offered.status is RegistrationStatus.OFFERED

    # Not taken in time: the scheduler lets the offer lapse.
    assert offered.offer_expires_at is not None
    await run_at(harness, offered.offer_expires_at)
    lapsed = await registrations.get(harness.db, event_id, 903)
    assert lapsed is not None and lapsed.status is RegistrationStatus.CANCELLED


async def test_sender_marks_blocked_retries_and_waits_out_flood(harness: Harness) -> None:
    await seminar_with_people(harness, NOW + timedelta(days=3), capacity=3)
    harness.session.failures = {
        901: [TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user")],
        902: [TelegramRetryAfter(SEND, "Too Many Requests", retry_after=7)],
        903: [TelegramNetworkError(SEND, "connection reset")],
    }
    outbox = harness.app.outbox
    started = harness.pace_time.now
    job = await harness.app.queue.submit(
        NoticeKind.REMINDER,
        {"event_id": 1, "minutes": 1440, "starts_at": (NOW + timedelta(days=3)).isoformat()},
        [901, 902, 903],
        urgent=True,
    )
    await outbox.drain(harness.bot)
    progress = await outbox.progress(job)
    assert (progress.delivered, progress.blocked, progress.pending) == (1, 1, 1)
    assert outbox.pacer.flood_waits == 1
    assert harness.pace_time.now - started >= 7, "nobody sent before retry_after was over"
    blocked = await users.get(harness.db, 901)
    assert blocked is not None and blocked.unreachable_at is not None

    harness.clock.set(NOW + timedelta(seconds=3))
    await outbox.drain(harness.bot)
    progress = await outbox.progress(job)
    assert (progress.delivered, progress.pending, progress.done) == (2, 0, True)
    sends = [c for c in harness.session.calls if isinstance(c, SendMessage)]
    assert [c.chat_id for c in sends].count(902) == 2, "the 429 one was sent again once"


async def test_failures_stop_after_the_last_attempt_and_jobs_are_deduplicated(
    harness: Harness,
) -> None:
    await seminar_with_people(harness, NOW + timedelta(days=3))
    harness.session.failures = {901: [TelegramNetworkError(SEND, "down")] * 10}
    outbox = harness.app.outbox
    payload = {"event_id": 1, "minutes": 1, "starts_at": (NOW + timedelta(days=3)).isoformat()}
    job = await harness.app.queue.submit(
        NoticeKind.REMINDER, payload, [901], urgent=True, dedupe_key="k"
    )
    assert (
        await harness.app.queue.submit(
            NoticeKind.REMINDER, payload, [901, 902], urgent=True, dedupe_key="k"
        )
        == job
    )
    for step in range(harness.app.settings.send_max_attempts):
        harness.clock.set(NOW + timedelta(minutes=step))
        await outbox.drain(harness.bot)
    progress = await outbox.progress(job)
    assert (progress.total, progress.failed, progress.pending) == (1, 1, 0)


async def test_deliveries_cut_short_by_a_crash_go_out_after_the_restart(harness: Harness) -> None:
    await seminar_with_people(harness, NOW + timedelta(days=3))
    outbox = harness.app.outbox
    payload = {"event_id": 1, "minutes": 1, "starts_at": (NOW + timedelta(days=3)).isoformat()}
    job = await harness.app.queue.submit(NoticeKind.REMINDER, payload, [901, 902], urgent=True)
    # Claimed, and then the process died before (or while) the request went out.
    await harness.db.execute(
        "UPDATE outbox_deliveries SET state = 'sending' WHERE user_id = 901 AND job_id = ?", (job,)
    )
    assert await store.recover_interrupted(harness.db) == 1
    await outbox.drain(harness.bot)
    sends = [c.chat_id for c in harness.session.calls if isinstance(c, SendMessage)]
    assert sorted(sends) == [901, 902]
    assert (await outbox.progress(job)).delivered == 2


async def test_a_delivery_waiting_out_a_429_is_pending_so_a_crash_then_loses_nothing(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seminar_with_people(harness, NOW + timedelta(days=3))
    harness.session.failures = {901: [TelegramRetryAfter(SEND, "Too Many Requests", 30)]}
    outbox = harness.app.outbox
    payload = {"event_id": 1, "minutes": 1, "starts_at": (NOW + timedelta(days=3)).isoformat()}
    job = await harness.app.queue.submit(NoticeKind.REMINDER, payload, [901], urgent=True)
    paused = asyncio.Event()
    pause = outbox.pacer.pause

    def pause_and_tell(seconds: float, chat_id: int | None = None) -> None:
        pause(seconds, chat_id)
        paused.set()

    monkeypatch.setattr(outbox.pacer, "pause", pause_and_tell)
    drain = asyncio.create_task(outbox.drain(harness.bot))
    await paused.wait()
    drain.cancel()  # the process dies while the sender waits out the pause
    with contextlib.suppress(asyncio.CancelledError):
        await drain
    state = await harness.db.fetch_value(
        "SELECT state FROM outbox_deliveries WHERE job_id = ?", (job,)
    )
    assert state == "pending"

    assert await store.recover_interrupted(harness.db) == 0, "nothing was left in doubt"
    await outbox.drain(harness.bot)
    assert (await outbox.progress(job)).delivered == 1


async def test_quiet_hours_do_not_hold_a_reminder_for_an_event_before_morning(
    harness: Harness,
) -> None:
    starts = NOW + timedelta(days=3, hours=14)  # 13.06.2026 00:00 local
    await seminar_with_people(harness, starts)
    two_hours = starts - timedelta(hours=2)  # 22:00 local, quiet, but the event is sooner
    sent = messages_to(await run_at(harness, two_hours))
    assert set(sent) == {901, 902}


async def test_a_retry_that_falls_into_quiet_hours_still_goes_before_the_event(
    harness: Harness,
) -> None:
    """Queued at 21:30 (not quiet) for a 07:30 event; the first try fails and the retry
    comes at 22:05. Holding it till 08:00 would be after the start: it must go now."""
    starts = datetime.fromisoformat("2026-06-13T02:30:00+00:00")  # 13.06 07:30 local
    event = await make_event(harness.db, NOW, starts_at=starts, reminder_minutes=(600,))
    await make_participant(harness.db, 901, NOW)
    await sign_up(harness.db, event.id, 901, NOW)
    harness.session.failures = {901: [TelegramNetworkError(SEND, "connection reset")]}

    first = await run_at(harness, starts - timedelta(hours=10))  # 12.06 21:30 local
    assert 901 in messages_to(first), "the first try, refused by the network"
    retried = await run_at(harness, starts - timedelta(hours=9, minutes=25))  # 22:05 local
    assert 901 in messages_to(retried), "sent during quiet hours: morning is too late"


async def test_a_reminder_held_overnight_is_dropped_when_the_event_moves(
    harness: Harness,
) -> None:
    starts = NOW + timedelta(days=3, hours=13)  # 12.06.2026 23:00 local
    event_id = await seminar_with_people(harness, starts)
    night = starts - timedelta(hours=24)  # 11.06 23:00 local: queued, held till 08:00
    assert await run_at(harness, night) == []
    moved = starts + timedelta(days=7)
    await harness.db.execute(
        "UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?",
        (to_db(moved), to_db(moved + timedelta(hours=2)), event_id),
    )
    morning = datetime.fromisoformat("2026-06-12T03:00:00+00:00")  # 08:00 local
    assert messages_to(await run_at(harness, morning)) == {}, "no reminder with the old time"
    held = await harness.db.fetch_value(
        "SELECT COUNT(*) FROM outbox_deliveries WHERE state = 'skipped'"
    )
    assert held == 2, "both held reminders were dropped, not kept for later"
