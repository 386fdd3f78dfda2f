"""The attendance sheet read back: rows, real dates, print settings, walk-ins, deleted people."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from aiogram.methods import SendDocument
from openpyxl import load_workbook

from bot.clock import to_db
from bot.reports.attendance import PRINT_WIDTHS, SIGN_ROW_HEIGHT, _height
from bot.reports.print_layout import text_lines
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
    assert book.sheetnames == ["Для подписи", "Подробно"]
    title = (
        "Лист посещаемости: Семинар для общественных советов, 12.06.2026 10:00, "
        "ул. Абая 10, конференц-зал"
    )

    door = book["Для подписи"]
    assert door["A1"].value == title
    assert [cell.value for cell in door[2]] == [
        "№", "ФИО", "Организация или категория", "Район", "Подпись", "✓",
    ]  # fmt: skip
    rows = [[cell.value for cell in row] for row in door.iter_rows(min_row=3)]
    assert [row[1] for row in rows] == ["Сапарова Әйгерім", "Ким Ан", "Ахметова Роза"]
    assert rows[2][2] == "Гражданский активист", "the category where no organisation is given"
    assert [row[5] for row in rows] == ["✓", None, "✓"], "checked in, not yet, walk-in"
    assert all(row[4] is None for row in rows), "the signature column is left empty"
    assert door.page_setup.paperSize == 9, "A4"
    assert door.page_setup.orientation == "portrait"
    assert door.print_title_rows == "$1:$2", "the title and header repeat on every page"
    for row in door.iter_rows(min_row=2):
        assert all(cell.font.sz >= 10 for cell in row), "at least 10 pt"
    for number in range(3, door.max_row + 1):
        # 8 mm is 22.7 pt: room to sign.
        assert door.row_dimensions[number].height >= 22.7

    details = book["Подробно"]
    assert details["A1"].value == title
    assert [cell.value for cell in details[2]][:3] == ["№", "ФИО", "Телефон"]
    rows = [[cell.value for cell in row] for row in details.iter_rows(min_row=3)]
    assert [row[1] for row in rows] == ["Сапарова Әйгерім", "Ким Ан", "Ахметова Роза"]
    assert rows[0][2] == "+77011112233"
    assert rows[0][8] == "Да" and rows[1][8] == "Нет" and rows[2][8] == "Да"
    assert rows[0][9] == datetime(2026, 6, 12, 9, 55), "a real date in local time"
    assert rows[0][10] == "QR-код" and rows[2][6] == "без регистрации"
    assert rows[2][5] == "Медеуский район"
    assert details.page_setup.paperSize == 9, "A4"
    assert details.page_setup.orientation == "landscape"
    assert details.print_title_rows == "$2:$2", "the header repeats on every page"
    assert details.freeze_panes == "A3"
    assert details.auto_filter.ref == "A2:K5"


def test_a_long_name_gets_a_row_tall_enough_to_show_it() -> None:
    long = "Организация " * 12
    short, tall = (
        _height([1, "Ким Ан", "НКО", "Медеуский район", "", ""], PRINT_WIDTHS, (1, 2, 3)),
        _height([1, "Ким Ан", long, "Медеуский район", "", ""], PRINT_WIDTHS, (1, 2, 3)),
    )
    assert short == SIGN_ROW_HEIGHT
    assert tall >= text_lines(long, PRINT_WIDTHS[2]) * 14 > SIGN_ROW_HEIGHT
    assert text_lines("Сапарова Әйгерім", 28) == 1
    assert text_lines("a" * 60, 28) == 3, "a word longer than the column breaks where it must"
