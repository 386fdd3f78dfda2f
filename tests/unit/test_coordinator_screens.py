"""The coordinator's message to an event's people, saved with its audit row or not at all, the
team screen, and event titles in the coordinator's language; through the production
Dispatcher."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram.methods import SendMessage

from bot.clock import to_db
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, button, texts, tg_user

COORDINATOR = tg_user(1)


async def preview(harness: Harness, event_id: int, text: str) -> list[Any]:
    screen = await harness.press(COORDINATOR, f"Aev:o:{event_id}:0")
    who = await harness.press(COORDINATOR, button(screen, "✉️ Сообщение участникам"))
    await harness.press(COORDINATOR, button(who, "Зарегистрированным"))
    return await harness.send(COORDINATOR, text)


async def saved(harness: Harness) -> tuple[list[int], list[dict[str, Any]]]:
    """The coordinator messages' jobs, and the details of their audit rows."""
    jobs = await harness.db.fetch_all(
        "SELECT id FROM outbox_jobs WHERE kind = 'coordinator_message' ORDER BY id"
    )
    rows = await harness.db.fetch_all(
        "SELECT details FROM audit_log WHERE action = 'message.send' ORDER BY id"
    )
    return [row["id"] for row in jobs], [json.loads(row["details"]) for row in rows]


async def test_a_message_is_saved_with_its_audit_row_and_reaches_who_signed_up_since_the_preview(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW)
    for user_id in (401, 402, 403):
        await make_participant(harness.db, user_id, NOW)
    for user_id in (401, 402):
        await sign_up(harness.db, event.id, user_id, NOW)
    shown = await preview(harness, event.id, "Берите паспорт")
    assert "Отправить 2 участникам?" in texts(shown)[2]

    await sign_up(harness.db, event.id, 403, NOW)
    sent = await harness.press(COORDINATOR, button(shown, "📨 Отправить"))
    assert "в очереди: 3" in texts(sent)[0]
    jobs, audited = await saved(harness)
    assert audited == [{"job": jobs[0], "recipients": 3}] and len(jobs) == 1
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    got = {c.chat_id for c in harness.session.calls[start:] if isinstance(c, SendMessage)}
    assert got == {401, 402, 403}


@pytest.mark.parametrize(
    "failing", ["bot.platform.outbox_store.create_job", "bot.audit.record"], ids=["job", "audit"]
)
async def test_a_failure_while_saving_a_message_leaves_neither_the_job_nor_its_audit_row(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    event = await make_event(harness.db, NOW)
    await make_participant(harness.db, 410, NOW)
    await sign_up(harness.db, event.id, 410, NOW)

    async def disk_full(*args: Any, **kwargs: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(failing, disk_full)
    shown = await preview(harness, event.id, "Начало в 10:00")
    await harness.press(COORDINATOR, button(shown, "📨 Отправить"))
    assert await saved(harness) == ([], [])
    deliveries = await harness.db.fetch_value("SELECT COUNT(*) FROM outbox_deliveries")
    assert deliveries == 0

    monkeypatch.undo()
    shown = await preview(harness, event.id, "Начало в 10:00")
    await harness.press(COORDINATOR, button(shown, "📨 Отправить"))
    jobs, audited = await saved(harness)
    assert audited == [{"job": jobs[0], "recipients": 1}]


async def test_the_team_screen_says_when_nobody_was_invited_yet(harness: Harness) -> None:
    listing = await harness.press(COORDINATOR, "Ac:l:0")
    assert "Пока никого" in texts(listing)[0]

    await make_participant(harness.db, 420, NOW, full_name="Коллега Вторая")
    await harness.db.execute(
        "INSERT INTO coordinators (user_id, added_at) VALUES (420, ?)", (to_db(NOW),)
    )
    listing = await harness.press(COORDINATOR, "Ac:l:0")
    assert "Коллега Вторая" in texts(listing)[0] and "Пока никого" not in texts(listing)[0]


async def test_a_kazakh_coordinator_sees_the_kazakh_title_and_the_russian_one_when_it_is_missing(
    harness: Harness,
) -> None:
    coordinator = tg_user(1, "kk")
    await make_participant(harness.db, coordinator.id, NOW, language="kk")
    both = await make_event(harness.db, NOW)
    russian_only = await make_event(harness.db, NOW, title_ru="Круглый стол акимата", title_kk=None)

    screen = texts(await harness.press(coordinator, f"Aev:o:{both.id}:0"))[0]
    assert both.title_kk is not None and both.title_kk in screen
    assert both.title_ru not in screen
    screen = texts(await harness.press(coordinator, f"Aev:o:{russian_only.id}:0"))[0]
    assert "Круглый стол акимата" in screen
