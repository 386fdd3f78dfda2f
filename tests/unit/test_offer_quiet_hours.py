"""Offers of a freed seat and the night: the rule with plain values, then the flow through the
Dispatcher and the scheduler with a frozen clock (quiet hours 22:00-08:00, Almaty)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage, TelegramMethod

from bot.due_work import QuietHours
from bot.registration import store as registrations
from bot.registration.rules import Offer, OfferPolicy, RegistrationStatus
from handlers.ui.callbacks import EventAction, EventCallback
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, tg_user

ALMATY = ZoneInfo("Asia/Almaty")
POLICY = OfferPolicy(quiet=QuietHours(time(22, 0), time(8, 0), ALMATY))


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d.%m %H:%M").replace(year=2026, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("now", "starts", "send_at", "deadline"),
    [
        # By day, the usual twelve hours.
        ("11.06 09:00", "12.06 18:00", "11.06 09:00", "11.06 21:00"),
        # A deadline at 22:00 sharp is still the evening.
        ("11.06 10:00", "13.06 09:00", "11.06 10:00", "11.06 22:00"),
        # It would fall at 02:00: from the morning, the usual twelve hours.
        ("11.06 14:00", "13.06 10:00", "11.06 14:00", "12.06 20:00"),
        # Freed at night: the offer waits for the morning and runs from it.
        ("11.06 23:00", "13.06 10:00", "12.06 08:00", "12.06 20:00"),
        # The event starts before the extended deadline: an hour before the start.
        ("11.06 14:00", "12.06 18:00", "11.06 14:00", "12.06 17:00"),
        # ... unless that is at night: then the evening before.
        ("11.06 14:00", "12.06 06:00", "11.06 14:00", "11.06 22:00"),
        # Too close to wait for the morning: sent at once, closing an hour before the start.
        ("11.06 23:00", "12.06 08:30", "11.06 23:00", "12.06 07:30"),
        # Half an hour before the start: a quarter of an hour to answer.
        ("11.06 12:00", "11.06 12:30", "11.06 12:00", "11.06 12:15"),
    ],
)
def test_an_offer_neither_arrives_nor_runs_out_at_night(
    now: str, starts: str, send_at: str, deadline: str
) -> None:
    assert POLICY.offer(local(now), local(starts)) == Offer(local(send_at), local(deadline))


def test_far_from_the_start_the_seat_is_given_and_without_quiet_hours_no_extension() -> None:
    assert POLICY.offer(local("11.06 10:00"), local("14.06 10:00")) is None
    plain = OfferPolicy()
    assert plain.offer(local("11.06 14:00"), local("13.06 10:00")) == Offer(
        local("11.06 14:00"), local("12.06 02:00")
    )


def messages_to(calls: list[TelegramMethod[Any]]) -> dict[int, list[str]]:
    seen: dict[int, list[str]] = {}
    for call in calls:
        if isinstance(call, SendMessage):
            seen.setdefault(int(call.chat_id), []).append(call.text)
    return seen


async def run_at(harness: Harness, moment: datetime) -> dict[int, list[str]]:
    harness.clock.set(moment)
    start = len(harness.session.calls)
    await harness.app.scheduler.run_due(harness.bot)
    return messages_to(harness.session.calls[start:])


async def full_event(harness: Harness, starts: datetime, waiting: dict[int, str]) -> int:
    """One seat, held by 901; the others wait in the order given."""
    event = await make_event(harness.db, NOW, starts_at=starts, capacity=1)
    for user_id, language in {901: "ru", **waiting}.items():
        await make_participant(harness.db, user_id, NOW, language=language)
        await sign_up(harness.db, event.id, user_id, NOW)
    return event.id


async def cancel_at(harness: Harness, moment: datetime, event_id: int) -> dict[int, list[str]]:
    """901 cancels with the card's button; what the woken sender sends at once."""
    harness.clock.set(moment)
    data = EventCallback(action=EventAction.CANCEL_CONFIRM, event_id=event_id).pack()
    await harness.press(tg_user(901), data)
    return messages_to(await harness.woken_sends())


async def test_a_seat_freed_at_night_is_offered_in_the_morning_and_its_lapse_told(
    harness: Harness,
) -> None:
    event_id = await full_event(harness, local("13.06 10:00"), {902: "kk", 903: "ru"})

    night = await cancel_at(harness, local("11.06 23:00"), event_id)
    assert 902 not in night, "no offer at 23:00"
    held = await registrations.get(harness.db, event_id, 902)
    assert held is not None and held.status is RegistrationStatus.OFFERED

    morning = await run_at(harness, local("12.06 08:00"))
    [offer] = morning[902]
    assert "12.06.2026 20:00 дейін растаңыз" in offer, "twelve hours from the morning"

    lapse = await run_at(harness, local("12.06 20:00"))
    [told] = lapse[902]
    assert "⌛" in told and "келесі адамға өтті" in told and "12.06.2026 20:00" in told
    [next_offer] = lapse[903]
    assert "Подтвердите участие до 13.06.2026 08:00" in next_offer
    again = await run_at(harness, local("12.06 20:05"))
    assert 902 not in again, "told once"


async def test_close_to_the_start_the_offer_goes_at_night_and_the_lapse_waits(
    harness: Harness,
) -> None:
    event_id = await full_event(harness, local("12.06 08:30"), {902: "ru", 903: "ru"})

    night = await cancel_at(harness, local("11.06 23:00"), event_id)
    [offer] = night[902]
    assert "Подтвердите участие до 12.06.2026 07:30" in offer, "an hour before the start"

    lapsed = await run_at(harness, local("12.06 07:30"))
    assert 902 not in lapsed, "the lapse is no reason to wake anyone"
    assert 903 in lapsed, "the next offer cannot wait"
    [told] = (await run_at(harness, local("12.06 08:00")))[902]
    assert "Место на «Семинар для общественных советов»" in told
    assert "перешло следующему в листе ожидания" in told


async def test_no_lapse_notice_for_someone_who_signed_up_again(harness: Harness) -> None:
    event_id = await full_event(harness, local("12.06 08:30"), {902: "ru"})
    await cancel_at(harness, local("11.06 23:00"), event_id)
    await run_at(harness, local("12.06 07:30"))
    await sign_up(harness.db, event_id, 902, local("12.06 07:40"))
    assert 902 not in await run_at(harness, local("12.06 08:00"))
