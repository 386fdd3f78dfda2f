"""The attendance sheet read back: rows, real dates, print settings, walk-ins, deleted people."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from aiogram.methods import SendDocument
from openpyxl import load_workbook

from bot.clock import to_db
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up, walk_in
from tests.harness import Harness, buttons, tg_user


async def test_attendance_sheet_is_print_ready_and_matches_the_db(harness: Harness) -> None:
    db = harness.db
    event = await make_event(db, NOW, capacity=3)
    await make_participant(db, 11, NOW, full_name="Сапарова Әйгерім", phone="+77011112233")
    await make_participant(db, 12, NOW, full_name="Ким Ан")
    await make_participant(db, 13, NOW, full_name="Отменил Запись")
    for user_id in (11, 12, 13):
        await sign_up(db, event.id, user_id, NOW)
    await db.execute(
        "UPDATE registrations SET status = 'cancelled' WHERE user_id = 13 AND event_id = ?",
        (event.id,),
    )
    await db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 11, 'qr', ?)",
        (event.id, to_db(NOW + timedelta(days=3, minutes=-5))),
    )
    await walk_in(db, event.id, "Ахметова Роза", "civic_activist", "medeu", NOW, 1)

    screen = await harness.press(tg_user(1), f"Aev:o:{event.id}:0")
    data = dict(button for call in screen for button in buttons(call))[
        "📄 Лист посещаемости (Excel)"
    ]
    calls = await harness.press(tg_user(1), data)
    [document] = [c for c in calls if isinstance(c, SendDocument)]
    upload = document.document
    assert upload.filename.startswith("посещаемость_Семинар_для_общественных_советов_2026-06-12")  # type: ignore[union-attr]
    book = load_workbook(io.BytesIO(upload.data))  # type: ignore[union-attr]
    sheet = book.active
    assert sheet is not None
    assert sheet["A1"].value == (
        "Лист посещаемости: Семинар для общественных советов, 12.06.2026 10:00, "
        "ул. Абая 10, конференц-зал"
    )
    assert [cell.value for cell in sheet[2]][:3] == ["№", "ФИО", "Телефон"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert [row[1] for row in rows] == ["Сапарова Әйгерім", "Ким Ан", "Ахметова Роза"]
    assert rows[0][2] == "+77011112233"
    assert rows[0][8] == "Да" and rows[1][8] == "Нет" and rows[2][8] == "Да"
    assert rows[0][9] == datetime(2026, 6, 12, 9, 55), "a real date in local time"
    assert rows[0][10] == "QR-код" and rows[2][6] == "без регистрации"
    assert rows[2][5] == "Медеуский район"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$2:$2", "the header repeats on every page"
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:L5"
