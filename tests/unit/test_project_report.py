"""The project report read back and checked against what was generated: a project with a
cancelled event, walk-ins (one came twice), a participant who deleted their data, a named and
an anonymous survey, and an event still to come."""

from __future__ import annotations

import io
import threading
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot.clock import to_db
from bot.reports import runner
from bot.repositories import checkins, registrations, users
from bot.repositories.profiles import erase_person
from handlers.admin.callbacks import ProjectAction, ProjectCallback
from surveys import store
from surveys.store import Answer
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project
from tests.harness import Harness, button, tg_user

COORDINATOR = tg_user(1)
PAST = NOW - timedelta(days=30)

# (user id, name, district, category)
PEOPLE = [
    (101, "Сапарова Әйгерім", "auezov", "public_council"),
    (102, "Ким Андрей", "auezov", "ngo"),
    (103, "Нұрланов Ерлан", "medeu", "ngo"),
    (104, "Оспанова Дана", "medeu", "youth"),
    (105, "Удалит Данные", "almaly", "info_group"),
    (106, "Жаксылыков Тимур", "turksib", "civic_activist"),
]


@dataclass
class Generated:
    project_id: int
    event_ids: list[int]  # by start: named survey, anonymous survey, cancelled, planned


async def generate(h: Harness) -> Generated:
    db = h.db
    project = await make_project(
        db, PAST, title_ru="Школа гражданского участия", title_kk="Азаматтық қатысу мектебі"
    )
    for user_id, name, district, category in PEOPLE:
        await make_participant(
            db, user_id, PAST, full_name=name, district=district, category=category
        )
    named = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW - timedelta(days=10),
        district="auezov",
        capacity=30,
        title_ru="Семинар в Ауэзовском районе",
        title_kk="Әуезов ауданындағы семинар",
        survey_template="seminar",
    )
    anonymous = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW - timedelta(days=5),
        district="medeu",
        capacity=20,
        title_ru="Тренинг в Медеуском районе",
        title_kk="Медеу ауданындағы тренинг",
        survey_template="seminar",
        survey_anonymous=True,
    )
    cancelled = await make_event(
        db, PAST, project=project, starts_at=NOW - timedelta(days=3), title_ru="Отменённый"
    )
    planned = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW + timedelta(days=7),
        district="turksib",
        capacity=None,
        title_ru="Итоговая конференция",
    )
    signups = {
        named.id: [101, 102, 103, 105],
        anonymous.id: [101, 103, 104],
        cancelled.id: [102, 106],
        planned.id: [104, 106],
    }
    for event_id, people in signups.items():
        for user_id in people:
            await registrations.register(db, event_id, user_id, PAST)
    present = {named.id: [101, 102, 105], anonymous.id: [101, 103, 104], cancelled.id: [106]}
    for event_id, people in present.items():
        for user_id in people:
            await db.execute(
                "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
                "VALUES (?, ?, 'qr', ?)",
                (event_id, user_id, to_db(NOW - timedelta(days=3))),
            )
    # The same woman without Telegram came twice; the second time her name was typed sloppily.
    await checkins.add_walkin(db, named.id, "Ахметова Роза", "civic_activist", "medeu", PAST, 1)
    await checkins.add_walkin(
        db, anonymous.id, " ахметова роза", "civic_activist", "medeu", PAST, 1
    )
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (cancelled.id,))

    async def answer(event_id: int, user_id: int, anonymous: bool, **given: Answer) -> None:
        _, _, district, category = next(p for p in PEOPLE if p[0] == user_id)
        response = await store.start_response(
            db, event_id, "seminar", None if anonymous else user_id, district, category, NOW
        )
        for question, value in given.items():
            await store.save_answer(db, response, question, value)
        await store.complete(db, response, event_id, user_id, NOW, anonymous=anonymous)

    await answer(
        named.id,
        101,
        False,
        overall=Answer(5),
        content=Answer(4),
        useful=Answer(text="=СУММ(1;2) и разбор кейсов"),
        recommend=Answer(1),
        topics=Answer(text="Бюджет акимата", choices=("councils", "other")),
    )
    await answer(named.id, 102, False, overall=Answer(3), recommend=Answer(0))
    await answer(named.id, 105, False, overall=Answer(4), recommend=Answer(1))
    await answer(
        anonymous.id,
        103,
        True,
        overall=Answer(5),
        recommend=Answer(1),
        topics=Answer(choices=("councils", "media")),
    )
    await answer(
        anonymous.id, 104, True, overall=Answer(2), improve=Answer(text="Көбірек әңгіме керек")
    )
    # An unfinished questionnaire counts nowhere.
    unfinished = await store.start_response(db, named.id, "seminar", 103, "medeu", "ngo", NOW)
    await store.save_answer(db, unfinished, "overall", Answer(1))
    await erase_person(db, 105, NOW, h.app.settings.offer_policy)
    return Generated(project.id, [named.id, anonymous.id, cancelled.id, planned.id])


async def export(h: Harness, project_id: int, user=COORDINATOR) -> tuple[str, Workbook, str, bytes]:
    screen = await h.press(
        user, ProjectCallback(action=ProjectAction.OPEN, project_id=project_id).pack()
    )
    label = "📊 Жоба бойынша есеп (Excel)" if user.language_code == "kk" else "📊 Отчёт по проекту"
    calls = await h.press(user, button(screen, label))
    [answered] = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
    start = len(h.session.calls)
    await h.app.reports.idle()
    [document] = [c for c in h.session.calls[start:] if isinstance(c, SendDocument)]
    upload = document.document
    assert isinstance(upload, BufferedInputFile)
    book = load_workbook(io.BytesIO(upload.data))
    caption = f"{answered.text}\n{document.caption}"
    return upload.filename or "", book, caption, upload.data


def rows(sheet, first: int) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=first)]


async def test_project_report_numbers_match_what_happened(harness: Harness) -> None:
    generated = await generate(harness)
    name, book, texts, data = await export(harness, generated.project_id)

    assert name == "отчёт_Школа_гражданского_участия_2026-06-09.xlsx"
    assert "Готовлю отчёт" in texts
    assert "проведено мероприятий — 2, охвачено человек — 6, посещений — 8, анкет — 5" in texts
    assert book.sheetnames == ["Мероприятия", "Охват", "Анкеты", "Ответы"]

    events = book["Мероприятия"]
    assert events.freeze_panes == "A3"
    assert events.auto_filter.ref == "A2:L6"
    header, *lines = rows(events, 2)
    assert header[:4] == ["№", "Дата и время", "Мероприятие", "Формат"]
    by_title = {line[2]: line for line in lines}
    first = by_title["Семинар в Ауэзовском районе"]
    assert first[1] == datetime(2026, 5, 30, 10, 0), "a real date, local time"
    assert first[5] == "Ауэзовский район"
    # registered, attended (walk-in included), questionnaires, average rating, status
    assert first[6:] == [30, 4, 4, 3, 4.0, "проведено"]
    assert by_title["Тренинг в Медеуском районе"][7:] == [3, 4, 2, 3.5, "проведено"]
    assert by_title["Отменённый"][11] == "отменено"
    assert by_title["Итоговая конференция"][6:] == [None, 2, 0, 0, None, "запланировано"]
    totals = lines[-1]
    assert totals[2] == "Итого мероприятий (без отменённых): 3"
    assert totals[6:] == [50, 9, 8, 5, 3.8, "проведено: 2"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        titles = " ".join(archive.read(n).decode() for n in charts)
    assert len(charts) == 2
    assert "Посещаемость по мероприятиям" in titles and "Средняя оценка по районам" in titles

    reach = book["Охват"]
    assert [line[:2] for line in rows(reach, 2)[:3]] == [
        ["Проведено мероприятий", 2],
        ["Охвачено человек (уникальных)", 6],
        ["Посещений всего", 8],
    ]
    table = rows(reach, 7)
    table = table[: [line[0] for line in table].index("Итого") + 1]
    categories = table[0][1:-2]
    assert "Член общественного совета" in categories
    matrix = {line[0]: dict(zip(categories, line[1:-2], strict=True)) for line in table[1:]}
    totals_by_district = {line[0]: line[-2:] for line in table[1:] if line[0]}
    assert totals_by_district["Ауэзовский район"] == [2, 3]
    assert totals_by_district["Медеуский район"] == [3, 4], "the walk-in who came twice is one"
    assert totals_by_district["Алмалинский район"] == [1, 1], "a deleted person still counts"
    assert totals_by_district["Турксибский район"] == [0, 0], "the cancelled event counts nowhere"
    assert totals_by_district["Итого"] == [6, 8]
    assert matrix["Медеуский район"]["Гражданский активист"] == 1
    assert matrix["Медеуский район"]["Представитель НПО"] == 1
    assert matrix["Итого"]["Представитель НПО"] == 2
    assert sum(v for k, line in matrix.items() if k != "Итого" for v in line.values()) == 6

    feedback = book["Анкеты"]
    cells = rows(feedback, 1)
    start = next(i for i, line in enumerate(cells) if line[0] == "Район")
    rating = {line[0]: line[1:3] for line in cells[start + 1 : start + 5]}
    assert rating == {
        "Ауэзовский район": [2, 4.0],
        "Медеуский район": [2, 3.5],
        "Алмалинский район": [1, 4.0],
        "Все районы": [5, 3.8],
    }
    overall = next(
        i for i, line in enumerate(cells) if line[0] == "Как вы оцениваете семинар в целом?"
    )
    assert cells[overall + 1][:8] == ["Район", "Ответов", "Средняя оценка", "1", "2", "3", "4", "5"]
    assert cells[overall + 5][:8] == ["Все районы", 5, 3.8, 0, 1, 1, 1, 2]
    recommend = next(i for i, line in enumerate(cells) if line[0] and "Порекомендуете" in line[0])
    assert cells[recommend + 1][:5] == ["Район", "Ответов", "Да", "Нет", "Доля «да», %"]
    assert cells[recommend + 2][:5] == ["Алмалинский район", 1, 1, 0, 100.0]
    assert cells[recommend + 3][:5] == ["Ауэзовский район", 2, 1, 1, 50.0]
    assert cells[recommend + 5][:5] == ["Все районы", 4, 3, 1, 75.0]
    topics = next(i for i, line in enumerate(cells) if line[0] and "темы" in line[0])
    assert cells[topics + 1][2] == "Работа общественных советов"
    assert cells[topics + 1][7] == "Другое"
    assert cells[topics + 4][:8] == ["Все районы", 2, 2, 0, 0, 1, 0, 1]

    answers = book["Ответы"]
    header, *lines = rows(answers, 2)
    assert header == [
        "№ анкеты", "Мероприятие", "Дата", "Район", "Категория", "Участник", "Вопрос", "Ответ",
    ]  # fmt: skip
    assert len(lines) == 5 + 2 + 2 + 3 + 2, "every completed answer, none of the unfinished"
    respondents = {line[0]: line[5] for line in lines}
    assert respondents == {
        1: "Сапарова Әйгерім",
        2: "Ким Андрей",
        3: "(данные удалены)",
        4: "анонимно",
        5: "анонимно",
    }
    first_answers = [line[6:] for line in lines if line[0] == 1]
    assert first_answers[0] == ["Как вы оцениваете семинар в целом?", 5]
    assert ["Что было самым полезным?", "=СУММ(1;2) и разбор кейсов"] in first_answers
    assert [
        "Какие темы интересны для следующих мероприятий?",
        "Работа общественных советов; Другое: Бюджет акимата",
    ] in first_answers
    formula_like = next(
        row[7] for row in answers.iter_rows(min_row=3) if str(row[7].value).startswith("=")
    )
    assert formula_like.data_type == "s", "typed text never becomes a formula"
    assert ["Что стоит улучшить?", "Көбірек әңгіме керек"] in [line[6:] for line in lines]
    assert lines[0][2] == datetime(2026, 5, 30, 10, 0)
    names = {str(line[5]) for line in lines}
    assert not names & {"Нұрланов Ерлан", "Оспанова Дана"}, "anonymous answers carry no name"


async def test_report_in_kazakh_for_a_kazakh_coordinator(harness: Harness) -> None:
    generated = await generate(harness)
    await users.choose_language(harness.db, 1, "kk", NOW)
    name, book, texts, _ = await export(harness, generated.project_id, tg_user(1, "kk"))
    assert name == "есеп_Азаматтық_қатысу_мектебі_2026-06-09.xlsx"
    assert "Есепті дайындап жатырмын" in texts
    assert book.sheetnames == ["Іс-шаралар", "Қамту", "Сауалнамалар", "Жауаптар"]
    lines = rows(book["Іс-шаралар"], 3)
    assert lines[0][2] == "Әуезов ауданындағы семинар"
    assert lines[0][11] == "өткізілді"
    assert rows(book["Қамту"], 3)[0][:2] == ["Қамтылған адамдар (қайталанбайтын)", 6]


async def test_a_double_tap_builds_one_report(harness: Harness) -> None:
    generated = await generate(harness)
    gate = threading.Event()
    original = runner.build_project_report

    def held(*args):
        gate.wait(10)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("handlers.admin.exports.build_project_report", held)
        screen = await harness.press(
            COORDINATOR,
            ProjectCallback(action=ProjectAction.OPEN, project_id=generated.project_id).pack(),
        )
        data = button(screen, "📊 Отчёт по проекту")
        first = await harness.press(COORDINATOR, data)
        second = await harness.press(COORDINATOR, data)
        gate.set()
        await harness.app.reports.idle()
    answers = [c.text for c in first + second if isinstance(c, AnswerCallbackQuery)]
    assert answers[0] is not None and answers[0].startswith("Готовлю отчёт")
    assert answers[1] == "Этот отчёт уже готовится — файл придёт сюда."
    assert len([c for c in harness.session.calls if isinstance(c, SendDocument)]) == 1


async def test_others_are_answered_while_a_report_is_built(harness: Harness) -> None:
    """The build waits on a gate inside the worker; were it run on the event loop, the loop
    would stand still and the participant's answer would come only after the document."""
    generated = await generate(harness)
    gate = threading.Event()
    original = runner.build_project_report

    def held(*args):
        gate.wait(10)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("handlers.admin.exports.build_project_report", held)
        screen = await harness.press(
            COORDINATOR,
            ProjectCallback(action=ProjectAction.OPEN, project_id=generated.project_id).pack(),
        )
        await harness.press(COORDINATOR, button(screen, "📊 Отчёт по проекту"))
        reply = await harness.send(tg_user(104), "/my")
        assert [c for c in reply if isinstance(c, SendMessage)], "the participant got an answer"
        assert not [c for c in harness.session.calls if isinstance(c, SendDocument)]
        gate.set()
        await harness.app.reports.idle()
    assert [c for c in harness.session.calls if isinstance(c, SendDocument)]


async def test_a_failed_build_is_told_to_the_coordinator(harness: Harness) -> None:
    generated = await generate(harness)

    def broken(*args):
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("handlers.admin.exports.build_project_report", broken)
        screen = await harness.press(
            COORDINATOR,
            ProjectCallback(action=ProjectAction.OPEN, project_id=generated.project_id).pack(),
        )
        start = len(harness.session.calls)
        await harness.press(COORDINATOR, button(screen, "📊 Отчёт по проекту"))
        await harness.app.reports.idle()
    told = [c.text for c in harness.session.calls[start:] if isinstance(c, SendMessage)]
    assert told == [
        "Не удалось подготовить отчёт. Попробуйте ещё раз; если не получится — "
        "сообщите администратору бота."
    ]


async def test_an_empty_project_gives_a_valid_report(harness: Harness) -> None:
    project = await make_project(harness.db, NOW, title_ru="Новый проект")
    _, book, texts, _ = await export(harness, project.id)
    assert "проведено мероприятий — 0, охвачено человек — 0" in texts
    assert rows(book["Мероприятия"], 3)[0][2] == "Итого мероприятий (без отменённых): 0"
    assert ["Заполненных анкет пока нет."] in [line[:1] for line in rows(book["Анкеты"], 1)]
