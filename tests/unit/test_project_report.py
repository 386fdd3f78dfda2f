"""The project report read back and checked against what was generated: a project with a
cancelled event, walk-ins (one came twice), a participant who deleted their data, a named and
an anonymous survey, and an event still to come."""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot.people import users
from bot.reports import runner
from bot.reports.project import ReportContext, ReportStoppedError
from bot.texts import plain_texts
from handlers.admin.callbacks import ProjectAction, ProjectCallback
from surveys.templates import load_templates
from tests.conftest import NOW
from tests.factories import make_project, walk_in
from tests.generated_project import generate
from tests.harness import Harness, button, tg_user

COORDINATOR = tg_user(1)


async def export_button(
    h: Harness, project_id: int, user=COORDINATOR, label: str = "📊 Отчёт по проекту"
) -> str:
    """The callback data of the report button on the project screen."""
    screen = await h.press(
        user, ProjectCallback(action=ProjectAction.OPEN, project_id=project_id).pack()
    )
    return button(screen, label)


@contextlib.contextmanager
def held_builds() -> Iterator[threading.Event]:
    """Report builds wait in their worker thread for the gate, then run for real."""
    gate = threading.Event()
    original = runner.build_project_report

    def held(*args):
        gate.wait(10)
        return original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bot.reports.service.build_project_report", held)
        try:
            yield gate
        finally:
            gate.set()


async def export(h: Harness, project_id: int, user=COORDINATOR) -> tuple[str, Workbook, str, bytes]:
    label = "📊 Жоба бойынша есеп (Excel)" if user.language_code == "kk" else "📊 Отчёт по проекту"
    calls = await h.press(user, await export_button(h, project_id, user, label))
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
    generated = await generate(harness.db)
    name, book, texts, data = await export(harness, generated.project_id)

    assert name == "отчёт_Школа_гражданского_участия_2026-06-09.xlsx"
    assert "Готовлю отчёт" in texts
    assert "проведено мероприятий — 2, охвачено человек — 6, посещений — 8, анкет — 5" in texts
    assert book.sheetnames == [
        "Мероприятия",
        "Охват",
        "Анкеты",
        "Анкеты по мероприятиям",
        "По форматам",
        "Аудитория мероприятий",
        "План и факт",
        "Текст отчёта",
        "Ответы",
    ]

    events = book["Мероприятия"]
    assert events.freeze_panes == "A3"
    assert events.auto_filter.ref == "A2:L6"
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    assert events.print_title_rows == "$2:$2"
    header, *lines = rows(events, 2)
    assert header[:4] == ["№", "Дата и время", "Мероприятие", "Формат"]
    by_title = {line[2]: line for line in lines}
    first = by_title["Семинар в Ауэзовском районе"]
    assert first[1] == datetime(2026, 5, 30, 10, 0), "a real date, local time"
    assert first[5] == "Ауэзовский район"
    # registered, attended (walk-in included), questionnaires, average rating, status
    assert first[6:] == [30, 4, 4, 3, 4.0, "проведено"]
    # Two anonymous questionnaires: their average would tell what each said.
    assert by_title["Тренинг в Медеуском районе"][7:] == [3, 4, 2, "—", "проведено"]
    assert by_title["Отменённый"][11] == "отменено"
    assert by_title["Итоговая конференция"][6:] == [None, 2, 0, 0, None, "запланировано"]
    *_, totals, note = lines
    assert str(note[0]).startswith("«—» в столбце «Средняя оценка»: анкета анонимная")
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
    below = rows(reach, 8 + len(table))
    start = [line[0] for line in below].index("Категория")
    by_category = {line[0]: line[1:3] for line in below[start + 1 :]}
    assert by_category["Член общественного совета"] == [1, 2]
    assert by_category["Представитель НПО"] == [2, 2]
    assert by_category["Гражданский активист"] == [1, 2], "the walk-in came twice"
    assert by_category["Член информационной группы (ИПГ)"] == [1, 1]
    assert by_category["Депутат маслихата"] == [0, 0]
    assert by_category["Итого"] == [6, 8]

    feedback = book["Анкеты"]
    cells = rows(feedback, 1)
    merged = "другие районы (меньше 3 ответов)"
    assert any(line[0] and "меньше 3" in line[0] for line in cells[:4]), "the sheet says so"
    start = next(i for i, line in enumerate(cells) if line[0] == "Район участника")
    rating = {line[0]: line[1:3] for line in cells[start + 1 : start + 5]}
    assert rating == {
        "Ауэзовский район": [2, 4.0],
        "Алмалинский район": [1, 4.0],
        merged: [2, 3.5],  # the two anonymous questionnaires from Medeu
        "Все районы": [5, 3.8],
    }
    start = next(i for i, line in enumerate(cells) if line[0] == "Район мероприятия")
    rating = {line[0]: line[1:3] for line in cells[start + 1 : start + 4]}
    assert rating == {"Ауэзовский район": [3, 4.0], merged: [2, 3.5], "Все районы": [5, 3.8]}
    assert not any(line[0] == "Медеуский район" for line in cells), "two answers are not shown"
    overall = next(
        i for i, line in enumerate(cells) if line[0] == "Как вы оцениваете семинар в целом?"
    )
    assert cells[overall + 1][:8] == [
        "Район участника", "Ответов", "Средняя оценка", "1", "2", "3", "4", "5",
    ]  # fmt: skip
    assert cells[overall + 4][:8] == [merged, 2, 3.5, 0, 1, 0, 0, 1]
    assert cells[overall + 5][:8] == ["Все районы", 5, 3.8, 0, 1, 1, 1, 2]
    assert cells[overall + 6][0] == "Район мероприятия"
    assert cells[overall + 7][:8] == ["Ауэзовский район", 3, 4.0, 0, 0, 1, 1, 1]
    assert cells[overall + 9][:8] == ["Все районы", 5, 3.8, 0, 1, 1, 1, 2]
    recommend = next(i for i, line in enumerate(cells) if line[0] and "Порекомендуете" in line[0])
    assert cells[recommend + 1][:5] == ["Район участника", "Ответов", "Да", "Нет", "Доля «да», %"]
    assert cells[recommend + 2][:5] == ["Алмалинский район", 1, 1, 0, 100.0]
    assert cells[recommend + 3][:5] == ["Ауэзовский район", 2, 1, 1, 50.0]
    assert cells[recommend + 5][:5] == ["Все районы", 4, 3, 1, 75.0]
    assert cells[recommend + 7][:5] == ["Ауэзовский район", 3, 2, 1, 66.7]
    topics = next(i for i, line in enumerate(cells) if line[0] and "темы" in line[0])
    assert cells[topics + 1][2] == "Работа общественных советов"
    assert cells[topics + 1][7] == "Другое"
    assert cells[topics + 4][:8] == ["Все районы", 2, 2, 0, 0, 1, 0, 1]

    per_event = rows(book["Анкеты по мероприятиям"], 1)
    overall = next(
        i for i, line in enumerate(per_event) if line[0] == "Как вы оцениваете семинар в целом?"
    )
    assert per_event[overall + 1 : overall + 5] == [
        ["Мероприятие", "Ответов", "Средняя оценка", "1", "2", "3", "4", "5"],
        ["30.05.2026, Семинар в Ауэзовском районе", 3, 4.0, 0, 0, 1, 1, 1],
        ["другие мероприятия (меньше 3 ответов)", 2, 3.5, 0, 1, 0, 0, 1],
        ["Все мероприятия", 5, 3.8, 0, 1, 1, 1, 2],
    ]

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
    assert all(line[3] is None and line[4] is None for line in lines if line[5] == "анонимно"), (
        "nothing next to an anonymous questionnaire narrows down who wrote it"
    )
    assert next(line[3:5] for line in lines if line[0] == 2) == [
        "Ауэзовский район",
        "Представитель НПО",
    ]
    names = {str(line[5]) for line in lines}
    assert not names & {"Нұрланов Ерлан", "Оспанова Дана"}, "anonymous answers carry no name"


async def test_report_in_kazakh_for_a_kazakh_coordinator(harness: Harness) -> None:
    generated = await generate(harness.db)
    await users.choose_language(harness.db, 1, "kk", NOW)
    name, book, texts, _ = await export(harness, generated.project_id, tg_user(1, "kk"))
    assert name == "есеп_Азаматтық_қатысу_мектебі_2026-06-09.xlsx"
    assert "Есепті дайындап жатырмын" in texts
    assert book.sheetnames == [
        "Іс-шаралар",
        "Қамту",
        "Сауалнамалар",
        "Іс-шаралар бойынша сауалнамалар",
        "Форматтар бойынша",
        "Іс-шаралар аудиториясы",
        "Жоспар және нәтиже",
        "Есеп мәтіні",
        "Жауаптар",
    ]
    lines = rows(book["Іс-шаралар"], 3)
    assert lines[0][2] == "Әуезов ауданындағы семинар"
    assert lines[0][11] == "өткізілді"
    assert rows(book["Қамту"], 3)[0][:2] == ["Қамтылған адамдар (қайталанбайтын)", 6]
    districts = [line[0] for line in rows(book["Сауалнамалар"], 1)]
    assert {"Қатысушының ауданы", "Іс-шараның ауданы", "басқа аудандар (3 жауаптан аз)"} <= set(
        districts
    )
    events = [line[0] for line in rows(book["Іс-шаралар бойынша сауалнамалар"], 1)]
    assert "30.05.2026, Әуезов ауданындағы семинар" in events
    assert "басқа іс-шаралар (3 жауаптан аз)" in events


async def test_a_double_tap_builds_one_report(harness: Harness) -> None:
    generated = await generate(harness.db)
    with held_builds() as gate:
        data = await export_button(harness, generated.project_id)
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
    generated = await generate(harness.db)
    with held_builds() as gate:
        await harness.press(COORDINATOR, await export_button(harness, generated.project_id))
        reply = await harness.send(tg_user(104), "/my")
        assert [c for c in reply if isinstance(c, SendMessage)], "the participant got an answer"
        assert not [c for c in harness.session.calls if isinstance(c, SendDocument)]
        gate.set()
        await harness.app.reports.idle()
    assert [c for c in harness.session.calls if isinstance(c, SendDocument)]


async def test_a_failed_build_is_told_to_the_coordinator(harness: Harness) -> None:
    generated = await generate(harness.db)

    def broken(*args):
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bot.reports.service.build_project_report", broken)
        data = await export_button(harness, generated.project_id)
        start = len(harness.session.calls)
        await harness.press(COORDINATOR, data)
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


async def test_typed_text_never_becomes_a_formula_or_breaks_the_file(harness: Harness) -> None:
    generated = await generate(harness.db)
    # Typed at the door: reach counts the district a person had at the event.
    await harness.db.execute(
        "UPDATE checkins SET district_at = 'other:=SUM(A1' WHERE user_id = 104"
    )
    await harness.db.execute("UPDATE users SET full_name = 'Сапарова\x07 Әйгерім' WHERE id = 101")
    await walk_in(
        harness.db, generated.event_ids[0], "=1+1", "youth",
        'other:=HYPERLINK("http://x","click")', NOW, 1,
    )  # fmt: skip
    _, book, _, _ = await export(harness, generated.project_id)
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    labels = [line[0] for line in rows(book["Охват"], 8)]
    assert "=SUM(A1" in labels and '=HYPERLINK("http://x","click")' in labels
    names = {line[5] for line in rows(book["Ответы"], 3)}
    assert "Сапарова Әйгерім" in names, "a control character is dropped, the name kept"


async def test_a_build_gives_up_when_the_bot_shuts_down(harness: Harness) -> None:
    generated = await generate(harness.db)
    ctx = ReportContext(
        plain_texts("ru"), "ru", harness.app.reference, load_templates(),
        harness.app.settings.tz, NOW,
    )  # fmt: skip
    stop = threading.Event()
    report = await asyncio.to_thread(
        runner.build_project_report, harness.db.path, generated.project_id, ctx, stop
    )
    assert report.summary.responses == 5
    stop.set()
    with pytest.raises(ReportStoppedError):
        await asyncio.to_thread(
            runner.build_project_report, harness.db.path, generated.project_id, ctx, stop
        )


async def test_the_report_prints_on_a4_without_overlaps_or_cancelled_events_in_charts(
    harness: Harness,
) -> None:
    generated = await generate(harness.db)
    _, book, _, _ = await export(harness, generated.project_id)
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9, f"{sheet.title} is set to A4"
    events = book["Мероприятия"]
    # "Анкет заполнено" wraps onto two lines: its row is tall enough not to cover row 3.
    assert events.row_dimensions[2].height >= 30
    listed = rows(events, 3)[:-1]  # the note on the hidden rating under the table left out
    assert listed[-2][11] == "отменено", "the cancelled event is listed last, before the totals"
    [chart] = events._charts
    [series] = chart.series
    assert series.val.numRef.f.endswith(f"$I${2 + len(listed) - 2}"), "the chart stops before it"
    feedback = book["Анкеты"]
    widths = [feedback.column_dimensions[letter].width for letter in "CDEFGHIJ"]
    assert max(widths) > 11, "a long option name widens its column instead of breaking"
