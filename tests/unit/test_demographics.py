"""Optional gender and age band (issue 14 item 8): asked at the end of onboarding only where the
deployment switches them on (PROFILE_DEMOGRAPHICS), each skippable and with "prefer not to
say"; editable in /profile; kept on the anonymous row at erasure as district and category are;
broken down in the project report's Reach sheet, with "not specified" and youth (14-29)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendDocument, SendMessage, TelegramMethod
from aiogram.types import BufferedInputFile, ReplyKeyboardMarkup, User
from openpyxl import load_workbook

from bot.clock import to_db
from bot.people import users
from bot.platform.db import Database
from bot.reports.project import ReportContext, write_project_report
from bot.reports.snapshot import open_snapshot
from handlers.admin.callbacks import ProjectAction, ProjectCallback
from surveys.templates import load_templates
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, walk_in
from tests.harness import Harness, button, buttons, contact_update, make_harness, texts, tg_user

COORDINATOR = tg_user(1)
RU = tg_user(801)
KK = tg_user(802, language_code="kk")


@pytest.fixture
async def on(tmp_path: Path) -> AsyncIterator[Harness]:
    async for h in make_harness(tmp_path, NOW, admin_ids="1", profile_demographics=True):
        yield h


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[str]:
    """Every button of the reply keyboard under the last message."""
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    markup = last.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup), last
    return [b.text for row in markup.keyboard for b in row]


async def agree(h: Harness, user: User) -> list[TelegramMethod[Any]]:
    """Language, then consent: the calls that ask the first question."""
    [ask] = await h.send(user, "/start")
    ru = user.language_code != "kk"
    chosen = await h.press(user, dict(buttons(ask))["✓ Русский" if ru else "✓ Қазақша"])
    return await h.press(user, button(chosen, "✅ Согласен" if ru else "✅ Келісемін"))


async def say(h: Harness, user: User, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await h.send(user, answer)
    return calls


async def up_to_district(h: Harness, user: User, *, kk: bool = False) -> None:
    """Consent, then the five questions of every deployment, up to the district's."""
    await agree(h, user)
    await say(h, user, "Сапарова Айгерим")
    await h.feed(contact_update(user, "77011234567"))
    await say(
        h,
        user,
        "Өткізіп жіберу" if kk else "Пропустить",
        "ҮЕҰ өкілі" if kk else "Представитель НПО",
    )


async def test_switched_off_the_profile_is_the_five_steps_of_before(harness: Harness) -> None:
    await up_to_district(harness, RU)
    done = await say(harness, RU, "Алмалинский район")
    assert "Анкета сохранена" in texts(done)[0], "the district still finishes the profile"
    shown = await say(harness, RU, "/profile")
    assert "Пол" not in texts(shown)[0]
    assert "✏️ Пол" not in [label for label, _ in buttons(shown[0])]
    privacy = await say(harness, RU, "/privacy")
    assert "возрастную группу" not in texts(privacy)[0]


async def test_switched_on_seven_steps_with_prefer_not_to_say_in_russian(on: Harness) -> None:
    first = await agree(on, RU)
    assert "Шаг 1 из 7" in texts(first)[-1]
    await say(on, RU, "Сапарова Айгерим")
    await on.feed(contact_update(RU, "77011234567"))
    await say(on, RU, "Пропустить", "Представитель НПО")
    gender = await say(on, RU, "Алмалинский район")
    assert "Шаг 6 из 7" in texts(gender)[0] and "Ваш пол" in texts(gender)[0]
    assert reply_buttons(gender) == [
        "Женский", "Мужской", "Не хочу указывать", "Пропустить", "« Назад", "Отмена",
    ]  # fmt: skip
    wrong = await say(on, RU, "Средний")
    assert "кнопк" in texts(wrong)[0].lower() and "Шаг 6 из 7" in texts(wrong)[1]
    age = await say(on, RU, "Не хочу указывать")
    assert "Шаг 7 из 7" in texts(age)[0]
    assert reply_buttons(age)[:7] == [
        "14–17 лет", "18–29 лет", "30–39 лет", "40–49 лет", "50–59 лет", "60 лет и старше",
        "Не хочу указывать",
    ]  # fmt: skip
    done = await say(on, RU, "18–29 лет")
    assert "Анкета сохранена" in texts(done)[0]
    record = await users.get(on.db, RU.id)
    assert record is not None and record.profile_done_at is not None
    assert (record.district, record.gender, record.age_band) == ("almaly", "undisclosed", "18-29")
    card = await say(on, RU, "/profile")
    assert "Пол: Не хочу указывать\nВозраст: 18–29 лет" in texts(card)[0]


async def test_switched_on_in_kazakh_both_can_be_skipped(on: Harness) -> None:
    await up_to_district(on, KK, kk=True)
    gender = await say(on, KK, "Алмалы ауданы")
    assert "7 қадамның 6-қадамы" in texts(gender)[0] and "Жынысыңыз" in texts(gender)[0]
    assert reply_buttons(gender)[:4] == ["Әйел", "Ер", "Көрсеткім келмейді", "Өткізіп жіберу"]
    age = await say(on, KK, "Өткізіп жіберу")
    assert "7 қадамның 7-қадамы" in texts(age)[0]
    assert "60 жас және одан үлкен" in reply_buttons(age)
    done = await say(on, KK, "Өткізіп жіберу")
    assert "Сауалнама сақталды" in texts(done)[0]
    record = await users.get(on.db, KK.id)
    assert record is not None and record.profile_done_at is not None
    assert (record.gender, record.age_band) == (None, None), "skipped is stored as none"
    card = await say(on, KK, "/profile")
    assert "Жынысы: —\nЖасы: —" in texts(card)[0]


async def test_cancel_at_the_gender_resumes_there_and_back_goes_to_the_district(
    on: Harness,
) -> None:
    await up_to_district(on, RU)
    await say(on, RU, "Другой — напишу сам(а)")
    gender = await say(on, RU, "Конаев")
    assert "Шаг 6 из 7" in texts(gender)[0], "the typed district goes on to the gender too"
    await say(on, RU, "Женский", "Отмена")
    resumed = await say(on, RU, "/start")
    assert "Продолжим анкету" in texts(resumed)[0] and "Шаг 7 из 7" in texts(resumed)[1]
    back = await say(on, RU, "« Назад")
    assert "Шаг 6 из 7" in texts(back)[0]
    back = await say(on, RU, "« Назад")
    assert "Шаг 5 из 7" in texts(back)[0]
    again = await say(on, RU, "/cancel", "/start")
    assert "Шаг 7 из 7" in texts(again)[1], "the gender given stays given"
    await say(on, RU, "60 лет и старше")
    record = await users.get(on.db, RU.id)
    assert record is not None and record.profile_done_at is not None
    assert (record.district, record.gender, record.age_band) == ("other:Конаев", "female", "60+")


async def test_profile_edits_gender_and_age_band(on: Harness) -> None:
    await make_participant(on.db, RU.id, NOW)
    card = await say(on, RU, "/profile")
    assert "Пол: —\nВозраст: —" in texts(card)[0]
    asked = await on.press(RU, button(card, "✏️ Пол"))
    assert "Ваш пол" in texts(asked)[0] and "Шаг" not in texts(asked)[0]
    saved = await say(on, RU, "Мужской")
    assert "Пол: Мужской" in texts(saved)[1]
    await on.press(RU, button(saved, "✏️ Возраст"))
    saved = await say(on, RU, "30–39 лет")
    assert "Возраст: 30–39 лет" in texts(saved)[1]
    await on.press(RU, button(saved, "✏️ Пол"))
    cleared = await say(on, RU, "Пропустить")
    assert "Пол: —" in texts(cleared)[1], "Skip in the edit takes the answer back"
    record = await users.get(on.db, RU.id)
    assert record is not None and (record.gender, record.age_band) == (None, "30-39")
    privacy = await say(on, RU, "/privacy")
    assert "пол и возрастную группу (не дату рождения)" in texts(privacy)[0]


async def test_erasure_keeps_them_only_on_the_anonymous_row(on: Harness) -> None:
    await make_participant(on.db, RU.id, NOW)
    await on.db.execute(
        "UPDATE users SET gender = 'female', age_band = '18-29' WHERE id = ?", (RU.id,)
    )
    ask = await say(on, RU, "/delete_me")
    deleted = await on.press(RU, button(ask, "Да, удалить мои данные"))
    assert texts(deleted)
    assert await users.get(on.db, RU.id) is None, "nothing is left under the Telegram id"
    row = await on.db.fetch_one(
        "SELECT full_name, phone, district, gender, age_band FROM users WHERE id < 0"
    )
    assert row is not None
    assert tuple(row) == (None, None, "almaly", "female", "18-29"), "as district and category"


async def checked_in(db: Database, event_id: int, *user_ids: int) -> None:
    for user_id in user_ids:
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, ?, 'qr', ?)",
            (event_id, user_id, to_db(NOW)),
        )


async def seeded_project(db: Database) -> int:
    """Two seminars and a cancelled one. Person 1 (female, 18-29) came to both; 2 (male,
    14-17), 3 (prefer not to say, both), 4 (nothing given) and a walk-in to one; 5 (female,
    30-39) came and deleted their data; 6 (male, 18-29) only to the cancelled event."""
    project = await make_project(db, NOW)
    past = [
        await make_event(db, NOW - timedelta(days=10), project=project,
                         starts_at=NOW - timedelta(days=days))
        for days in (5, 4, 3)
    ]  # fmt: skip
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (past[2].id,))
    given = {
        1: ("female", "18-29"),
        2: ("male", "14-17"),
        3: ("undisclosed", "undisclosed"),
        4: (None, None),
        5: ("female", "30-39"),
        6: ("male", "18-29"),
    }
    for user_id, (gender, age_band) in given.items():
        await make_participant(db, user_id + 100, NOW)
        await db.execute(
            "UPDATE users SET gender = ?, age_band = ? WHERE id = ?",
            (gender, age_band, user_id + 100),
        )
    await checked_in(db, past[0].id, 101, 102, 103, 104, 105)
    await checked_in(db, past[1].id, 101)
    await checked_in(db, past[2].id, 106)
    await walk_in(db, past[0].id, "Ахметова Роза", "youth", "medeu", NOW, 1)
    return project.id


def table(sheet: Any, title: str) -> dict[str, tuple[int, int]]:
    """The rows (label: people, attendances) of the table under the header `title`."""
    values = [[cell.value for cell in row][:3] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(values) if row[0] == title)
    found: dict[str, tuple[int, int]] = {}
    for row in values[start + 1 :]:
        if row[0] is None:
            break
        found[row[0]] = (row[1], row[2])
    return found


async def test_the_reach_sheet_breaks_reach_down_by_gender_and_age(on: Harness) -> None:
    project_id = await seeded_project(on.db)
    erase = await on.send(tg_user(105), "/delete_me")
    await on.press(tg_user(105), button(erase, "Да, удалить мои данные"))
    screen = await on.press(
        COORDINATOR, ProjectCallback(action=ProjectAction.OPEN, project_id=project_id).pack()
    )
    await on.press(COORDINATOR, button(screen, "📊 Отчёт по проекту"))
    start = len(on.session.calls)
    await on.app.reports.idle()
    [document] = [c for c in on.session.calls[start:] if isinstance(c, SendDocument)]
    assert isinstance(document.document, BufferedInputFile)
    reach = load_workbook(io.BytesIO(document.document.data))["Охват"]
    notes = [row[0].value for row in reach.iter_rows() if row[0].value]
    assert any("по профилю участника на сегодня" in str(note) for note in notes)
    assert table(reach, "Пол") == {
        "Женский": (2, 3),
        "Мужской": (1, 1),
        "Предпочли не указывать": (1, 1),
        "не указано": (2, 2),  # person 4 and the walk-in
        "Итого": (6, 7),
    }, "the cancelled event counts nowhere, the erased person still counts"
    assert table(reach, "Возраст") == {
        "14–17 лет": (1, 1),
        "18–29 лет": (1, 2),
        "30–39 лет": (1, 1),
        "40–49 лет": (0, 0),
        "50–59 лет": (0, 0),
        "60 лет и старше": (0, 0),
        "Предпочли не указывать": (1, 1),
        "не указано": (2, 2),
        "Итого": (6, 7),
        "из них молодёжь (14–29 лет)": (2, 3),
    }


async def test_the_reach_sheet_in_kazakh_and_none_without_answers(on: Harness) -> None:
    project_id = await seeded_project(on.db)
    t = on.app.texts.of("kk")
    ctx = ReportContext(
        t.plain, "kk", on.app.reference, load_templates(), ZoneInfo("Asia/Almaty"), NOW
    )

    def reach_sheet() -> Any:
        conn = open_snapshot(on.db.path)
        target = io.BytesIO()
        try:
            write_project_report(conn, project_id, ctx, target)
        finally:
            conn.close()
        return load_workbook(io.BytesIO(target.getvalue()))["Қамту"]

    kazakh = table(reach_sheet(), "Жынысы")
    assert kazakh["Әйел"] == (2, 3) and kazakh["Көрсеткісі келмегендер"] == (1, 1)
    assert kazakh["көрсетілмеген"] == (2, 2)
    assert table(reach_sheet(), "Жасы")["оның ішінде жастар (14–29 жас)"] == (2, 3)

    await on.db.execute("UPDATE users SET gender = NULL, age_band = NULL")
    values = [row[0].value for row in reach_sheet().iter_rows()]
    assert "Жынысы" not in values and "Жасы" not in values, "no empty tables where nobody answered"
