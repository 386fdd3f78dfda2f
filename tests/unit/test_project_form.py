"""The coordinator's project form on the form engine (handlers/ui/forms.py): creating a project
and editing one of its fields leave no FSM row in the default destiny, finished or cancelled;
Skip and Cancel as before, no Back and no progress; a bad answer gets the reason and the same
question; a form left half-way resumes at its step after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import ReplyKeyboardMarkup

from bot.events.store import get_project, list_projects
from bot.platform.db import Database
from tests.conftest import NOW
from tests.factories import make_project
from tests.harness import Harness, button, make_harness, texts, tg_user

COORDINATOR = tg_user(1)
NEW_PROJECT = (
    "Школа гражданского участия",
    "Азаматтық қатысу мектебі",
    "Пропустить",
    "01.06.2026 - 30.11.2026",
)


async def fsm_rows(db: Database) -> dict[str, tuple[str | None, str]]:
    """The coordinator's FSM rows by destiny: (state, data)."""
    found = await db.fetch_all(
        "SELECT key, state, data FROM fsm_state WHERE user_id = ?", (COORDINATOR.id,)
    )
    return {row["key"].rsplit(":", 1)[-1]: (row["state"], row["data"]) for row in found}


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[list[str]]:
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    markup = last.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup), last
    return [[b.text for b in row] for row in markup.keyboard]


async def say(harness: Harness, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(COORDINATOR, answer)
    return calls


async def new_project_form(harness: Harness) -> list[TelegramMethod[Any]]:
    [home] = await harness.send(COORDINATOR, "/admin")
    return await harness.press(COORDINATOR, button([home], "➕ Новый проект"))


async def test_a_new_project_finished_or_cancelled_leaves_no_row(harness: Harness) -> None:
    first = await new_project_form(harness)
    assert reply_buttons(first) == [["Отмена"]], "no Skip on the title, no Back"
    second = await say(harness, NEW_PROJECT[0])
    assert "Шаг" not in texts(second)[0], "the project form shows no progress"
    assert reply_buttons(second) == [["Пропустить"], ["Отмена"]]
    assert "default" in await fsm_rows(harness.db), "the draft is kept while it is written"
    cancelled = await say(harness, "Отмена")
    assert "отменено" in texts(cancelled)[0].lower()
    assert await fsm_rows(harness.db) == {}
    assert await list_projects(harness.db) == []

    await new_project_form(harness)
    created = await say(harness, *NEW_PROJECT)
    assert "создан" in texts(created)[0]
    assert await fsm_rows(harness.db) == {}
    [project] = await list_projects(harness.db)
    assert (project.title_kk, project.funder) == ("Азаматтық қатысу мектебі", "")


async def test_an_edit_finished_or_cancelled_leaves_no_row(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    ask = await harness.press(COORDINATOR, f"Apf:{project.id}:title_kk")
    assert reply_buttons(ask) == [["Пропустить"], ["Отмена"]]
    assert "default" in await fsm_rows(harness.db)
    cancelled = await say(harness, "Отмена")
    assert "отменено" in texts(cancelled)[0].lower()
    assert await fsm_rows(harness.db) == {}

    await harness.press(COORDINATOR, f"Apf:{project.id}:title_kk")
    saved = await say(harness, "Азаматтық қатысу мектебі")
    assert texts(saved)[0] == "Сохранено."
    assert await fsm_rows(harness.db) == {}
    kept = await get_project(harness.db, project.id)
    assert kept is not None and kept.title_kk == "Азаматтық қатысу мектебі"


async def test_a_bad_period_gets_the_reason_and_the_same_question(harness: Harness) -> None:
    await new_project_form(harness)
    await say(harness, *NEW_PROJECT[:3])
    wrong = await say(harness, "30.11.2026 - 01.06.2026")
    assert texts(wrong)[0] == "Конец периода раньше начала."
    assert texts(wrong)[1].startswith("Период реализации"), "the same question again"
    unreadable = await say(harness, "весной")
    assert texts(unreadable)[0].startswith("Напишите период так")
    assert (await fsm_rows(harness.db))["default"][0] == "ProjectForm:period"
    await say(harness, NEW_PROJECT[3])
    [project] = await list_projects(harness.db)
    assert (f"{project.starts_on:%d.%m}", f"{project.ends_on:%d.%m}") == ("01.06", "30.11")


async def test_a_project_form_resumes_at_its_step_after_a_restart(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW, admin_ids="1"):
        await new_project_form(first)
        await say(first, *NEW_PROJECT[:2])
    async for second in make_harness(tmp_path, NOW, admin_ids="1"):
        await say(second, *NEW_PROJECT[2:])
        [project] = await list_projects(second.db)
        assert (project.title_ru, project.title_kk) == NEW_PROJECT[:2], "answered before"
        assert await fsm_rows(second.db) == {}
