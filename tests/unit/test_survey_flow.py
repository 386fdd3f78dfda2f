"""The feedback questionnaire from the invitation to the summary: every question kind, bad
input, Back, restart in the middle, anonymity, a duplicate submission and a closed survey."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod

from bot.clock import to_db
from bot.people import users
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, make_harness, texts, tg_user
from tests.harness import button as shared_button

ANNA = tg_user(700)


def button(calls: list[TelegramMethod[Any]], label: str) -> str:
    return shared_button(calls, label, exact=True)


async def seminar_with_survey(harness: Harness, *, anonymous: bool = False) -> int:
    """A seminar that ended an hour and a half ago, Anna present."""
    event = await make_event(
        harness.db,
        NOW - timedelta(days=2),
        starts_at=NOW - timedelta(hours=3, minutes=30),
        survey_template="seminar",
        survey_anonymous=anonymous,
    )
    await make_participant(harness.db, 700, NOW - timedelta(days=2), district="medeu")
    await sign_up(harness.db, event.id, 700, NOW - timedelta(days=2))
    await harness.db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 700, 'qr', ?)",
        (event.id, to_db(NOW - timedelta(hours=3))),
    )
    return event.id


async def invitation(harness: Harness) -> list[SendMessage]:
    start = len(harness.session.calls)
    await harness.app.scheduler.run_due(harness.bot)
    return [c for c in harness.session.calls[start:] if isinstance(c, SendMessage)]


async def answer_all(harness: Harness, calls: list[TelegramMethod[Any]]) -> list[Any]:
    calls = await harness.press(ANNA, button(calls, "📝 Ответить на анкету"))
    assert "Вопрос 1 из 8" in texts(calls)[-1]
    calls = await harness.press(ANNA, button(calls, "5"))
    calls = await harness.press(ANNA, button(calls, "4"))
    calls = await harness.press(ANNA, button(calls, "« Назад"))
    assert "Вопрос 2 из 8" in texts(calls)[0]
    calls = await harness.press(ANNA, button(calls, "3"))  # changed answer
    calls = await harness.press(ANNA, button(calls, "5"))
    calls = await harness.press(ANNA, button(calls, "4"))
    typed = await harness.send(ANNA, "Разбор кейсов общественных советов")
    calls = await harness.press(ANNA, button(typed, "Пропустить"))
    calls = await harness.press(ANNA, button(calls, "Да"))
    calls = await harness.press(ANNA, button(calls, "Бюджет народного участия"))
    calls = await harness.press(ANNA, button(calls, "✅ Бюджет народного участия"))
    calls = await harness.press(ANNA, button(calls, "Медиаграмотность"))
    calls = await harness.press(ANNA, button(calls, "Другое"))
    calls = await harness.press(ANNA, button(calls, "Готово ✔"))
    assert "свой вариант" in texts(calls)[0]
    blank = await harness.send(ANNA, "   ")
    assert texts(blank) == ["Ответ пустой. Напишите текст."]
    return await harness.send(ANNA, "Работа с молодёжью")


async def test_whole_survey_is_saved_and_summarised(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    assert invite.chat_id == 700 and "Спасибо за участие" in invite.text
    assert await invitation(harness) == [], "one invitation"

    done = await answer_all(harness, [invite])
    summary = texts(done)[-1]
    assert "• Насколько полезным было содержание? — 3" in summary
    assert "• Что стоит улучшить? — пропущено" in summary
    assert "Медиаграмотность, Другое, Работа с молодёжью" in summary

    rows = await harness.db.fetch_all(
        "SELECT a.question_id, a.value_number, a.value_text, a.value_choices, r.user_id, "
        "r.district FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.event_id = ? ORDER BY a.question_id",
        (event_id,),
    )
    saved = {row["question_id"]: tuple(row)[1:] for row in rows}
    assert saved["content"] == (3.0, None, None, 700, "medeu")
    assert saved["recommend"][0] == 1.0
    assert saved["topics"][1:3] == ("Работа с молодёжью", '["media", "other"]')
    assert saved["useful"][1] == "Разбор кейсов общественных советов"
    assert "improve" not in saved

    again = await harness.press(ANNA, button([invite], "📝 Ответить на анкету"))
    assert "уже ответили" in texts(again)[0]


async def test_bad_input_gets_a_clear_answer(harness: Harness) -> None:
    await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    first = await harness.press(ANNA, button([invite], "📝 Ответить на анкету"))
    hint = await harness.send(ANNA, "отлично")
    assert "отвечают кнопками" in texts(hint)[0]
    second = await harness.press(ANNA, button(first, "5"))
    stale = await harness.press(ANNA, button(first, "4"))  # a button of the first question
    assert "другого вопроса" in texts(stale)[0]
    for label in ("4", "4", "4"):
        second = await harness.press(ANNA, button(second, label))
    too_long = await harness.send(ANNA, "я" * 1001)
    assert "не больше 1000 символов" in texts(too_long)[0]


async def test_restart_in_the_middle_resumes_at_the_same_question(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW):
        await seminar_with_survey(first)
        [invite] = await invitation(first)
        calls = await first.press(ANNA, button([invite], "📝 Ответить на анкету"))
        calls = await first.press(ANNA, button(calls, "5"))
        await first.press(ANNA, button(calls, "4"))
    async for second in make_harness(tmp_path, NOW):
        resumed = await second.press(ANNA, button([invite], "📝 Ответить на анкету"))
        assert "Вопрос 3 из 8" in texts(resumed)[-1]


async def test_anonymous_answers_cannot_be_linked_to_the_person(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness, anonymous=True)
    [invite] = await invitation(harness)
    await answer_all(harness, [invite])
    response = await harness.db.fetch_one(
        "SELECT * FROM survey_responses WHERE event_id = ?", (event_id,)
    )
    assert response is not None
    assert response["user_id"] is None and response["district"] == "medeu"
    fsm = await harness.db.fetch_all("SELECT data FROM fsm_state WHERE user_id = 700")
    assert all('"response"' not in row["data"] for row in fsm), "no link left in the FSM"
    answered = await harness.db.fetch_value(
        "SELECT COUNT(*) FROM survey_participation WHERE event_id = ? AND user_id = 700",
        (event_id,),
    )
    assert answered == 1, "who answered is known (for the nudge), but not what they answered"
    # Nothing to match them by: no time finer than the day, no insertion order.
    assert response["started_at"].endswith("00:00:00")
    assert response["completed_at"].endswith("00:00:00")
    participation = await harness.db.fetch_one(
        "SELECT sql FROM sqlite_master WHERE name = 'survey_participation'"
    )
    assert participation is not None and "WITHOUT ROWID" in participation[0]


async def test_nudge_goes_to_those_who_did_not_answer_and_late_answers_are_refused(
    harness: Harness,
) -> None:
    event_id = await seminar_with_survey(harness)
    await make_participant(harness.db, 701, NOW - timedelta(days=2))
    await sign_up(harness.db, event_id, 701, NOW - timedelta(days=2))
    await harness.db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 701, 'qr', ?)",
        (event_id, to_db(NOW - timedelta(hours=3))),
    )
    invites = await invitation(harness)
    assert {c.chat_id for c in invites} == {700, 701}
    await answer_all(harness, [next(c for c in invites if c.chat_id == 700)])

    harness.clock.set(NOW + timedelta(days=1))
    [nudge] = await invitation(harness)
    assert nudge.chat_id == 701 and "Напоминаем об анкете" in nudge.text

    harness.clock.set(NOW + timedelta(days=8))
    late = await harness.press(tg_user(701), button([nudge], "📝 Ответить на анкету"))
    assert "Анкета уже закрыта" in texts(late)[0]


async def test_coordinator_sees_the_response_rate_and_a_summary(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    await make_participant(harness.db, 702, NOW - timedelta(days=2))
    await sign_up(harness.db, event_id, 702, NOW - timedelta(days=2))
    await harness.db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 702, 'qr', ?)",
        (event_id, to_db(NOW - timedelta(hours=3))),
    )
    invites = await invitation(harness)
    await answer_all(harness, [next(c for c in invites if c.chat_id == 700)])
    screen = await harness.press(tg_user(1), f"Aev:o:{event_id}:0")
    results = await harness.press(tg_user(1), button(screen, "📊 Результаты анкеты"))
    text = texts(results)[0]
    assert "Ответили 1 из 2 (50%)" in text
    assert "Как вы оцениваете семинар в целом? — в среднем 5.00 из 5 (1 отв.)" in text
    assert "«да» 100%" in text
    assert "Медиаграмотность: 1" in text
    assert "Что стоит улучшить? — нет ответов" in text


async def test_editing_the_profile_halfway_keeps_the_answers_given(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    calls = await harness.press(ANNA, button([invite], "📝 Ответить на анкету"))
    calls = await harness.press(ANNA, button(calls, "5"))
    third = await harness.press(ANNA, button(calls, "4"))
    assert "3 из" in texts(third)[-1]

    profile = await harness.send(ANNA, "/profile")
    await harness.press(ANNA, button(profile, "✏️ Телефон"))
    await harness.send(ANNA, "+77015556677")
    record = await users.get(harness.db, 700)
    assert record is not None and record.phone == "+77015556677"

    calls = await harness.press(ANNA, button(third, "3"))
    assert "4 из" in texts(calls)[-1], "the questionnaire goes on from where it was"
    answered = await harness.db.fetch_all(
        "SELECT a.question_id, a.value_number FROM survey_answers a "
        "JOIN survey_responses r ON r.id = a.response_id WHERE r.event_id = ? ORDER BY 1",
        (event_id,),
    )
    assert [tuple(row) for row in answered] == [
        ("content", 4.0), ("overall", 5.0), ("speaker", 3.0),
    ]  # fmt: skip
