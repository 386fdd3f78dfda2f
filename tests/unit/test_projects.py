"""A project's creation and every edit are saved together with their audit row: when one of
the two fails, neither is left, and the coordinator can simply try again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.events.store import get_project, list_projects
from tests.conftest import NOW
from tests.factories import make_project
from tests.harness import Harness, button, texts, tg_user

COORDINATOR = tg_user(1)
FAILED = "Что-то пошло не так"


async def audit_rows(harness: Harness, action: str) -> list[Any]:
    rows: list[Any] = await harness.db.fetch_all(
        "SELECT actor_id, object, details FROM audit_log WHERE action = ?", (action,)
    )
    return rows


def fail_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    async def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("bot.audit.record", disk_full)


async def test_an_edit_whose_audit_row_fails_is_not_saved(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = await make_project(harness.db, NOW, funder="УОР г. Алматы")
    fail_audit(monkeypatch)
    await harness.press(COORDINATOR, f"Apf:{project.id}:funder")
    failed = await harness.send(COORDINATOR, "Фонд Сорос-Казахстан")
    assert FAILED in texts(failed)[0]
    kept = await get_project(harness.db, project.id)
    assert kept is not None and kept.funder == "УОР г. Алматы", "the change went with its audit"
    assert await audit_rows(harness, "project.edit") == []

    monkeypatch.undo()
    await harness.press(COORDINATOR, f"Apf:{project.id}:funder")
    saved = await harness.send(COORDINATOR, "Фонд Сорос-Казахстан")
    assert texts(saved)[0] == "Сохранено."
    assert "Фонд Сорос-Казахстан" in texts(saved)[1]
    [row] = await audit_rows(harness, "project.edit")
    assert (row["actor_id"], row["object"]) == (1, f"project:{project.id}")
    assert json.loads(row["details"]) == {"field": "funder", "value": "Фонд Сорос-Казахстан"}


async def test_a_period_edit_is_audited_as_typed_dates(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apf:{project.id}:period")
    await harness.send(COORDINATOR, "01.06.2026 – 30.11.2026")
    kept = await get_project(harness.db, project.id)
    assert kept is not None
    assert (f"{kept.starts_on:%d.%m.%Y}", f"{kept.ends_on:%d.%m.%Y}") == (
        "01.06.2026",
        "30.11.2026",
    )
    [row] = await audit_rows(harness, "project.edit")
    assert json.loads(row["details"]) == {"field": "period", "value": ["2026-06-01", "2026-11-30"]}


async def test_skipping_the_funder_clears_it(harness: Harness) -> None:
    project = await make_project(harness.db, NOW, funder="УОР г. Алматы")
    await harness.press(COORDINATOR, f"Apf:{project.id}:funder")
    saved = await harness.send(COORDINATOR, "Пропустить")
    assert texts(saved)[0] == "Сохранено."
    kept = await get_project(harness.db, project.id)
    assert kept is not None and kept.funder == ""


async def test_an_edit_of_a_project_deleted_meanwhile_says_it_is_gone(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    await harness.press(COORDINATOR, f"Apf:{project.id}:title_ru")
    await harness.db.execute("DELETE FROM projects WHERE id = ?", (project.id,))
    gone = await harness.send(COORDINATOR, "Школа гражданского участия")
    assert texts(gone) == ["Этого проекта больше нет."]
    assert await audit_rows(harness, "project.edit") == []


async def test_a_creation_whose_audit_row_fails_leaves_no_project_and_can_be_retried(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    [home] = await harness.send(COORDINATOR, "/admin")
    await harness.press(COORDINATOR, button([home], "➕ Новый проект"))
    for answer in ("Школа гражданского участия", "Азаматтық қатысу мектебі", "Пропустить"):
        await harness.send(COORDINATOR, answer)
    fail_audit(monkeypatch)
    failed = await harness.send(COORDINATOR, "01.06.2026 - 30.11.2026")
    assert FAILED in texts(failed)[0]
    assert await list_projects(harness.db) == []

    monkeypatch.undo()
    created = await harness.send(COORDINATOR, "01.06.2026 - 30.11.2026")
    assert "создан" in texts(created)[0]
    [project] = await list_projects(harness.db)
    assert (project.title_ru, project.title_kk, project.funder) == (
        "Школа гражданского участия",
        "Азаматтық қатысу мектебі",
        "",
    )
    [row] = await audit_rows(harness, "project.create")
    assert (row["actor_id"], row["object"]) == (1, f"project:{project.id}")
