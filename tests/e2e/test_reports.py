"""A coordinator downloads the project report and the /stats picture from the real bot
process through the emulator."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.conftest import COORDINATOR_ID, BotProcess, saw
from tests.generated_project import generate
from tgemu import Emulator


async def test_coordinator_exports_the_project_report_and_gets_a_valid_workbook(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    async with bot_process.database() as db:
        await generate(db)
    coordinator = emulator.user(COORDINATOR_ID, first_name="Coordinator")
    await bot_process.start()

    coordinator.send_command("admin")
    await saw(coordinator, "Панель координатора")
    coordinator.press("📁 Проекты")
    await saw(coordinator, "Выберите проект")
    coordinator.press("Школа гражданского участия")
    await saw(coordinator, "Семинар в Ауэзовском районе")
    coordinator.press("📊 Отчёт по проекту (Excel)")
    await coordinator.wait_until(
        lambda: any(m.document for m in coordinator.messages()), timeout=30
    )
    [message] = [m for m in coordinator.messages() if m.document]
    assert message.document is not None
    assert (message.document.filename or "").startswith("отчёт_Школа_гражданского_участия_")
    assert "охвачено человек — 6, посещений — 8, анкет — 5" in (message.caption or "")

    book = load_workbook(io.BytesIO(coordinator.download(message)))
    assert book.sheetnames == [
        "Мероприятия", "Охват", "Анкеты", "Анкеты по мероприятиям", "По форматам",
        "Аудитория мероприятий", "План и факт", "Текст отчёта", "Ответы",
    ]  # fmt: skip
    # (the row under the totals, if any, is a note in the first column)
    titles = [row[2].value for row in book["Мероприятия"].iter_rows(min_row=3) if row[2].value]
    assert titles == [
        "Семинар в Ауэзовском районе",
        "Тренинг в Медеуском районе",
        "Итоговая конференция",
        "Отменённый",  # listed last, out of the chart as out of the totals
        "Итого мероприятий (без отменённых): 3",
    ]
    assert book["Охват"]["B3"].value == 6
    answers = list(book["Ответы"].iter_rows(min_row=3, values_only=True))
    assert len(answers) == 14
    assert {row[5] for row in answers} == {
        "Сапарова Әйгерім", "Ким Андрей", "(данные удалены)", "анонимно",
    }  # fmt: skip

    coordinator.send_command("stats")
    await coordinator.wait_until(lambda: any(m.photo for m in coordinator.messages()), 30)
    [picture] = [m for m in coordinator.messages() if m.photo]
    assert coordinator.download(picture).startswith(b"\x89PNG")
    assert picture.caption == "«Школа гражданского участия»: охват и средняя оценка по районам."
