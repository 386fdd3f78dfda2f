"""Consent and the profile form, as a participant goes through them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.people import users
from tests.conftest import NOW
from tests.harness import Harness, buttons, contact_update, make_harness, texts, tg_user


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[str]:
    """Texts of the reply keyboard the last message showed."""
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    markup = last.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup), last
    return [button.text for row in markup.keyboard for button in row]


async def choose_language(harness: Harness, user_id: int, language: str = "ru") -> Any:
    user = tg_user(user_id)
    [ask] = await harness.send(user, "/start")
    label = {"ru": "Русский", "kk": "Қазақша"}[language]
    data = next(value for text, value in buttons(ask) if text.endswith(label))
    calls = await harness.press(user, data)
    return user, calls


async def consent(harness: Harness, user: Any, calls: list[TelegramMethod[Any]]) -> list[Any]:
    offer = next(c for c in calls if isinstance(c, SendMessage) and buttons(c))
    agree = buttons(offer)[0][1]
    return await harness.press(user, agree)


async def test_full_onboarding_stores_the_profile(harness: Harness) -> None:
    user, calls = await choose_language(harness, 601)
    calls = await consent(harness, user, calls)
    assert "Шаг 1 из 5" in texts(calls)[-1]
    assert reply_buttons(calls) == ["Отмена"]

    calls = await harness.send(user, "  Сапарова   Айгерим  ")
    assert "Отправить мой номер" in reply_buttons(calls)[0]
    calls = await harness.feed(contact_update(user, "77011234567"))
    assert "Пропустить" in reply_buttons(calls)
    calls = await harness.send(user, "ОФ «Азамат»")
    assert "Представитель НПО" in reply_buttons(calls)
    calls = await harness.send(user, "Представитель НПО")
    assert "Алмалинский район" in reply_buttons(calls)
    calls = await harness.send(user, "Алмалинский район")
    assert "Анкета сохранена" in texts(calls)[0]
    assert isinstance(calls[0].reply_markup, ReplyKeyboardRemove)  # type: ignore[attr-defined]

    record = await users.get(harness.db, 601)
    assert record is not None
    assert record.full_name == "Сапарова Айгерим"
    assert record.phone == "+77011234567"
    assert record.organisation == "ОФ «Азамат»"
    assert (record.category, record.district) == ("ngo", "almaly")
    assert record.consent_at is not None and record.profile_done_at is not None


async def test_bad_input_gets_the_reason_and_the_same_question(harness: Harness) -> None:
    user, calls = await choose_language(harness, 602)
    await consent(harness, user, calls)

    calls = await harness.send(user, "Айгерим")
    assert texts(calls)[0] == "Нужны хотя бы два слова: фамилия и имя."
    assert "Шаг 1 из 5" in texts(calls)[1]
    calls = await harness.send(user, "R2-D2 Droid")
    assert "только буквы" in texts(calls)[0]
    await harness.send(user, "Ким Ан-Мари")

    calls = await harness.send(user, "12345")
    assert "Не похоже на номер" in texts(calls)[0]
    assert "Шаг 2 из 5" in texts(calls)[1]
    calls = await harness.feed(contact_update(user, "77011234567", owner_id=999))
    assert "чужой контакт" in texts(calls)[0]
    calls = await harness.send(user, "8 (701) 123-45-67")
    assert "Шаг 3 из 5" in texts(calls)[0]

    await harness.send(user, "Пропустить")
    calls = await harness.send(user, "Космонавт")
    assert texts(calls)[0] == "Выберите вариант кнопкой внизу."
    await harness.send(user, "Другое")
    calls = await harness.send(user, "Другой — напишу сам(а)")
    assert "Напишите название вашего района" in texts(calls)[0]
    calls = await harness.send(user, "Ж")
    assert "от 2 до 60" in texts(calls)[0]
    await harness.send(user, "г. Актау, 14 мкр")

    record = await users.get(harness.db, 602)
    assert record is not None
    assert record.full_name == "Ким Ан-Мари"
    assert record.phone == "+77011234567"
    assert record.organisation is None
    assert record.category == "other"
    assert record.district == "other:г. Актау, 14 мкр"


async def test_back_returns_to_the_previous_question_and_keeps_answers(harness: Harness) -> None:
    user, calls = await choose_language(harness, 603)
    await consent(harness, user, calls)
    await harness.send(user, "Сапарова Айгерим")
    calls = await harness.send(user, "« Назад")
    assert "Шаг 1 из 5" in texts(calls)[0]
    calls = await harness.send(user, "Сапарова Айгерим Болатовна")
    assert "Шаг 2 из 5" in texts(calls)[0]
    await harness.send(user, "+7 701 000 00 00")
    await harness.send(user, "Пропустить")
    await harness.send(user, "Студент, молодёжь")
    await harness.send(user, "Медеуский район")
    record = await users.get(harness.db, 603)
    assert record is not None and record.full_name == "Сапарова Айгерим Болатовна"


async def test_cancel_pauses_and_start_resumes_at_the_same_step(harness: Harness) -> None:
    user, calls = await choose_language(harness, 604)
    await consent(harness, user, calls)
    await harness.send(user, "Сапарова Айгерим")
    calls = await harness.send(user, "Отмена")
    assert "приостановлено" in texts(calls)[0]
    calls = await harness.send(user, "/start")
    assert "Продолжим анкету" in texts(calls)[0]
    assert "Шаг 2 из 5" in texts(calls)[-1], "the name given before Cancel is kept"


async def test_kazakh_form_uses_kazakh_buttons(harness: Harness) -> None:
    user, calls = await choose_language(harness, 606, "kk")
    calls = await consent(harness, user, calls)
    assert "5 қадамның 1-қадамы" in texts(calls)[-1]
    await harness.send(user, "Сапарова Әйгерім")
    calls = await harness.send(user, "+77011234567")
    assert reply_buttons(calls)[0] == "Өткізіп жіберу"
    await harness.send(user, "Өткізіп жіберу")
    await harness.send(user, "ҮЕҰ өкілі")
    calls = await harness.send(user, "Алмалы ауданы")
    assert "Сауалнама сақталды" in texts(calls)[0]


@pytest.mark.parametrize("restart_after", [1, 3])
async def test_form_survives_a_restart(tmp_path: Path, restart_after: int) -> None:
    answers = ["Сапарова Айгерим", "+77011234567", "Пропустить", "Гражданский активист"]
    async for first in make_harness(tmp_path, NOW):
        user, calls = await choose_language(first, 607)
        await consent(first, user, calls)
        for answer in answers[:restart_after]:
            await first.send(user, answer)
    async for second in make_harness(tmp_path, NOW):
        calls = await second.send(user, "/start")
        assert "Продолжим анкету" in texts(calls)[0]
        assert f"Шаг {restart_after + 1} из 5" in texts(calls)[1]
        for answer in answers[restart_after:]:
            await second.send(user, answer)
        await second.send(user, "Турксибский район")
        record = await users.get(second.db, 607)
        assert record is not None and record.profile_done_at is not None
        assert record.full_name == "Сапарова Айгерим"
        assert record.category == "civic_activist"


async def test_a_newcomer_who_starts_with_profile_keeps_the_profile(harness: Harness) -> None:
    """No /start, no language chosen: straight to /profile from a poster's instructions."""
    user = tg_user(611, language_code="kk")
    calls = await harness.send(user, "/profile")
    calls = await consent(harness, user, calls)
    await harness.send(user, "Сапарова Айгерим")
    await harness.feed(contact_update(user, "77011234567"))
    await harness.send(user, "Өткізіп жіберу")
    await harness.send(user, "ҮЕҰ өкілі")
    calls = await harness.send(user, "Алмалы ауданы")
    record = await users.get(harness.db, 611)
    assert record is not None, texts(calls)
    assert (record.full_name, record.category, record.district) == (
        "Сапарова Айгерим", "ngo", "almaly",
    )  # fmt: skip
    assert record.language == "kk"
    again = await harness.send(user, "/profile")
    assert "Сапарова Айгерим" in texts(again)[0], "the saved profile, not the consent again"
