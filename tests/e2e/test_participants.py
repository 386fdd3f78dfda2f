"""Participants end to end: the real bot process, people playing it through the emulator."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.events.model import Event
from tests.e2e.conftest import BotProcess, newcomer, saw
from tests.factories import make_event, make_participant
from tgemu import ChatMessage, Emulator

# Events are dated from the real clock: the bot process runs on it.
NOW = datetime.now(UTC).replace(microsecond=0)


async def seed_event(bot: BotProcess, **overrides: Any) -> Event:
    async with bot.database() as db:
        return await make_event(db, NOW, **overrides)


def has(text: str) -> Callable[[ChatMessage], bool]:
    return lambda message: text in message.content


def shows_button(label: str) -> Callable[[ChatMessage], bool]:
    return lambda message: label in message.button_texts()


async def test_newcomer_from_a_deep_link_onboards_registers_and_cancels(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    event = await seed_event(bot_process, capacity=10)
    await bot_process.start()
    aruzhan = newcomer(emulator, 9001)
    aruzhan.send_command("start", f"e_{event.code}")
    await aruzhan.wait_for_message(has("персональных данных"))
    aruzhan.press("✅ Согласен(на)")
    await aruzhan.wait_for_message(has("Шаг 1 из 5"))
    aruzhan.send_text("Бекова Аружан")
    await aruzhan.wait_for_message(has("Шаг 2 из 5"))
    aruzhan.press_reply_button("📱 Отправить мой номер")
    await aruzhan.wait_for_message(has("Шаг 3 из 5"))
    aruzhan.send_text("Молодёжный ресурсный центр")
    await aruzhan.wait_for_message(has("Шаг 4 из 5"))
    aruzhan.press_reply_button("Студент, молодёжь")
    await aruzhan.wait_for_message(has("Шаг 5 из 5"))
    aruzhan.press_reply_button("Ауэзовский район")

    card = await aruzhan.wait_for_message(has("Семинар для общественных советов"))
    assert "Осталось 10 мест" in card.content
    aruzhan.press("✅ Зарегистрироваться")
    await aruzhan.wait_for_message(has("Зарегистрироваться на"))
    aruzhan.press("Да, зарегистрироваться")
    await saw(aruzhan, "Ваш статус: вы зарегистрированы")

    aruzhan.send_command("my")
    my = await aruzhan.wait_for_message(has("Мои мероприятия"))
    assert "Семинар для общественных советов" in my.content
    aruzhan.press(lambda b: b.text.startswith("1. Семинар"))
    await aruzhan.wait_for_message(has("Ваш статус"))
    aruzhan.press("Отменить регистрацию")
    await aruzhan.wait_for_message(has("Отменить вашу регистрацию"))
    aruzhan.press("Да, отменить")
    await saw(aruzhan, "отменена")

    async with bot_process.database() as db:
        row = await db.fetch_one(
            "SELECT u.full_name, u.district, r.status FROM users u "
            "JOIN registrations r ON r.user_id = u.id WHERE u.id = 9001"
        )
    assert row is not None
    assert tuple(row) == ("Бекова Аружан", "auezov", "cancelled")


async def test_waiting_list_person_is_told_when_promoted(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    event = await seed_event(bot_process, capacity=1)
    async with bot_process.database() as db:
        await make_participant(db, 9101, NOW)
        await make_participant(db, 9102, NOW, language="kk", full_name="Нұрлан Әбілов")
    await bot_process.start()
    first, second = emulator.user(9101), emulator.user(9102, language_code="kk")
    for user, register, yes in (
        (first, "✅ Зарегистрироваться", "Да, зарегистрироваться"),
        (second, "✅ Тіркелу", "Иә, тіркелемін"),
    ):
        user.send_command("start", f"e_{event.code}")
        await user.wait_for_message(shows_button(register))
        user.press(register)
        await user.wait_for_message(shows_button(yes))
        user.press(yes)
    await saw(second, "күту тізімінде 1-орындасыз")

    first.press("Отменить регистрацию")
    await first.wait_for_message(has("Отменить вашу регистрацию"))
    first.press("Да, отменить")
    promoted = await second.wait_for_message(has("Орын босады"))
    assert "Қоғамдық кеңестерге арналған семинар" in promoted.content


async def test_200_people_tap_register_at_once_for_15_seats(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    emulator.flood_limit = None  # this test is about seats, not about pacing
    event = await seed_event(bot_process, capacity=15)
    ids = list(range(20_000, 20_200))
    async with bot_process.database() as db:
        for user_id in ids:
            await make_participant(db, user_id, NOW, phone=f"+7701{user_id:07d}")
    await bot_process.start()
    people = [emulator.user(user_id) for user_id in ids]
    for person in people:
        person.send_command("start", f"e_{event.code}")
    await asyncio.gather(
        *(
            p.wait_for_message(lambda m: "✅ Зарегистрироваться" in m.button_texts(), 60)
            for p in people
        )
    )
    for person in people:
        person.press("✅ Зарегистрироваться")
    await asyncio.gather(
        *(
            p.wait_for_message(lambda m: "Да, зарегистрироваться" in m.button_texts(), 60)
            for p in people
        )
    )
    for person in people:
        person.press("Да, зарегистрироваться")
    outcomes = await asyncio.gather(*(saw(p, "Готово!", "под номером", within=60) for p in people))
    confirmed = [o for o in outcomes if o.content.startswith("Готово!")]
    positions = sorted(
        int(match.group(1))
        for o in outcomes
        if (match := re.search(r"под номером (\d+)", o.content))
    )
    assert len(confirmed) == 15
    assert positions == list(range(1, 186))
    async with bot_process.database() as db:
        counts = dict(
            tuple(row)
            for row in await db.fetch_all(
                "SELECT status, COUNT(*) FROM registrations WHERE event_id = ? GROUP BY status",
                (event.id,),
            )
        )
    assert counts == {"confirmed": 15, "waitlisted": 185}


async def test_declining_consent_leaves_no_personal_data(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    user = newcomer(emulator, 9201, language_code="kk")
    user.send_command("start")
    await user.wait_for_message(has("Дербес деректер"))
    user.press("Келіспеймін")
    await saw(user, "сақталмады")
    async with bot_process.database() as db:
        row = await db.fetch_one("SELECT * FROM users WHERE id = 9201")
    assert row is not None
    assert all(
        row[column] is None
        for column in ("consent_at", "full_name", "phone", "organisation", "category", "district")
    )


async def test_delete_me_keeps_counts_and_no_name_or_phone_anywhere(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    past = await seed_event(bot_process, starts_at=NOW - timedelta(days=3))
    async with bot_process.database() as db:
        await make_participant(db, 9301, NOW, full_name="Жұмабаева Гүлнар", phone="+77055554433")
        await db.execute(
            "INSERT INTO registrations (event_id, user_id, status, created_at, updated_at) "
            "VALUES (?, 9301, 'confirmed', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            (past.id,),
        )
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, 9301, 'qr', '2026-01-02 00:00:00')",
            (past.id,),
        )
    await bot_process.start()
    user = emulator.user(9301)
    user.send_command("delete_me")
    await user.wait_for_message(has("Удалить ваши данные?"))
    user.press("Да, удалить мои данные")
    await saw(user, "данные удалены")
    assert await bot_process.stop() == 0

    raw = bot_process.database_path.read_bytes()
    for leftover in ("Жұмабаева", "+77055554433"):
        assert leftover.encode() not in raw, f"{leftover} is still in the database file"
    async with bot_process.database() as db:
        attended = await db.fetch_value(
            "SELECT COUNT(*) FROM checkins c JOIN users u ON u.id = c.user_id "
            "WHERE c.event_id = ? AND u.district = 'almaly' AND u.deleted_at IS NOT NULL",
            (past.id,),
        )
    assert attended == 1
