"""Plan against fact: the plan typed in the project form, the report's "План и факт" sheet and
the block /stats adds, on the seed-shaped project (seven seminars, four working meetings and a
conference held; two round tables planned and not held)."""

from __future__ import annotations

from bot.events.model import ProjectPlan
from bot.people import users
from tests.conftest import NOW
from tests.factories import make_project
from tests.generated_project import generate_seed_shaped
from tests.harness import Harness, document_update, texts, tg_user
from tests.unit.test_plan_import import with_targets
from tests.unit.test_project_report import export, rows

COORDINATOR = tg_user(1)


async def test_the_report_shows_planned_held_and_the_difference(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    _, book, _, _ = await export(harness, seed.project_id)
    sheet = rows(book["План и факт"], 2)
    assert sheet[0][:4] == ["Показатель", "План", "Факт", "Разница"]
    assert sheet[1:7] == [
        ["Семинар: мероприятий", 7, 7, 0],
        ["Рабочая встреча: мероприятий", 4, 4, 0],
        ["Круглый стол: мероприятий", 2, 0, -2],
        ["Конференция: мероприятий", 1, 1, 0],
        ["Всего мероприятий запланированных форматов", 14, 12, -2],
        ["Охват, уникальных участников", 500, 452, -48],
    ]


async def test_a_project_without_a_plan_says_how_to_enter_one(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db, ProjectPlan())
    await users.choose_language(harness.db, 1, "kk", NOW)
    _, book, _, _ = await export(harness, seed.project_id, tg_user(1, "kk"))
    [[note, *_]] = rows(book["Жоспар және нәтиже"], 2)
    assert note.startswith("Жобаның жоспары берілмеген")


async def test_stats_shows_the_plan_in_both_languages(harness: Harness) -> None:
    await generate_seed_shaped(harness.db)
    [reply, *_] = texts(await harness.send(COORDINATOR, "/stats"))
    assert "План и факт (план / проведено / разница):" in reply
    assert "• Семинар: 7 / 7 / +0" in reply
    assert "• Круглый стол: 2 / 0 / -2" in reply
    assert "• Охват, человек: 500 / 452 / -48" in reply
    await users.choose_language(harness.db, 1, "kk", NOW)
    [reply, *_] = texts(await harness.send(tg_user(1, "kk"), "/stats"))
    assert "• Дөңгелек үстел: 2 / 0 / -2" in reply
    assert "• Қамту, адам: 500 / 452 / -48" in reply


async def test_the_plan_is_typed_in_the_project_form(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    asked = await harness.press(COORDINATOR, f"Apf:{project.id}:plan")
    assert texts(asked)[0].startswith("Сколько мероприятий запланировано")
    wrong = await harness.send(COORDINATOR, "много семинаров")
    assert texts(wrong)[0].startswith("Не понял план")
    await harness.send(COORDINATOR, "семинар-тренинг 7, рабочая встреча 4; конференция 1")
    await harness.press(COORDINATOR, f"Apf:{project.id}:reach")
    await harness.send(COORDINATOR, "300")
    [reply, *_] = texts(await harness.send(COORDINATOR, "/stats"))
    assert "• Семинар: 7 / 0 / -7" in reply
    assert "• Рабочая встреча: 4 / 0 / -4" in reply
    assert "• Охват, человек: 300 / 0 / -300" in reply
    # Skip takes the plan away.
    await harness.press(COORDINATOR, f"Apf:{project.id}:plan")
    await harness.send(COORDINATOR, "Пропустить")
    [reply, *_] = texts(await harness.send(COORDINATOR, "/stats"))
    assert "Семинар:" not in reply and "• Охват, человек: 300 / 0 / -300" in reply


async def test_the_plan_in_kazakh(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    kazakh = tg_user(1, "kk")
    await users.choose_language(harness.db, 1, "kk", NOW)
    asked = await harness.press(kazakh, f"Apf:{project.id}:plan")
    assert texts(asked)[0].startswith("Әр формат бойынша")
    wrong = await harness.send(kazakh, "көп")
    assert texts(wrong)[0].startswith("Жоспар түсініксіз")
    await harness.send(kazakh, "семинар 7, жұмыс кездесуі 4, дөңгелек үстел 2")
    [reply, *_] = texts(await harness.send(kazakh, "/stats"))
    assert "• Жұмыс кездесуі: 4 / 0 / -4" in reply
    assert "• Дөңгелек үстел: 2 / 0 / -2" in reply


async def test_the_plan_per_district_against_what_was_held(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    await harness.press(COORDINATOR, f"Apr:i:{seed.project_id}")
    harness.session.files["plan"] = with_targets(
        ("Семинар", "", 7, ""),
        ("Семинар", "Ауэзовский район", 1, 40),
        ("Рабочая встреча", "Турксибский район", 3, ""),
        ("", "Турксибский район", "", 100),
        ("Круглый стол", "Медеуский район", 1, ""),
        events=False,
    )
    await harness.feed(document_update(COORDINATOR, "plan", "plan.xlsx"))
    _, book, _, _ = await export(harness, seed.project_id)
    sheet = rows(book["План и факт"], 2)
    assert sheet[1] == ["Семинар: мероприятий", 7, 7, 0]
    assert "Охват, уникальных участников" not in [line[0] for line in sheet[:3]], "replaced"
    start = next(i for i, line in enumerate(sheet) if str(line[0]).startswith("План и факт по"))
    reach = {line[0]: line[-2] for line in rows(book["Охват"], 8)}
    assert sheet[start + 1 :] == [
        ["Показатель", "План", "Факт", "Разница"],
        ["Ауэзовский район", None, None, None],
        ["Семинар: мероприятий", 1, 1, 0],
        ["Семинар: охват, уникальных участников", 40, 31, -9],
        ["Медеуский район", None, None, None],
        ["Круглый стол: мероприятий", 1, 0, -1],
        ["Турксибский район", None, None, None],
        ["Рабочая встреча: мероприятий", 3, 2, -1],
        [
            "Охват, уникальных участников",
            100,
            reach["Турксибский район"],
            reach["Турксибский район"] - 100,
        ],
    ]
