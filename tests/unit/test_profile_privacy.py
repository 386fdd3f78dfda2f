"""/profile editing, /privacy and /delete_me."""

from __future__ import annotations

import re
from datetime import timedelta

import aiosqlite
from aiogram.methods import SendMessage

from bot import audit
from bot.people import users
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, buttons, texts, tg_user


async def test_profile_shows_data_and_edits_one_field(harness: Harness) -> None:
    await make_participant(harness.db, 800, NOW, full_name="Иванов <Иван>")
    user = tg_user(800)
    [card] = await harness.send(user, "/profile")
    assert "ФИО: Иванов &lt;Иван&gt;" in texts([card])[0], "user text is HTML-escaped"
    edit_phone = dict(buttons(card))["✏️ Телефон"]
    ask = await harness.press(user, edit_phone)
    assert "номер телефона" in texts(ask)[0]
    bad = await harness.send(user, "123")
    assert "Не похоже на номер" in texts(bad)[0]
    saved = await harness.send(user, "+7 777 111 22 33")
    assert texts(saved)[0] == "Сохранено."
    assert "Телефон: +77771112233" in texts(saved)[1]
    record = await users.get(harness.db, 800)
    assert record is not None and record.phone == "+77771112233"
    assert record.full_name == "Иванов <Иван>", "other fields are untouched"


async def test_cancelled_edit_keeps_the_old_value(harness: Harness) -> None:
    await make_participant(harness.db, 801, NOW, language="kk")
    user = tg_user(801, "kk")
    [card] = await harness.send(user, "/profile")
    await harness.press(user, dict(buttons(card))["✏️ Аудан"])
    calls = await harness.send(user, "Бас тарту")
    assert "профиль бұрынғыдай" in texts(calls)[0]
    record = await users.get(harness.db, 801)
    assert record is not None and record.district == "almaly"


async def test_privacy_explains_what_is_stored(harness: Harness) -> None:
    [reply] = await harness.send(tg_user(802, "kk"), "/privacy")
    assert "«Дербес деректер және оларды қорғау туралы» Заңы" in texts([reply])[0]


async def test_delete_me_erases_identity_keeps_counts_and_frees_seats(harness: Harness) -> None:
    db = harness.db
    past = await make_event(db, NOW - timedelta(days=10), starts_at=NOW - timedelta(days=3))
    future = await make_event(db, NOW, capacity=1)
    await make_participant(db, 810, NOW, full_name="Сапарова Айгерим", phone="+77019998877")
    await make_participant(db, 811, NOW, full_name="Ким Ан", phone="+77010000811")
    await db.execute(
        "INSERT INTO registrations (event_id, user_id, status, created_at, updated_at) "
        "VALUES (?, 810, 'confirmed', ?, ?)",
        (past.id, "2026-06-01 05:00:00", "2026-06-01 05:00:00"),
    )
    await db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
        "VALUES (?, 810, 'code', '2026-06-06 05:10:00')",
        (past.id,),
    )
    await sign_up(db, future.id, 810, NOW)
    await sign_up(db, future.id, 811, NOW)
    # Traces elsewhere: an application's free text, and coordinators' actions on the person.
    trip = await make_event(db, NOW, by_application=True, title_ru="Поездка в Астану")
    await sign_up(db, trip.id, 810, NOW, motivation="Я Сапарова, +77019998877")
    async with db.write() as conn:
        await audit.record(
            conn, 1, "application.approve_first", f"event:{trip.id}", {"users": [810, 9810]}, NOW
        )
    async with db.write() as conn:
        await audit.record(conn, 1, "checkin.list", f"event:{past.id}", {"user": 810}, NOW)

    user = tg_user(810)
    [ask] = await harness.send(user, "/delete_me")
    calls = await harness.press(user, dict(buttons(ask))["Да, удалить мои данные"])
    assert "данные удалены" in texts(calls)[0]
    promoted = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert [c.chat_id for c in promoted] == [811]
    assert promoted, "the next person on the waiting list gets the freed seat"

    assert await users.get(db, 810) is None
    anonymous = await db.fetch_one("SELECT * FROM users WHERE deleted_at IS NOT NULL")
    assert anonymous is not None and anonymous["id"] < 0
    assert (anonymous["district"], anonymous["category"]) == ("almaly", "ngo")
    attended = await db.fetch_value(
        "SELECT COUNT(*) FROM checkins WHERE event_id = ? AND user_id = ?",
        (past.id, anonymous["id"]),
    )
    assert attended == 1, "past attendance still counts"
    mine = await registrations.get(db, future.id, anonymous["id"])
    assert mine is not None and mine.status is RegistrationStatus.CANCELLED

    dump = "\n".join(str(tuple(row)) for row in await _all_rows(harness))
    for secret in ("Сапарова", "+77019998877"):
        assert secret not in dump, f"{secret!r} is still in the database"
    assert not re.search(r"(?<!\d)810(?!\d)", dump), "the Telegram id is still in the database"
    approvals = await db.fetch_value(
        "SELECT details FROM audit_log WHERE action = 'application.approve_first'"
    )
    assert approvals == f'{{"users": [{anonymous["id"]}, 9810]}}', "others' ids are untouched"

    again = await harness.send(user, "/start")
    assert "Выберите язык" in texts(again)[0], "a returning person starts from scratch"


async def _all_rows(harness: Harness) -> list[aiosqlite.Row]:
    tables = await harness.db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    rows: list[aiosqlite.Row] = []
    for table in tables:
        rows += await harness.db.fetch_all(f"SELECT * FROM {table['name']}")
    return rows
