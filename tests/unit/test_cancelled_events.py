"""Events the organisers cancelled and applications not approved, as a participant sees them:
/my keeps them out of "upcoming", and every button of an old card of a cancelled event says at
once that it is cancelled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage, TelegramMethod

from bot.events.model import EventType
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, answers, button, buttons, texts, tg_user

UPCOMING = {"ru": "Предстоящие", "kk": "Алдағы"}
NOT_APPROVED = {"ru": "Заявки не одобрены", "kk": "Қабылданбаған өтінімдер"}
CANCELLED = {"ru": "Отменены организаторами", "kk": "Ұйымдастырушылар тоқтатқан"}
PAST = {"ru": "Прошедшие", "kk": "Өткен"}
EVENT_CANCELLED = {"ru": "мероприятие отменено", "kk": "іс-шара тоқтатылды"}
REJECTED = {"ru": "заявка отклонена", "kk": "өтінім қабылданбады"}
ALERT = {
    "ru": "❌ Мероприятие «{}» отменено организаторами",
    "kk": "❌ «{}» іс-шарасын ұйымдастырушылар тоқтатты",
}


def section(text: str, heading: str, others: list[str]) -> str:
    """The part of /my under `heading`, up to the next section heading."""
    start = text.index(f"<b>{heading}</b>")
    ends = [text.index(f"<b>{o}</b>") for o in others if f"<b>{o}</b>" in text]
    return text[start : min([e for e in ends if e > start], default=len(text))]


def alert_of(calls: list[TelegramMethod[Any]], language: str, title: str) -> None:
    """The press was answered at once with the cancellation alert, and nothing else."""
    [answer] = answers(calls)
    assert isinstance(answer, AnswerCallbackQuery) and answer.show_alert
    assert answer.text is not None and answer.text.startswith(ALERT[language].format(title))
    assert [c for c in calls if not isinstance(c, AnswerCallbackQuery)] == []


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_my_keeps_cancelled_and_rejected_out_of_upcoming(
    harness: Harness, language: str
) -> None:
    db, user_id = harness.db, 900
    await make_participant(db, user_id, NOW, language=language)
    going = await make_event(db, NOW, title_ru="Идёт", title_kk="Өтеді")
    called_off = await make_event(
        db, NOW, starts_at=NOW + timedelta(days=4), title_ru="Отменили", title_kk="Тоқтатты"
    )
    refused = await make_event(
        db,
        NOW,
        starts_at=NOW + timedelta(days=5),
        title_ru="Отказали",
        title_kk="Бас тартты",
        by_application=True,
        type=EventType.STUDY_TOUR,
    )
    long_ago = await make_event(
        db,
        NOW - timedelta(days=10),
        starts_at=NOW - timedelta(days=2),
        title_ru="Давно отменили",
        title_kk="Бұрын тоқтатты",
    )
    await sign_up(db, going.id, user_id, NOW)
    await sign_up(db, called_off.id, user_id, NOW)
    await sign_up(db, refused.id, user_id, NOW, "Хочу посмотреть опыт других НПО")
    await sign_up(db, long_ago.id, user_id, NOW - timedelta(days=5))
    await harness.app.events.cancel(called_off.id, actor=1)
    await harness.app.events.cancel(long_ago.id, actor=1)
    application = await registrations.get(db, refused.id, user_id)
    assert application is not None
    await harness.app.registration.decide(application.id, RegistrationStatus.REJECTED, 1)

    [reply] = await harness.send(tg_user(user_id, language), "/my")
    text = texts([reply])[0]
    headings = [UPCOMING[language], NOT_APPROVED[language], CANCELLED[language], PAST[language]]
    upcoming = section(text, UPCOMING[language], headings)
    assert going.title(language) in upcoming
    assert called_off.title(language) not in upcoming
    assert refused.title(language) not in upcoming
    not_approved = section(text, NOT_APPROVED[language], headings)
    assert refused.title(language) in not_approved and REJECTED[language] in not_approved
    cancelled = section(text, CANCELLED[language], headings)
    assert called_off.title(language) in cancelled and EVENT_CANCELLED[language] in cancelled
    past = section(text, PAST[language], headings)
    # A cancelled event in the past is not "no check-in recorded": it did not take place.
    assert long_ago.title(language) in past and EVENT_CANCELLED[language] in past
    # Only what the person may still go to has a button.
    assert [label for label, _ in buttons(reply)] == [f"1. {going.title(language)}"]


async def test_my_with_only_a_cancelled_event_is_not_empty(harness: Harness) -> None:
    await make_participant(harness.db, 901, NOW)
    event = await make_event(harness.db, NOW)
    await sign_up(harness.db, event.id, 901, NOW)
    await harness.app.events.cancel(event.id, actor=1)
    [reply] = await harness.send(tg_user(901), "/my")
    text = texts([reply])[0]
    assert "Предстоящие" not in text
    assert "Отменены организаторами" in text and event.title_ru in text


async def open_card(harness: Harness, user_id: int, language: str) -> list[TelegramMethod[Any]]:
    listing = await harness.send(tg_user(user_id, language), "/events")
    return await harness.press(tg_user(user_id, language), button(listing, "1. "))


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_register_on_an_old_card_says_the_event_is_cancelled(
    harness: Harness, language: str
) -> None:
    event = await make_event(harness.db, NOW, capacity=10)
    await make_participant(harness.db, 910, NOW, language=language)
    card = await open_card(harness, 910, language)
    register = button(card, "✅")
    await harness.app.events.cancel(event.id, actor=1)

    calls = await harness.press(tg_user(910, language), register)
    alert_of(calls, language, event.title(language))
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 0


async def test_the_old_confirmation_says_the_event_is_cancelled(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=10)
    await make_participant(harness.db, 911, NOW)
    card = await open_card(harness, 911, "ru")
    ask = await harness.press(tg_user(911), button(card, "✅ Зарегистрироваться"))
    await harness.app.events.cancel(event.id, actor=1)

    calls = await harness.press(tg_user(911), button(ask, "Да, зарегистрироваться"))
    alert_of(calls, "ru", event.title_ru)
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 0


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_apply_on_an_old_card_says_the_event_is_cancelled(
    harness: Harness, language: str
) -> None:
    event = await make_event(
        harness.db, NOW, by_application=True, capacity=15, type=EventType.STUDY_TOUR
    )
    await make_participant(harness.db, 920, NOW, language=language)
    card = await open_card(harness, 920, language)
    apply = button(card, "📝")
    await harness.app.events.cancel(event.id, actor=1)

    calls = await harness.press(tg_user(920, language), apply)
    alert_of(calls, language, event.title(language))
    # No motivation is asked for: a message typed now is not taken as one.
    typed = await harness.send(tg_user(920, language), "Хочу поехать и узнать опыт коллег")
    assert all("отменено" not in text and "тоқтат" not in text for text in texts(typed))
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 0


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_a_motivation_typed_after_the_cancellation_is_told_so(
    harness: Harness, language: str
) -> None:
    event = await make_event(
        harness.db, NOW, by_application=True, capacity=15, type=EventType.STUDY_TOUR
    )
    await make_participant(harness.db, 921, NOW, language=language)
    card = await open_card(harness, 921, language)
    await harness.press(tg_user(921, language), button(card, "📝"))
    await harness.app.events.cancel(event.id, actor=1)

    [reply] = await harness.send(tg_user(921, language), "Хочу поехать и узнать опыт коллег")
    assert isinstance(reply, SendMessage)
    assert reply.text.startswith(ALERT[language].format(event.title(language)))
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 0


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_calendar_on_an_old_card_says_the_event_is_cancelled(
    harness: Harness, language: str
) -> None:
    event = await make_event(harness.db, NOW, capacity=10)
    await make_participant(harness.db, 930, NOW, language=language)
    await sign_up(harness.db, event.id, 930, NOW)
    card = await open_card_from_my(harness, 930, language)
    calendar = button(card, "📅")
    await harness.app.events.cancel(event.id, actor=1)
    await harness.woken_sends()  # the cancellation notice

    calls = await harness.press(tg_user(930, language), calendar)
    alert_of(calls, language, event.title(language))
    assert not any(isinstance(call, SendDocument) for call in calls)


async def test_an_old_offer_of_a_cancelled_event_gives_no_seat(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(hours=20))
    for user_id in (940, 941):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)
    assert await harness.app.registration.cancel(event.id, 940)
    [offer] = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    await harness.app.events.cancel(event.id, actor=1)

    calls = await harness.press(tg_user(941), button([offer], "✅ Беру место"))
    alert_of(calls, "ru", event.title_ru)
    mine = await registrations.get(harness.db, event.id, 941)
    assert mine is not None and mine.status is RegistrationStatus.OFFERED


async def open_card_from_my(
    harness: Harness, user_id: int, language: str
) -> list[TelegramMethod[Any]]:
    my = await harness.send(tg_user(user_id, language), "/my")
    return await harness.press(tg_user(user_id, language), button(my, "1. "))
