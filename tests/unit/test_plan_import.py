"""Event plans from Excel: the shipped example, a broken plan, and the upload in the bot."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from openpyxl import Workbook

from bot.events.model import EventType, ProjectPlan
from bot.events.plan import PlanError, read_plan, read_plan_file
from bot.events.store import list_events
from bot.people import users
from handlers.admin.callbacks import ProjectAction, ProjectCallback
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


def with_targets(*targets: tuple[object, ...], events: bool = True) -> bytes:
    """A plan file with a "План" sheet of planned figures (and one event, unless not)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Мероприятия"
    sheet.append(HEADERS)
    if events:
        sheet.append(["Семинар", "Семинар", "12.06.2026 10:00", "12.06.2026 13:00", "Зал"])
    planned = book.create_sheet("План")
    planned.append(["Формат", "Район", "Мероприятий", "Охват"])
    for target in targets:
        planned.append(list(target))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def project_screen(calls: list[TelegramMethod[Any]]) -> str:
    return texts(calls)[0]


async def test_the_plan_sheet_replaces_the_projects_plan(harness: Harness) -> None:
    project = await make_project(
        harness.db, NOW, plan=ProjectPlan(events={"round_table": 2}, reach=100)
    )
    coordinator = tg_user(1)
    opened = ProjectCallback(action=ProjectAction.OPEN, project_id=project.id).pack()
    assert "План: 2 круглых стола; охват 100" in project_screen(
        await harness.press(coordinator, opened)
    )
    await harness.press(coordinator, f"Apr:i:{project.id}")
    harness.session.files["example"] = EXAMPLE.read_bytes()
    done = await harness.feed(document_update(coordinator, "example", "event-plan.xlsx"))
    assert texts(done)[0].endswith("План проекта заменён листом «План»: 12 показателей.")
    screen = project_screen(await harness.press(coordinator, opened))
    assert (
        "План: 7 семинаров, 1 ознакомительная поездка, 3 рабочие встречи, 1 конференция; "
        "охват 450" in screen
    )
    assert "круглых стола" not in screen
    per_district = await harness.db.fetch_all(
        "SELECT district, format, events, reach FROM project_targets "
        "WHERE project_id = ? AND district IS NOT NULL ORDER BY district",
        (project.id,),
    )
    assert len(per_district) == 7
    assert tuple(per_district[0]) == ("alatau", "seminar", 1, 40)

    await users.choose_language(harness.db, 1, "kk", NOW)
    kazakh = project_screen(await harness.press(tg_user(1, "kk"), opened))
    assert (
        "Жоспар: 7 семинар, 1 танысу сапары, 3 жұмыс кездесуі, 1 конференция; қамту 450" in kazakh
    )


async def test_a_file_may_bring_the_planned_figures_alone(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    coordinator = tg_user(1)
    await harness.press(coordinator, f"Apr:i:{project.id}")
    harness.session.files["plan"] = with_targets(("Семинар", "", 3, ""), events=False)
    done = await harness.feed(document_update(coordinator, "plan", "plan.xlsx"))
    assert texts(done) == ["План проекта заменён листом «План»: 1 показатель."]
    assert await list_events(harness.db, project.id) == []
    opened = ProjectCallback(action=ProjectAction.OPEN, project_id=project.id).pack()
    assert "План: 3 семинара" in project_screen(await harness.press(coordinator, opened))


async def test_errors_on_the_plan_sheet_name_the_sheet_and_import_nothing(
    harness: Harness,
) -> None:
    project = await make_project(harness.db, NOW, plan=ProjectPlan(reach=100))
    coordinator = tg_user(1)
    await harness.press(coordinator, f"Apr:i:{project.id}")
    harness.session.files["broken"] = with_targets(
        ("Семинар", "Ауэзовский район", 2, 60),
        ("Лекция", "Марс", "много", -5),
        ("", "", 4, ""),
        ("Семинар", "", "", ""),
        ("Семинар", "Ауэзовский район", 1, ""),
    )
    failed = texts(await harness.feed(document_update(coordinator, "broken", "plan.xlsx")))[0]
    for line in (
        "Лист «План», строка 3, столбец «Формат»: неизвестный тип",
        "Лист «План», строка 3, столбец «Район»: нет такого района в списке",
        "Лист «План», строка 3, столбец «Мероприятий»: нужно целое число от 0 до 1 000 000",
        "Лист «План», строка 3, столбец «Охват»: нужно целое число от 0 до 1 000 000",
        "Лист «План», строка 4, столбец «Формат»: число мероприятий задаётся для формата",
        "Лист «План», строка 5, столбец «Мероприятий»: нужно число мероприятий или охват",
        "Лист «План», строка 6, столбец «Формат»: этот формат и район уже есть выше на листе",
    ):
        assert line in failed, line
    assert await list_events(harness.db, project.id) == [], "the events wait for a good plan"
    reach = await harness.db.fetch_value(
        "SELECT reach FROM project_targets WHERE project_id = ?", (project.id,)
    )
    assert reach == 100, "the old plan stays"


def test_the_example_plan_sheet_reads_back(harness: Harness) -> None:
    plan = read_plan_file(
        EXAMPLE.read_bytes(), 1, harness.app.settings.tz, harness.app.reference, NOW
    )
    assert len(plan.events) == 12
    assert plan.targets is not None
    whole = {(t.format, t.events, t.reach) for t in plan.targets if t.district is None}
    assert whole == {
        ("seminar", 7, 280), ("study_tour", 1, 15), ("working_meeting", 3, 90),
        ("conference", 1, 150), (None, None, 450),
    }  # fmt: skip
    events_only = workbook(["Семинар", "Семинар", "12.06.2026 10:00", "12.06.2026 13:00", "Зал"])
    assert (
        read_plan_file(events_only, 1, harness.app.settings.tz, harness.app.reference, NOW).targets
        is None
    ), "a file without the sheet leaves the project's plan alone"
