"""Events by format in the project report: the seed-shaped project (seven seminars, four
working meetings, a conference) read back from the "По форматам" and audience sheets."""

from __future__ import annotations

from bot.people import users
from tests.conftest import NOW
from tests.generated_project import SEED_SEMINARS, generate_seed_shaped
from tests.harness import Harness, tg_user
from tests.unit.test_project_report import export, rows


async def test_subtotals_per_format_count_each_person_once(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    _, book, _, _ = await export(harness, seed.project_id)
    sheet = rows(book["По форматам"], 2)
    assert sheet[0][:5] == ["Формат", "Мероприятий", "Проведено", "Охват (уникальных)", "Участий"]
    assert sheet[1][:5] == ["Семинар", 7, 7, 268, 268]
    assert sheet[2][:5] == ["Рабочая встреча", 4, 4, 164, 164]
    assert sheet[3][:5] == ["Конференция", 1, 1, 30, 30]
    # Ten seminar people came to the conference too: the total counts them once.
    assert sheet[4][:5] == ["Итого", 12, 12, 452, 462]


async def test_audience_per_event_by_category(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    _, book, _, _ = await export(harness, seed.project_id)
    sheet = rows(book["Аудитория мероприятий"], 2)
    head = sheet[0]
    ipg = head.index("Член информационной группы (ИПГ)")
    activists = head.index("Гражданский активист")
    servants = head.index("Государственный служащий")
    seminars = sheet[1:8]
    assert [row[-1] for row in seminars] == [n for _, _, n in SEED_SEMINARS]
    assert [row[ipg] for row in seminars] == [n - 6 for _, _, n in SEED_SEMINARS]
    assert {row[activists] for row in seminars} == {6}
    meetings = sheet[8:12]
    assert sum(row[servants] for row in meetings) == 164
    assert sheet[13][0] == "Итого" and sheet[13][-1] == 462


async def test_formats_in_kazakh(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    await users.choose_language(harness.db, 1, "kk", NOW)
    _, book, _, _ = await export(harness, seed.project_id, tg_user(1, "kk"))
    sheet = rows(book["Форматтар бойынша"], 2)
    assert sheet[1][:4] == ["Семинар", 7, 7, 268]
    assert sheet[2][0] == "Жұмыс кездесуі"
    assert sheet[4][0] == "Барлығы"
