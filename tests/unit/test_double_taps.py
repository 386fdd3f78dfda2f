"""Double taps and repeated taps, as an impatient person makes them on a phone: the second tap
shows nothing and sends nothing, and the message keeps the outcome of the first tap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, Message, Update

from bot.people import users
from bot.registration import store as registrations
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import BOT_USER, Harness, answers, callback_update, texts, tg_user
from tests.unit.test_survey_flow import ANNA, invitation, seminar_with_survey

COORDINATOR = tg_user(1)


def silent(calls: list[TelegramMethod[Any]]) -> bool:
    """The press only stopped its spinner: one empty answer, nothing else."""
    [answer] = calls
    return isinstance(answer, AnswerCallbackQuery) and not answer.text and not answer.show_alert


def button_data(message: Message, label: str) -> str:
    markup = message.reply_markup
    assert markup is not None
    data = next(b.callback_data for row in markup.inline_keyboard for b in row if b.text == label)
    assert data is not None
    return data


def told(calls: list[TelegramMethod[Any]]) -> list[TelegramMethod[Any]]:
    """Calls that put something in a chat (not the answer to the press, not getMe)."""
    return [
        c for c in calls if isinstance(c, SendMessage | EditMessageText | EditMessageReplyMarkup)
    ]


def view(harness: Harness, calls: list[TelegramMethod[Any]], *, containing: str = "") -> Message:
    """The newest message with buttons that `calls` left, as the chat shows it now."""
    for call in reversed(calls):
        if id(call) in harness.session.left_by:
            message = harness.message(call)
            if message.reply_markup is not None and containing in (message.text or ""):
                return message
    raise AssertionError(f"no message with buttons in {texts(calls)}")


async def card_with_ask(harness: Harness, user_id: int, language: str = "ru") -> Message:
    """The "register?" question for the first event in /events."""
    user = tg_user(user_id, language)
    listing = await harness.send(user, "/events")
    [card] = await harness.tap(user, view(harness, listing), "1. ")
    [ask] = await harness.tap(user, view(harness, card), "✅")
    return view(harness, ask)


async def test_language_button_tapped_twice_chooses_once(harness: Harness) -> None:
    user = tg_user(801)
    [ask] = await harness.send(user, "/start")
    first, second = await harness.tap(user, harness.message(ask), "Қазақша", times=2)
    assert "Тіл ауыстырылды" in texts(first)[0]
    assert silent(second)
    assert "Тіл ауыстырылды" in (harness.message(ask).text or "")
    consent_offers = [t for t in texts(first + second) if "Дербес деректерді" in t]
    assert len(consent_offers) == 1


async def test_consent_tapped_twice_starts_the_form_once(harness: Harness) -> None:
    user = tg_user(802)
    [ask] = await harness.send(user, "/start")
    [chosen] = await harness.tap(user, harness.message(ask), "✓ Русский")
    offer = view(harness, chosen, containing="Согласие")
    first, second = await harness.tap(user, offer, "✅ Согласен", times=2)
    assert sum("Шаг 1 из 5" in text for text in texts(first)) == 1
    assert silent(second)
    record = await users.get(harness.db, 802)
    assert record is not None and record.consent_at is not None


async def test_register_tapped_twice_keeps_the_confirmation(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=5)
    await make_participant(harness.db, 803, NOW)
    ask = await card_with_ask(harness, 803)
    first, second = await harness.tap(tg_user(803), ask, "Да, зарегистрироваться", times=2)
    assert silent(second)
    final = harness.session.shown[(ask.chat.id, ask.message_id)]
    assert "Готово" in (final.text or "")
    assert not any("уже записаны" in text for text in texts(first + second))
    assert await registrations.get(harness.db, event.id, 803) is not None
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 1


async def test_register_tapped_twice_at_the_same_moment_registers_once(harness: Harness) -> None:
    await make_event(harness.db, NOW, capacity=5)
    await make_participant(harness.db, 804, NOW)
    ask = await card_with_ask(harness, 804)
    data = button_data(ask, "Да, зарегистрироваться")
    start = len(harness.session.calls)
    await asyncio.gather(
        *(harness.feed(callback_update(tg_user(804), data, ask)) for _ in range(2))
    )
    calls = harness.session.calls[start:]
    assert len(answers(calls)) == 2, "both presses stop their spinner"
    assert not any("уже записаны" in text for text in texts(calls))
    assert sum("Готово" in text for text in texts(calls)) == 1
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 1


async def test_cancel_tapped_twice_ends_with_the_cancellation(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=5, starts_at=NOW + timedelta(days=10))
    await make_participant(harness.db, 805, NOW)
    await sign_up(harness.db, event.id, 805, NOW)
    user = tg_user(805)
    mine = await harness.send(user, "/my")
    [card] = await harness.tap(user, view(harness, mine), "1. ")
    [ask] = await harness.tap(user, view(harness, card), "Отменить регистрацию")
    question = view(harness, ask)
    first, second = await harness.tap(user, question, "Да, отменить", times=2)
    assert silent(second)
    final = harness.session.shown[(question.chat.id, question.message_id)]
    assert "отменена" in (final.text or "")
    assert not any("нельзя" in text for text in texts(first + second))
    record = await registrations.get(harness.db, event.id, 805)
    assert record is not None and record.status.value == "cancelled"


async def test_taking_an_offered_seat_twice_keeps_the_seat(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(hours=30))
    for user_id in (806, 807):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)
    holder = tg_user(806)
    mine = await harness.send(holder, "/my")
    [card] = await harness.tap(holder, view(harness, mine), "1. ")
    [ask] = await harness.tap(holder, view(harness, card), "Отменить регистрацию")
    await harness.tap(holder, view(harness, ask), "Да, отменить")
    [offer_call] = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert offer_call.chat_id == 807
    offer = harness.message(offer_call)
    first, second = await harness.tap(tg_user(807), offer, "✅ Беру место", times=2)
    assert silent(second)
    final = harness.session.shown[(offer.chat.id, offer.message_id)]
    assert "Место за вами" in (final.text or "")
    assert not any("истёк" in text for text in texts(first + second))
    record = await registrations.get(harness.db, event.id, 807)
    assert record is not None and record.status.value == "confirmed"


async def test_approving_on_a_full_event_sends_no_edit(harness: Harness) -> None:
    tour = await make_event(harness.db, NOW, by_application=True, capacity=1)
    for user_id in (811, 812):
        await make_participant(harness.db, user_id, NOW, full_name=f"Заявитель Номер{user_id}")
        await sign_up(harness.db, tour.id, user_id, NOW, "Хочу поехать")
    screen = await harness.press(COORDINATOR, f"Aev:o:{tour.id}:0")
    [apps] = await harness.tap(COORDINATOR, view(harness, screen), "📝 Заявки")
    [approved] = await harness.tap(COORDINATOR, view(harness, apps), "1. ✅")
    listing = view(harness, approved)
    [full] = await harness.tap(COORDINATOR, listing, "1. ✅")
    assert any("Места закончились" in text for text in texts(full))
    assert not [c for c in full if isinstance(c, EditMessageText | EditMessageReplyMarkup)]
    # After a pause the coordinator may try again and hears the same reason, still no edit.
    harness.pace_time.now += 10
    [again] = await harness.tap(COORDINATOR, listing, "1. ✅")
    assert any("Места закончились" in text for text in texts(again))
    assert not [c for c in again if isinstance(c, EditMessageText | EditMessageReplyMarkup)]


async def test_a_deliberate_second_tap_on_a_new_view_still_counts(harness: Harness) -> None:
    """Choosing and unchoosing an option of a multiple-choice question is two taps on the same
    button; the second comes from the view the first one left, so it is not a double tap. The
    same rating on two questions in a row is two answers, too."""
    await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    [calls] = await harness.tap(ANNA, harness.message(invite), "📝 Ответить на анкету")
    for label in ("5", "5", "5", "5"):
        [calls] = await harness.tap(ANNA, view(harness, calls), label)
    calls = await harness.send(ANNA, "Разбор кейсов")
    [calls] = await harness.tap(ANNA, view(harness, calls), "Пропустить")
    [calls] = await harness.tap(ANNA, view(harness, calls), "Да")
    topics = view(harness, calls)
    first, second = await harness.tap(ANNA, topics, "Бюджет народного участия", times=2)
    assert silent(second)
    chosen = view(harness, first)
    labels = [b.text for row in chosen.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert "✅ Бюджет народного участия" in labels
    [unchosen] = await harness.tap(ANNA, chosen, "✅ Бюджет народного участия")
    labels = [b.text for row in view(harness, unchosen).reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert "Бюджет народного участия" in labels
    [done] = await harness.tap(ANNA, view(harness, unchosen), "Медиаграмотность")
    [summary] = await harness.tap(ANNA, view(harness, done), "Готово ✔")
    text = texts(summary)[-1]
    assert "Насколько полезным было содержание? — 5" in text
    assert "Медиаграмотность" in text and "Бюджет" not in text


async def test_someone_who_never_started_the_bot_is_asked_to_open_it(harness: Harness) -> None:
    stranger = tg_user(820)
    group_card = Message(
        message_id=5,
        date=datetime.now(UTC),
        chat=Chat(id=-100500, type="supergroup", title="Общественный совет"),
        from_user=BOT_USER,
        text="Семинар",
    )
    calls = await harness.press(stranger, "ev:o:1:0", group_card)
    assert not told(calls)
    [answer] = answers(calls)
    assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert
    assert answer.text is not None and "@civic_test_bot" in answer.text and "/start" in answer.text

    inline = CallbackQuery(
        id="inline-press",
        from_user=tg_user(821, "kk"),
        chat_instance="ci",
        data="ev:o:1:0",
        inline_message_id="AAAA",
    )
    calls = await harness.feed(Update(update_id=990001, callback_query=inline))
    assert not told(calls)
    [answer] = answers(calls)
    assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert
    assert answer.text is not None and "Бастау" in answer.text
    assert await users.get(harness.db, 820) is None
    assert await users.get(harness.db, 821) is None


async def test_a_late_repeat_of_cancel_or_take_reports_what_happened(harness: Harness) -> None:
    """Long after the first tap (or after a restart, when no view is remembered) the same button
    on an old message says what the first tap did, not that it failed."""
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(hours=30))
    for user_id in (830, 831):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)
    holder = tg_user(830)
    mine = await harness.send(holder, "/my")
    [card] = await harness.tap(holder, view(harness, mine), "1. ")
    [ask] = await harness.tap(holder, view(harness, card), "Отменить регистрацию")
    question = view(harness, ask)
    await harness.tap(holder, question, "Да, отменить")
    [offer_call] = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert offer_call.chat_id == 831
    offer = harness.message(offer_call)
    await harness.tap(tg_user(831), offer, "✅ Беру место")

    late = await harness.press(holder, button_data(question, "Да, отменить"))
    assert "отменена" in texts(late)[0]
    late = await harness.press(tg_user(831), button_data(offer, "✅ Беру место"))
    assert "Место за вами" in texts(late)[0]
