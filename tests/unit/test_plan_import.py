"""Event plans from Excel: the shipped example, a broken plan, and the upload in the bot."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.events.model import EventType
from bot.events.plan import PlanError, read_plan
from bot.events.store import list_events
from tests.conftest import NOW
from tests.factories import make_project
from tests.harness import Harness, document_update, texts, tg_user

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "event-plan.xlsx"
HEADERS = ["Название", "Тип", "Начало", "Окончание", "Место", "Район", "Мест", "По заявкам"]


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_example_plan_follows_the_seeds(harness: Harness) -> None:
    events = read_plan(EXAMPLE.read_bytes(), 1, harness.app.settings.tz, harness.app.reference, NOW)
    seminars = [e for e in events if e.type is EventType.SEMINAR]
    assert len({e.district for e in seminars}) == 7, "seven seminars in seven districts"
    [tour] = [e for e in events if e.type is EventType.STUDY_TOUR]
    assert (tour.capacity, tour.by_application) == (15, True)
    assert (tour.ends_at - tour.starts_at).days == 2, "a three-day trip"
    assert any(e.type is EventType.WORKING_MEETING for e in events)
    assert events[-1].type is EventType.CONFERENCE
    assert seminars[0].starts_at.isoformat() == "2027-03-02T10:00:00+05:00"


def test_every_problem_is_reported_by_row_and_column(harness: Harness) -> None:
    data = workbook(
        [
            "Семинар в Медеу",
            "Семинар",
            "12.06.2026 10:00",
            "12.06.2026 13:00",
            "Зал",
            "Медеуский район",
            30,
            "нет",
        ],
        ["Ок", "Лекция", "31.02.2026 10:00", "12.06.2026 13:00", "", "Марс", "много", "может"],
        [
            "Семинар раньше конца",
            "Семинар",
            datetime(2026, 6, 20, 15),
            "20.06.2026 14:00",
            "",
            "",
            "",
            "да",
        ],
        ["Семинар", "Семинар", "22.06.2026 10:00", "22.06.2026 13:00", "Зал", "", "12.7", "нет"],
        ["Семинар", "Семинар", "23.06.2026 10:00", "23.06.2026 13:00", "Зал", "", "inf", "нет"],
    )
    with pytest.raises(PlanError) as caught:
        read_plan(data, 1, harness.app.settings.tz, harness.app.reference, NOW)
    found = {(e.row, e.column, e.reason) for e in caught.value.errors}
    assert found == {
        (3, "title_ru", "title"),
        (3, "type", "type"),
        (3, "start", "datetime"),
        (3, "district", "district"),
        (3, "capacity", "capacity"),
        (3, "by_application", "yes_no"),
        (3, "place", "place"),
        (4, "end", "end_before_start"),
        (4, "place", "place"),
        (5, "capacity", "capacity"),
        (6, "capacity", "capacity"),
    }


def test_a_sheet_without_required_columns_is_refused(harness: Harness) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Что", "Когда"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PlanError) as caught:
        read_plan(buffer.getvalue(), 1, harness.app.settings.tz, harness.app.reference, NOW)
    assert {e.column for e in caught.value.errors} == {"title_ru", "type", "start", "end", "place"}
    with pytest.raises(PlanError):
        read_plan(b"not a workbook", 1, harness.app.settings.tz, harness.app.reference, NOW)


async def test_upload_in_the_bot_imports_all_or_nothing(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    coordinator = tg_user(1)
    await harness.press(coordinator, f"Apr:i:{project.id}")
    harness.session.files["broken"] = workbook(
        ["Семинар один", "Семинар", "12.06.2026 10:00", "12.06.2026 13:00", "", "", "", "нет"],
        ["Семинар два", "Семинар", "12.06.2026 10:00", "11.06.2026 13:00", "", "", "", "нет"],
    )
    failed = await harness.feed(document_update(coordinator, "broken", "plan.xlsx"))
    assert "Строка 3, столбец «Окончание»: окончание раньше начала" in texts(failed)[0]
    assert await list_events(harness.db, project.id) == [], "nothing half-imported"

    harness.session.files["example"] = EXAMPLE.read_bytes()
    done = await harness.feed(document_update(coordinator, "example", "event-plan.xlsx"))
    assert "Импортировано 12 мероприятий" in texts(done)[0]
    assert len(await list_events(harness.db, project.id)) == 12


def test_the_example_plan_needs_no_per_event_edits(harness: Harness) -> None:
    events = read_plan(EXAMPLE.read_bytes(), 1, harness.app.settings.tz, harness.app.reference, NOW)
    [tour] = [e for e in events if e.type is EventType.STUDY_TOUR]
    assert (tour.survey_template, tour.survey_anonymous) == ("study_tour", False)
    assert tour.by_application and tour.description_ru and tour.description_kk
    assert all(e.survey_template is None for e in events if e.type is EventType.WORKING_MEETING)


def test_questionnaire_anonymity_registration_and_description_columns(harness: Harness) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Название", "Тип", "Начало", "Окончание", "Место", "Регистрация", "Анкета",
         "Анонимность", "Описание", "Описание (каз.)"]
    )  # fmt: skip
    start, end = "12.06.2026 10:00", "12.06.2026 13:00"
    sheet.append(
        [
            "Семинар А",
            "Семинар",
            start,
            end,
            "Зал",
            "по заявкам",
            "Анкета участника семинара",
            "анонимная",
            "Про бюджет\nВторая строка",
            "",
        ]
    )
    sheet.append(
        [
            "Семинар Б",
            "Семинар",
            start,
            end,
            "Зал",
            "Ашық",
            "Семинар қатысушысының сауалнамасы",
            "аты-жөнімен",
            "",
            "Бюджет туралы",
        ]
    )
    sheet.append(
        ["Семинар В", "Семинар", start, end, "Зал", "может быть", "Опрос", "тайная", "х" * 2001, ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    tz, reference = harness.app.settings.tz, harness.app.reference
    with pytest.raises(PlanError) as caught:
        read_plan(buffer.getvalue(), 1, tz, reference, NOW)
    assert {(e.row, e.column, e.reason) for e in caught.value.errors} == {
        (4, "registration", "registration"),
        (4, "survey_template", "survey_template"),
        (4, "survey_anonymous", "anonymity"),
        (4, "description_ru", "description"),
    }
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    book.save(buffer)
    first, second = read_plan(buffer.getvalue(), 1, tz, reference, NOW)
    assert (first.by_application, first.survey_template, first.survey_anonymous) == (
        True, "seminar", True,
    )  # fmt: skip
    assert (first.description_ru, first.description_kk) == ("Про бюджет\nВторая строка", None)
    assert (second.by_application, second.survey_template, second.survey_anonymous) == (
        False, "seminar", False,
    )  # fmt: skip
    assert second.description_kk == "Бюджет туралы"


async def test_a_bad_questionnaire_reads_like_the_other_errors(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    coordinator = tg_user(1)
    await harness.press(coordinator, f"Apr:i:{project.id}")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADERS, "Анкета"])
    sheet.append(["Семинар", "Семинар", "12.06.2026 10:00", "12.06.2026 13:00", "Зал", "", "",
                  "нет", "Опрос"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    harness.session.files["survey"] = buffer.getvalue()
    failed = await harness.feed(document_update(coordinator, "survey", "plan.xlsx"))
    assert "Строка 2, столбец «Анкета»: нет такой анкеты" in texts(failed)[0]
