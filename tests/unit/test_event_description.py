"""The event description (issue 13 item 2): asked in the form, edited, shown on the card in the
reader's language (or the other one), clipped to Telegram's limit, and in the .ics file."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import SendDocument, TelegramMethod
from aiogram.types import BufferedInputFile

from bot.events.store import get_event, list_events
from bot.platform.telegram_text import utf16_len
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, sign_up
from tests.harness import Harness, button, texts, tg_user

COORDINATOR = tg_user(1)


async def say(harness: Harness, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(COORDINATOR, answer)
    return calls


async def open_card(harness: Harness, user_id: int, language: str) -> str:
    listing = await harness.send(tg_user(user_id, language), "/events")
    return texts(await harness.press(tg_user(user_id, language), button(listing, "1. ")))[0]


async def test_the_form_asks_for_both_descriptions_and_refuses_a_long_one(
    harness: Harness,
) -> None:
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apr:e:{project.id}")
    asked = await say(harness, "Семинар в Медеу", "Пропустить")
    assert "Описание для участников" in texts(asked)[0] and "Шаг 3 из 16" in texts(asked)[0]
    refused = await say(harness, "слово " * 400)
    assert "не больше 2000 знаков" in texts(refused)[0]
    assert "Шаг 3 из 16" in texts(refused)[1], "the same question again"
    kazakh = await say(harness, "О бюджете района.\n\nВозьмите паспорт & ручку.")
    assert "на казахском" in texts(kazakh)[0]
    await say(harness, "Пропустить", "Семинар", "12.06.2026 10:00", "13:00", "Зал", "Пропустить")
    await say(harness, "25", "Пропустить", "Открытое", "За 24 ч и за 2 ч", "Без анкеты")
    review = await say(harness, "📢 Опубликовать")
    assert "О бюджете района." in texts(review)[0]
    await say(harness, "✅ Сохранить")
    [event] = await list_events(harness.db, project.id)
    assert event.description_ru == "О бюджете района.\n\nВозьмите паспорт & ручку."
    assert event.description_kk is None

    await make_participant(harness.db, 80, NOW, language="kk")
    card = await open_card(harness, 80, "kk")
    assert "Возьмите паспорт &amp; ручку." in card, "no Kazakh one: the Russian one"


@pytest.mark.parametrize(
    ("language", "shown"), [("ru", "Про бюджет"), ("kk", "Аудан бюджеті туралы")]
)
async def test_edit_sets_a_description_the_card_shows_in_the_readers_language(
    harness: Harness, language: str, shown: str
) -> None:
    event = await make_event(harness.db, NOW, description_ru="Про бюджет")
    ask = await harness.press(COORDINATOR, f"Aef:{event.id}:description_kk")
    assert "на казахском" in texts(ask)[0]
    assert "Сохранено" in texts(await say(harness, "Аудан бюджеті туралы"))[0]
    edited = await get_event(harness.db, event.id)
    assert edited is not None and edited.description_kk == "Аудан бюджеті туралы"
    await make_participant(harness.db, 81, NOW, language=language)
    assert shown in await open_card(harness, 81, language)


async def test_a_very_long_description_is_clipped_to_fit_a_message(harness: Harness) -> None:
    await make_event(harness.db, NOW, description_ru="Тема & <вопросы> " * 600)
    await make_participant(harness.db, 82, NOW)
    card = await open_card(harness, 82, "ru")
    assert utf16_len(card) <= 4096
    body = card.split("\n\n", 1)[1]
    assert body.rstrip().endswith("…") and "Тема &amp; &lt;вопросы&gt;" in body
    assert body.count("&") == body.count("&amp;") + body.count("&lt;") + body.count("&gt;")


async def test_the_calendar_file_carries_the_description_escaped_and_folded(
    harness: Harness,
) -> None:
    description = "Повестка: бюджет, дороги; вопросы\r\nВторая строка " + "ж" * 80
    event = await make_event(harness.db, NOW, description_ru=description, capacity=10)
    await make_participant(harness.db, 83, NOW)
    await sign_up(harness.db, event.id, 83, NOW)
    calls = await harness.press(tg_user(83), f"ev:i:{event.id}")
    [sent] = [call for call in calls if isinstance(call, SendDocument)]
    assert isinstance(sent.document, BufferedInputFile)
    raw = sent.document.data
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    unfolded = raw.replace(b"\r\n ", b"").decode()
    expected = "DESCRIPTION:Повестка: бюджет\\, дороги\\; вопросы\\nВторая строка " + "ж" * 80
    assert expected + "\r\n" in unfolded
