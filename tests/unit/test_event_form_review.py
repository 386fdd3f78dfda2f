"""The event form ends on a review page (issue 13 item 9): every answer, each changed with one
tap, then Save, which alone creates the event; "Без анкеты" asks nothing about anonymity (item
13); the review survives a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import ReplyKeyboardMarkup

from bot.events.model import EventStatus
from bot.events.store import list_events
from tests.conftest import NOW
from tests.factories import make_participant, make_project
from tests.harness import Harness, make_harness, texts, tg_user

COORDINATOR = tg_user(1)
UP_TO_SURVEY = (
    "Семинар в Алмалинском районе",
    "Пропустить",
    "Пропустить",
    "Пропустить",
    "Семинар",
    "12.06.2026 10:00",
    "13:00",
    "ул. Абая 10",
    "Алмалинский район",
    "25",
    "Пропустить",
    "Открытое",
    "24ч, 3ч",
)


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[str]:
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    assert isinstance(last.reply_markup, ReplyKeyboardMarkup), last
    return [button.text for row in last.reply_markup.keyboard for button in row]


async def say(harness: Harness, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(COORDINATOR, answer)
    return calls


async def to_review(harness: Harness) -> tuple[int, list[TelegramMethod[Any]]]:
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apr:e:{project.id}")
    await say(harness, *UP_TO_SURVEY)
    publish = await say(harness, "Без анкеты")
    assert "Опубликовать сейчас" in texts(publish)[0], "no named-or-anonymous after no survey"
    return project.id, await say(harness, "💾 Черновик")


async def test_the_review_lists_every_answer_and_only_save_creates(harness: Harness) -> None:
    project_id, review = await to_review(harness)
    page = texts(review)[0]
    assert "Проверьте мероприятие" in page
    for shown in ("Семинар в Алмалинском районе", "12.06.2026 10:00", "ул. Абая 10", "25"):
        assert shown in page
    assert "Алмалинский район" in page and "24 ч, 3 ч" in page and "Без анкеты" in page
    assert "Анонимность" not in page, "no anonymity without a questionnaire"
    labels = reply_buttons(review)
    assert "✏️ Место" in labels and "✅ Сохранить" in labels and "Отмена" in labels
    assert "✏️ Анонимность анкеты" not in labels
    assert await list_events(harness.db, project_id) == [], "nothing saved before Save"

    done = await say(harness, "✅ Сохранить")
    assert "сохранено как черновик" in texts(done)[0]
    [event] = await list_events(harness.db, project_id)
    assert event.status is EventStatus.DRAFT and event.survey_template is None
    assert not event.survey_anonymous
    await say(harness, "✅ Сохранить")
    assert len(await list_events(harness.db, project_id)) == 1, "Save again saves nothing"


async def test_one_tap_changes_one_answer_and_returns_to_the_review(harness: Harness) -> None:
    project_id, _ = await to_review(harness)
    asked = await say(harness, "✏️ Место")
    assert "Место проведения" in texts(asked)[0] and "Шаг" not in texts(asked)[0]
    assert "« Назад" in reply_buttons(asked)
    review = await say(harness, "Дом дружбы, ул. Абая 48")
    assert "Проверьте мероприятие" in texts(review)[0]
    assert "Дом дружбы, ул. Абая 48" in texts(review)[0]

    await say(harness, "✏️ Количество мест")
    unchanged = await say(harness, "« Назад")
    assert "Проверьте мероприятие" in texts(unchanged)[0] and "25" in texts(unchanged)[0]

    await say(harness, "✅ Сохранить")
    [event] = await list_events(harness.db, project_id)
    assert (event.place, event.capacity) == ("Дом дружбы, ул. Абая 48", 25)


async def test_a_later_start_asks_the_end_again_and_a_survey_asks_anonymity(
    harness: Harness,
) -> None:
    project_id, _ = await to_review(harness)
    await say(harness, "✏️ Начало")
    end = await say(harness, "12.06.2026 14:00")
    assert "Окончание" in texts(end)[0], "13:00 is before the new start"
    review = await say(harness, "17:00")
    assert "12.06.2026 17:00" in texts(review)[0]

    await say(harness, "✏️ Анкета")
    anonymity = await say(harness, "Анкета участника семинара")
    assert "именная или анонимная" in texts(anonymity)[0]
    review = await say(harness, "Анонимная")
    assert "Анонимность анкеты:</b> Анонимная" in texts(review)[0]
    await say(harness, "✅ Сохранить")
    [event] = await list_events(harness.db, project_id)
    assert event.starts_at == NOW + timedelta(days=3, hours=4)
    assert event.ends_at == NOW + timedelta(days=3, hours=7)
    assert (event.survey_template, event.survey_anonymous) == ("seminar", True)


async def test_back_from_publish_skips_the_anonymity_step(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apr:e:{project.id}")
    await say(harness, *UP_TO_SURVEY, "Без анкеты")
    back = await say(harness, "« Назад")
    assert "Какую анкету" in texts(back)[0]


async def test_the_review_survives_a_restart_and_cancel_leaves_nothing(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW, admin_ids="1"):
        project_id, _ = await to_review(first)
    async for second in make_harness(tmp_path, NOW, admin_ids="1"):
        typo = await say(second, "сохранить пожалуйста")
        assert "Проверьте мероприятие" in texts(typo)[-1], "the review is shown again"
        await say(second, "✅ Сохранить")
        [event] = await list_events(second.db, project_id)
        assert event.title_ru == "Семинар в Алмалинском районе"

        await second.press(COORDINATOR, f"Apr:e:{project_id}")
        await say(second, *UP_TO_SURVEY, "Без анкеты", "📢 Опубликовать")
        cancelled = await say(second, "Отмена")
        assert "ничего не сохранено" in texts(cancelled)[0]
        assert len(await list_events(second.db, project_id)) == 1


async def test_the_review_in_kazakh(harness: Harness) -> None:
    await make_participant(harness.db, 1, NOW, language="kk")
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apr:e:{project.id}")
    kazakh = (
        "Алмалы ауданындағы семинар",
        "Өткізіп жіберу",
        "Өткізіп жіберу",
        "Өткізіп жіберу",
        "Семинар",
        "12.06.2026 10:00",
        "13:00",
        "Абай к-сі 10",
        "Өткізіп жіберу",
        "Шектеусіз",
        "Өткізіп жіберу",
        "Ашық",
        "24сағ",
        "Сауалнамасыз",
    )
    publish = await say(harness, *kazakh)
    assert "Жасырын" not in " ".join(reply_buttons(publish))
    review = await say(harness, "📢 Жариялау")
    page = texts(review)[0]
    assert "Сақтамас бұрын" in page and "24 сағ" in page
    assert "✅ Сақтау" in reply_buttons(review)
    done = await say(harness, "✅ Сақтау")
    [event] = await list_events(harness.db, project.id)
    assert event.status is EventStatus.PUBLISHED and event.capacity is None
    assert "Алмалы ауданындағы семинар" in texts(done)[0]
