"""What a participant notices in reminders and the questionnaire: the reminder says when in
words, asks only who has not answered yet, and leaves no button that acts on a settled
question; the questionnaire shows each question once and reads well in the summaries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod

from bot.clock import to_db
from bot.texts import Texts
from handlers.reminders import starts_in
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, button, buttons, texts, tg_user
from tests.unit.test_survey_flow import ANNA, invitation, seminar_with_survey

ALMATY = ZoneInfo("Asia/Almaty")
STARTS = NOW + timedelta(days=3)  # 12.06.2026 10:00 local


async def run_at(harness: Harness, moment: datetime) -> dict[int, SendMessage]:
    """The scheduler's run at `moment`: the one message each person got."""
    harness.clock.set(moment)
    start = len(harness.session.calls)
    await harness.app.scheduler.run_due(harness.bot)
    sent: dict[int, SendMessage] = {}
    for call in harness.session.calls[start:]:
        if isinstance(call, SendMessage):
            assert int(call.chat_id) not in sent, "one message per person"
            sent[int(call.chat_id)] = call
    return sent


async def seminar(harness: Harness, starts: datetime = STARTS) -> int:
    """Anna-like 901 reads Russian, 902 Kazakh; both hold a seat."""
    event = await make_event(harness.db, NOW, starts_at=starts)
    await make_participant(harness.db, 901, NOW)
    await make_participant(harness.db, 902, NOW, language="kk")
    for user_id in (901, 902):
        await sign_up(harness.db, event.id, user_id, NOW)
    return event.id


def edits(calls: list[TelegramMethod[Any]]) -> list[EditMessageText]:
    return [c for c in calls if isinstance(c, EditMessageText)]


async def test_reminders_say_when_in_words_in_each_language(harness: Harness) -> None:
    await seminar(harness)
    day_before = await run_at(harness, STARTS - timedelta(hours=24))
    assert "«Семинар для общественных советов» — завтра в 10:00." in day_before[901].text
    assert "«Қоғамдық кеңестерге арналған семинар» — ертең, сағат 10:00." in day_before[902].text
    assert "12.06.2026 10:00–12:00" in day_before[901].text, "the date is still there"

    # The sender runs a few seconds after the due time: still "in 2 hours".
    two_hours = await run_at(harness, STARTS - timedelta(hours=2) + timedelta(seconds=7))
    assert "— через 2 часа." in two_hours[901].text
    assert "— 2 сағаттан кейін." in two_hours[902].text


async def test_a_late_reminder_still_tells_the_truth(harness: Harness) -> None:
    # Down through both reminders, back 90 minutes before the start.
    await seminar(harness)
    late = await run_at(harness, STARTS - timedelta(minutes=90))
    assert "— через 1 час 30 минут." in late[901].text
    assert "— 1 сағат 30 минуттан кейін." in late[902].text


async def test_a_reminder_held_overnight_says_today(harness: Harness) -> None:
    starts = NOW + timedelta(days=3, hours=13)  # 12.06.2026 23:00 local
    await seminar(harness, starts)
    assert await run_at(harness, starts - timedelta(hours=24)) == {}, "held: 23:00 is quiet"
    morning = await run_at(harness, datetime.fromisoformat("2026-06-12T03:00:00+00:00"))
    assert "— сегодня в 23:00." in morning[901].text
    assert "— бүгін, сағат 23:00." in morning[902].text
    assert "завтра" not in morning[901].text


def test_the_time_left_reads_as_people_say_it() -> None:
    ru, kk = Texts().of("ru"), Texts().of("kk")

    def said(left: timedelta, t: Any = ru) -> str:
        return starts_in(STARTS, STARTS - left, ALMATY, t)

    assert said(timedelta(minutes=1)) == "через 1 минуту"
    assert said(timedelta(minutes=3)) == "через 3 минуты"
    assert said(timedelta(minutes=11)) == "через 11 минут"
    assert said(timedelta(minutes=21)) == "через 20 минут"
    assert said(timedelta(hours=1)) == "через 1 час"
    assert said(timedelta(hours=2, minutes=5)) == "через 2 часа 5 минут"
    assert said(timedelta(hours=3)) == "через 3 часа"
    assert said(timedelta(hours=5)) == "сегодня в 10:00"
    assert said(timedelta(days=2)) == "послезавтра в 10:00"
    assert said(timedelta(days=7)) == "12.06 в 10:00"
    assert said(timedelta(minutes=45), kk) == "45 минуттан кейін"
    assert said(timedelta(days=2), kk) == "бүрсігүні, сағат 10:00"
    assert said(timedelta(days=7), kk) == "12.06, сағат 10:00"


async def test_the_two_hour_reminder_does_not_ask_again_who_said_they_come(
    harness: Harness,
) -> None:
    await seminar(harness)
    await make_participant(harness.db, 903, NOW)
    event_id = int(str(await harness.db.fetch_value("SELECT MAX(id) FROM events")))
    await sign_up(harness.db, event_id, 903, NOW)
    day_before = await run_at(harness, STARTS - timedelta(hours=24))
    await harness.tap(tg_user(901), harness.message(day_before[901]), "✅ Приду")
    # "No, I'll come" after "I can't come" is an answer too.
    [ask] = await harness.tap(tg_user(902), harness.message(day_before[902]), "Келе алмаймын")
    await harness.tap(tg_user(902), harness.message(edits(ask)[0]), "Жоқ, келемін")

    two_hours = await run_at(harness, STARTS - timedelta(hours=2))
    assert buttons(two_hours[901]) == [] and buttons(two_hours[902]) == []
    assert "Вы придёте?" not in two_hours[901].text and "Ждём вас!" in two_hours[901].text
    assert "Келесіз бе?" not in two_hours[902].text and "Сізді күтеміз!" in two_hours[902].text
    assert "через 2 часа" in two_hours[901].text
    # Someone who has not answered is still asked.
    assert "Вы придёте?" in two_hours[903].text
    assert [label for label, _ in buttons(two_hours[903])] == ["✅ Приду", "Не смогу прийти"]


async def test_after_i_cant_come_the_reminder_keeps_no_buttons(harness: Harness) -> None:
    await seminar(harness)
    day_before = await run_at(harness, STARTS - timedelta(hours=24))
    for user_id, cant, confirm, done in (
        (901, "Не смогу прийти", "Да, отменить регистрацию", "отменена"),
        (902, "Келе алмаймын", "Иә, тіркеуден бас тартамын", "тоқтатылды"),
    ):
        reminder = harness.message(day_before[user_id])
        old_cant = dict(buttons(day_before[user_id]))[cant]
        [ask] = await harness.tap(tg_user(user_id), reminder, cant)
        [question] = edits(ask)
        assert question.message_id == reminder.message_id, "asked on the reminder itself"
        [answered] = await harness.tap(tg_user(user_id), harness.message(question), confirm)
        assert done in texts(answered)[0]
        shown = harness.session.shown[(user_id, reminder.message_id)]
        assert shown.reply_markup is None, "no button is left under the reminder"

        # An old reminder's button (one sent before, or remembered by no one after a restart).
        again = await harness.press(tg_user(user_id), old_cant)
        assert not [c for c in again if isinstance(c, SendMessage)], "no question again"
        [said] = edits(again)
        assert said.reply_markup is None
        assert ("уже отменена" if user_id == 901 else "бұрын тоқтатылған") in texts([said])[0]


async def test_a_second_tap_on_answer_the_questionnaire_shows_question_one_once(
    harness: Harness,
) -> None:
    await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    shown = harness.message(invite)
    [first] = await harness.tap(ANNA, shown, "📝 Ответить на анкету")
    assert [t for t in texts(first) if "Вопрос 1 из 8" in t], "the first tap asks"
    harness.pace_time.now += 10  # a slow phone: the second tap comes seconds later
    [second] = await harness.tap(ANNA, shown, "📝 Ответить на анкету")
    assert not [t for t in texts(second) if "Вопрос" in t]
    assert harness.session.shown[(700, shown.message_id)].reply_markup is None
    assert "Спасибо за участие" in (harness.session.shown[(700, shown.message_id)].text or "")


async def test_a_typed_answer_takes_the_back_and_skip_of_its_question(harness: Harness) -> None:
    await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    calls = await harness.press(ANNA, button([invite], "📝 Ответить на анкету"))
    for score in ("5", "4", "4", "4"):
        calls = await harness.press(ANNA, button(calls, score))
    [useful] = edits(calls)
    assert "Вопрос 5 из 8" in texts([useful])[0] and buttons(useful)
    typed = await harness.send(ANNA, "Разбор кейсов")
    [cleared] = [c for c in typed if isinstance(c, EditMessageReplyMarkup)]
    assert cleared.message_id == useful.message_id and cleared.reply_markup is None
    assert harness.message(useful).reply_markup is None
    [improve] = [c for c in typed if isinstance(c, SendMessage)]
    assert "Вопрос 6 из 8" in improve.text
    assert {label for label, _ in buttons(improve)} == {"« Назад", "Пропустить"}

    # A text refused keeps the buttons: the question is still open.
    refused = await harness.send(ANNA, "я" * 1001)
    assert not [c for c in refused if isinstance(c, EditMessageReplyMarkup)]
    shown = harness.message(improve)
    assert shown.reply_markup is not None
    await harness.send(ANNA, "Больше практики")
    assert harness.session.shown[(700, shown.message_id)].reply_markup is None


async def attendee(harness: Harness, event_id: int, user_id: int, language: str = "ru") -> None:
    await make_participant(harness.db, user_id, NOW - timedelta(days=2), language=language)
    await sign_up(harness.db, event_id, user_id, NOW - timedelta(days=2))
    await harness.db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, ?, 'qr', ?)",
        (event_id, user_id, to_db(NOW - timedelta(hours=3))),
    )


async def answer_briefly(
    harness: Harness, user_id: int, invite: SendMessage, useful: str, improve: str | None
) -> str:
    """Scores, one or two typed answers, "yes", and no topic ticked; the summary."""
    person = tg_user(user_id)
    ru = "Спасибо" in invite.text
    calls = await harness.press(person, button([invite], "📝"))
    for score in ("5", "5", "5", "5"):
        calls = await harness.press(person, button(calls, score))
    calls = await harness.send(person, useful)
    if improve is None:
        calls = await harness.press(person, button(calls, "Пропустить" if ru else "Өткізіп"))
    else:
        calls = await harness.send(person, improve)
    calls = await harness.press(person, button(calls, "Да" if ru else "Иә"))
    calls = await harness.press(person, button(calls, "Готово" if ru else "Дайын"))
    return texts(calls)[-1]


async def test_nothing_chosen_and_counts_of_text_answers_read_well(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    for user_id in (701, 702, 703):
        await attendee(harness, event_id, user_id)
    await attendee(harness, event_id, 720, "kk")
    invites = {int(c.chat_id): c for c in await invitation(harness)}

    summary = await answer_briefly(harness, 700, invites[700], "Кейсы", None)
    assert "• Какие темы интересны для следующих мероприятий? — ничего не выбрано" in summary
    coordinator = tg_user(1)
    screen = await harness.press(coordinator, f"Aev:o:{event_id}:0")
    results = texts(await harness.press(coordinator, button(screen, "📊 Результаты анкеты")))[0]
    assert "Что было самым полезным? — 1 текстовый ответ (" in results
    assert "Какие темы интересны для следующих мероприятий? — ничего не выбрано" in results

    await answer_briefly(harness, 701, invites[701], "Кейсы", "Больше практики")
    await answer_briefly(harness, 702, invites[702], "Кейсы", "Кофе-брейк")
    await answer_briefly(harness, 703, invites[703], "Кейсы", None)
    summary = await answer_briefly(harness, 720, invites[720], "Кейстер", None)
    assert "• Келесі іс-шаралар үшін қандай тақырыптар қызық? — ештеңе таңдалмады" in summary

    results = texts(await harness.press(coordinator, button(screen, "📊 Результаты анкеты")))[0]
    assert "Что было самым полезным? — 5 текстовых ответов (" in results
    assert "Что стоит улучшить? — 2 текстовых ответа (" in results
    kazakh = tg_user(2, "kk")
    await make_participant(harness.db, kazakh.id, NOW, language="kk")
    await harness.db.execute(
        "INSERT INTO coordinators (user_id, added_by, added_at) VALUES (2, 1, ?)", (to_db(NOW),)
    )
    results = texts(await harness.press(kazakh, button(screen, "📊")))[0]
    assert "Нені жақсарту керек? — 2 мәтіндік жауап (" in results
    assert "Келесі іс-шаралар үшін қандай тақырыптар қызық? — ештеңе таңдалмады" in results
