"""The step-by-step forms (handlers/ui/forms.py) as a coordinator goes through them: the walk-in
and event forms leave no FSM row behind once finished, cancelled or left for another form;
the event form resumes at its step after a restart; Back, Skip and progress as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import ReplyKeyboardMarkup

from bot.events.model import EventStatus
from bot.events.store import get_event, list_events
from bot.platform.db import Database
from tests.conftest import NOW
from tests.factories import make_event, make_project
from tests.harness import Harness, make_harness, texts, tg_user

COORDINATOR = tg_user(1)
# A new event's answers in the order asked, from the title to "publish", then Save on the
# review page.
NEW_EVENT = (
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
    "Анкета участника семинара",
    "Анонимная",
    "📢 Опубликовать",
    "✅ Сохранить",
)


async def fsm_rows(db: Database) -> dict[str, tuple[str | None, str]]:
    """The coordinator's FSM rows by destiny: (state, data)."""
    found = await db.fetch_all(
        "SELECT key, state, data FROM fsm_state WHERE user_id = ?", (COORDINATOR.id,)
    )
    return {row["key"].rsplit(":", 1)[-1]: (row["state"], row["data"]) for row in found}


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[list[str]]:
    """The rows of the reply keyboard under the last message."""
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    markup = last.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup), last
    return [[button.text for button in row] for row in markup.keyboard]


async def say(harness: Harness, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(COORDINATOR, answer)
    return calls


async def new_event_form(harness: Harness) -> tuple[int, list[TelegramMethod[Any]]]:
    project = await make_project(harness.db, NOW)
    return project.id, await harness.press(COORDINATOR, f"Apr:e:{project.id}")


async def test_walk_in_form_finished_or_cancelled_leaves_no_row(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    await harness.press(COORDINATOR, f"Aev:a:{event.id}:0")
    await say(harness, "Ахметова Роза")
    asked = await say(harness, "Гражданский активист")
    assert "default" in await fsm_rows(harness.db), "the draft is kept while it is written"
    assert reply_buttons(asked)[-1] == ["Отмена"], "no Skip, no Back: the walk-in form has none"
    done = await say(harness, "Турксибский район")
    assert "Ахметова Роза отмечен(а)" in texts(done)[0]
    assert await fsm_rows(harness.db) == {}

    await harness.press(COORDINATOR, f"Aev:a:{event.id}:0")
    await say(harness, "Ахметова Роза")
    cancelled = await say(harness, "Отмена")
    assert "отменено" in texts(cancelled)[0].lower()
    assert await fsm_rows(harness.db) == {}
    walkins = await harness.db.fetch_value(
        "SELECT COUNT(*) FROM checkins WHERE event_id = ?", (event.id,)
    )
    assert walkins == 1, "the cancelled one was not added"


async def test_event_form_finished_or_cancelled_leaves_no_row(harness: Harness) -> None:
    project_id, _ = await new_event_form(harness)
    await say(harness, *NEW_EVENT[:7])
    assert "default" in await fsm_rows(harness.db)
    cancelled = await say(harness, "Отмена")
    assert "отменено" in texts(cancelled)[0].lower()
    assert await fsm_rows(harness.db) == {}
    assert await list_events(harness.db, project_id) == []

    await harness.press(COORDINATOR, f"Apr:e:{project_id}")
    created = await say(harness, *NEW_EVENT)
    assert "создано и опубликовано" in texts(created)[0]
    assert await fsm_rows(harness.db) == {}
    [event] = await list_events(harness.db, project_id)

    await harness.press(COORDINATOR, f"Aef:{event.id}:place")
    assert "default" in await fsm_rows(harness.db)
    await say(harness, "Отмена")
    assert await fsm_rows(harness.db) == {}
    await harness.press(COORDINATOR, f"Aef:{event.id}:place")
    saved = await say(harness, "Дом дружбы, ул. Абая 48")
    assert "Сохранено" in texts(saved)[0]
    assert await fsm_rows(harness.db) == {}


async def test_a_form_left_midway_for_another_leaves_nothing_of_itself(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    await new_event_form(harness)
    await say(harness, *NEW_EVENT[:5])
    await harness.press(COORDINATOR, f"Aev:a:{event.id}:0")
    state, data = (await fsm_rows(harness.db))["default"]
    assert state == "WalkinForm:name"
    assert "Алмалинском" not in data, "the event form's answers went with it"
    await say(harness, "Ахметова Роза", "Гражданский активист", "Турксибский район")
    assert await fsm_rows(harness.db) == {}

    await harness.press(COORDINATOR, f"Aev:a:{event.id}:0")
    await say(harness, "Ахметова Роза")
    _, asked = await new_event_form(harness)
    assert "Шаг 1 из 16" in texts(asked)[0]
    state, data = (await fsm_rows(harness.db))["default"]
    assert state == "EventForm:title_ru" and "Ахметова" not in data
    await say(harness, *NEW_EVENT)
    assert await fsm_rows(harness.db) == {}


async def test_event_form_resumes_at_its_step_after_a_restart(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW, admin_ids="1"):
        project_id, _ = await new_event_form(first)
        await say(first, *NEW_EVENT[:5])
    async for second in make_harness(tmp_path, NOW, admin_ids="1"):
        calls = await say(second, NEW_EVENT[5])
        assert "Шаг 7 из 16" in texts(calls)[0]
        back = await say(second, "« Назад")
        assert "Шаг 6 из 16" in texts(back)[0]
        await say(second, *NEW_EVENT[5:])
        [event] = await list_events(second.db, project_id)
        assert event.title_ru == "Семинар в Алмалинском районе", "answered before the restart"
        assert event.title_kk is None and event.status is EventStatus.PUBLISHED
        assert await fsm_rows(second.db) == {}


async def test_back_from_the_first_step_asks_it_again(harness: Harness) -> None:
    _, first = await new_event_form(harness)
    assert reply_buttons(first) == [["Отмена"]], "no Back on the first step"
    again = await say(harness, "« Назад")
    assert "Шаг 1 из 16" in texts(again)[0] and "Название" in texts(again)[0]
    assert (await fsm_rows(harness.db))["default"][0] == "EventForm:title_ru"
    second = await say(harness, "Семинар в Алмалинском районе")
    assert "Шаг 2 из 16" in texts(second)[0]
    assert reply_buttons(second) == [["Пропустить"], ["« Назад", "Отмена"]]
    assert "Шаг 1 из 16" in texts(await say(harness, "« Назад"))[0]


async def test_skip_on_an_optional_step_leaves_it_empty(harness: Harness) -> None:
    project_id, _ = await new_event_form(harness)
    await say(harness, NEW_EVENT[0])
    await say(harness, "Пропустить", "Пропустить")
    fifth = await say(harness, "Пропустить")
    assert "Шаг 5 из 16" in texts(fifth)[0]
    assert ["Пропустить"] not in reply_buttons(fifth), "the type is not optional"
    calls = await say(harness, *NEW_EVENT[2:8])
    assert "Шаг 9 из 16" in texts(calls)[0]
    assert reply_buttons(calls)[-2:] == [["Пропустить"], ["« Назад", "Отмена"]]
    await say(harness, "Пропустить", *NEW_EVENT[9:])
    [event] = await list_events(harness.db, project_id)
    assert (event.title_kk, event.district, event.registration_deadline) == (None, None, None)


async def test_skip_in_edit_mode_clears_the_field(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, title_kk="Алмалы ауданындағы семинар")
    ask = await harness.press(COORDINATOR, f"Aef:{event.id}:title_kk")
    assert "Шаг" not in texts(ask)[0], "editing one field shows no progress"
    assert reply_buttons(ask) == [["Пропустить"], ["Отмена"]], "and no Back"
    await say(harness, "Пропустить")
    edited = await get_event(harness.db, event.id)
    assert edited is not None and edited.title_kk is None
