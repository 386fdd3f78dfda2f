"""The catalogue's type filter and its way back to every event."""

from __future__ import annotations

from datetime import timedelta

from bot.events.model import EventType
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness, button, buttons, texts, tg_user


async def test_type_filter_offers_only_the_types_there_are(harness: Harness) -> None:
    for day, event_type in enumerate([EventType.SEMINAR] * 5 + [EventType.TRAINING]):
        await make_event(
            harness.db,
            NOW,
            starts_at=NOW + timedelta(days=day + 1),
            title_ru=f"Встреча {day + 1}",
            type=event_type,
        )
    user = tg_user(770)
    await make_participant(harness.db, 770, NOW)
    first = await harness.send(user, "/events")
    picker = await harness.press(user, button(first, "🗂 Тип"))
    assert texts(picker) == ["Выберите тип мероприятия:"]
    assert [label for label, _ in buttons(picker[0])] == ["Все типы", "Семинар", "Тренинг"]
    training = await harness.press(user, button(picker, "Тренинг"))
    assert "Фильтр: Тренинг" in texts(training)[0]
    assert "(1–1 из 1)" in texts(training)[0] and "Встреча 6" in texts(training)[0]
    again = await harness.press(user, button(training, "🗂 Тип"))
    every = await harness.press(user, button(again, "Все типы"))
    assert "Фильтр" not in texts(every)[0]
    assert "(1–5 из 6)" in texts(every)[0]


async def test_a_page_past_the_end_shows_the_first(harness: Harness) -> None:
    """The events on the page asked for started since the list was shown."""
    for day in range(6):
        await make_event(harness.db, NOW, starts_at=NOW + timedelta(hours=day + 1))
    user = tg_user(771)
    await make_participant(harness.db, 771, NOW)
    first = await harness.send(user, "/events")
    next_page = button(first, "Далее ›")
    harness.clock.advance(timedelta(hours=2))
    calls = await harness.press(user, next_page)
    assert "(1–4 из 4)" in texts(calls)[0]
    assert "Далее ›" not in [label for label, _ in buttons(calls[0])]
