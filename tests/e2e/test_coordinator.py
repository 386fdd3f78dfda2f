"""A coordinator creates and publishes an event in the panel, a participant registers and
checks in through the QR deep link, and the coordinator sees them present."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import COORDINATOR_ID, BotProcess, saw
from tests.factories import make_participant, make_project
from tgemu import Emulator, EmuUser

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime.now(UTC).replace(microsecond=0)


async def answer(user: EmuUser, text: str, expect: str) -> None:
    user.send_text(text)
    await user.wait_for_message(lambda m: expect in m.content)


async def test_coordinator_publishes_participant_checks_in_by_qr(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    async with bot_process.database() as db:
        await make_project(db, NOW, title_ru="Школа гражданского участия")
        await make_participant(db, 777, NOW, full_name="Бекова Аружан")
    coordinator = emulator.user(COORDINATOR_ID, first_name="Coordinator")
    participant = emulator.user(777)
    participant.profile.started = True
    await bot_process.start()

    coordinator.send_command("admin")
    await coordinator.wait_for_message(lambda m: "Панель координатора" in m.content)
    coordinator.press("📁 Проекты")
    await saw(coordinator, "Выберите проект")
    coordinator.press("Школа гражданского участия")
    await saw(coordinator, "Мероприятий пока нет")
    coordinator.press("➕ Новое мероприятие")
    await coordinator.wait_for_message(lambda m: "Шаг 1 из 16" in m.content)

    # Starting in 20 minutes, so the check-in window is already open.
    starts = (NOW + timedelta(minutes=20)).astimezone(ALMATY)
    ends = starts + timedelta(hours=2)
    await answer(coordinator, "Семинар для информационных групп", "Шаг 2")
    coordinator.press_reply_button("Пропустить")  # the Kazakh title
    await coordinator.wait_for_message(lambda m: "Шаг 3" in m.content)
    await answer(coordinator, "Практический семинар для членов ИПГ района.", "Шаг 4")
    coordinator.press_reply_button("Пропустить")  # the Kazakh description
    await coordinator.wait_for_message(lambda m: "Шаг 5" in m.content)
    coordinator.press_reply_button("Семинар")
    await coordinator.wait_for_message(lambda m: "Шаг 6" in m.content)
    await answer(coordinator, f"{starts:%d.%m.%Y %H:%M}", "Шаг 7")
    await answer(coordinator, f"{ends:%d.%m.%Y %H:%M}", "Шаг 8")
    await answer(coordinator, "Дом дружбы, ул. Абая 48", "Шаг 9")
    coordinator.press_reply_button("Ауэзовский район")
    await coordinator.wait_for_message(lambda m: "Шаг 10" in m.content)
    await answer(coordinator, "30", "Шаг 11")
    coordinator.press_reply_button("Пропустить")
    await coordinator.wait_for_message(lambda m: "Шаг 12" in m.content)
    coordinator.press_reply_button("Открытое")
    await coordinator.wait_for_message(lambda m: "Шаг 13" in m.content)
    coordinator.press_reply_button("За 24 ч и за 2 ч")
    await coordinator.wait_for_message(lambda m: "Шаг 14" in m.content)
    coordinator.press_reply_button("Анкета участника семинара")
    await coordinator.wait_for_message(lambda m: "Шаг 15" in m.content)
    coordinator.press_reply_button("Именная")
    await coordinator.wait_for_message(lambda m: "Шаг 16" in m.content)
    coordinator.press_reply_button("📢 Опубликовать")
    await coordinator.wait_for_message(lambda m: "Сохранить" in m.content)
    coordinator.press_reply_button("✅ Сохранить")
    await coordinator.wait_for_message(lambda m: "создано и опубликовано" in m.content)
    screen = await coordinator.wait_for_message(lambda m: "👥 Участники" in m.button_texts())

    participant.send_command("events")
    await participant.wait_for_message(lambda m: "Семинар для информационных групп" in m.content)
    participant.press(lambda b: b.text.startswith("1. Семинар для информационных"))
    await participant.wait_for_message(lambda m: "✅ Зарегистрироваться" in m.button_texts())
    participant.press("✅ Зарегистрироваться")
    await participant.wait_for_message(lambda m: "Да, зарегистрироваться" in m.button_texts())
    participant.press("Да, зарегистрироваться")
    await saw(participant, "Вы зарегистрированы")

    coordinator.press("🔳 QR и код отметки", screen)
    qr = await coordinator.wait_for_message(lambda m: m.photo is not None)
    assert coordinator.download(qr).startswith(b"\x89PNG")
    link = next(word for word in qr.content.split() if "start=c_" in word)
    participant.send_command("start", link.split("start=", 1)[1])
    await saw(participant, "Вы отмечены")

    coordinator.press("👥 Участники", screen)
    listing = await saw(coordinator, "Участники: Семинар для информационных групп")
    assert "✅ 1. Бекова Аружан — зарегистрирован(а)" in listing.content
