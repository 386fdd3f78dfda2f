"""The report's text, ready to paste: the seed-shaped project's events in the funder's form,
the totals and the feedback summary, in the coordinator's language."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.people import users
from bot.reports.report_text import plural_form
from tests.conftest import NOW
from tests.generated_project import generate, generate_seed_shaped
from tests.harness import Harness, tg_user
from tests.unit.test_feedback_per_event import answers, seed_with_surveys
from tests.unit.test_project_report import export, rows
from tests.unit.test_workbooks_in_libreoffice import SOFFICE, as_pdf


def paragraphs(book, name: str) -> list[str]:
    return [row[0] for row in rows(book[name], 1) if row and row[0]]


async def test_the_text_in_russian(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    _, book, _, _ = await export(harness, seed.project_id)
    text = paragraphs(book, "Текст отчёта")
    assert text[0] == "Разъяснение Послания Главы государства"
    assert text[1] == "Семинар — проведено: 7"
    assert text[2] == (
        "1. 13.04.2026 — Ауэзовский район, акимат района: 31 участник, из них в категории "
        "«Член информационной группы (ИПГ)» — 25"
    )
    assert text[3].startswith("2. 19.04.2026 — Бостандыкский район, акимат района: 63 участника")
    assert "26 участников, из них" in text[8]
    assert text[9] == "Рабочая встреча — проведено: 4"
    assert "45 участников, из них в категории «Государственный служащий» — 45" in text[10]
    totals = text[text.index("Итоги") + 1]
    assert totals.startswith(
        "Всего проведено 12 мероприятий: Семинар — 7, Рабочая встреча — 4, Конференция — 1. "
        "Охвачено 452 человека (каждый учтён один раз), по районам: "
    )
    feedback = text[text.index("Анализ анкет обратной связи по мероприятиям") + 1]
    assert feedback == (
        "13.04.2026, Семинар для членов ИПГ: 5 анкет; «Как вы оцениваете семинар в целом?»: "
        "в среднем 4,2 из 5; «Порекомендуете ли вы такой семинар коллегам?»: «да» — 80,0 %; "
        "«Какие темы интересны для следующих мероприятий?»: чаще всего «Бюджет народного "
        "участия» (4)."
    )


async def test_the_text_in_kazakh(harness: Harness) -> None:
    seed = await generate_seed_shaped(harness.db)
    await users.choose_language(harness.db, 1, "kk", NOW)
    _, book, _, _ = await export(harness, seed.project_id, tg_user(1, "kk"))
    text = paragraphs(book, "Есеп мәтіні")
    assert text[0] == "Мемлекет басшысының Жолдауын түсіндіру"
    assert text[2] == (
        "1. 13.04.2026 — Әуезов ауданы, акимат района: 31 қатысушы, оның ішінде "
        "«Ақпараттық-насихат тобының мүшесі» санатынан — 25"
    )
    assert "Барлығы 12 іс-шара өткізілді" in text[text.index("Қорытынды") + 1]
    by_district = text[
        text.index(
            "Кері байланыс сауалнамаларын аудандар бойынша талдау (қатысушының іс-шара кезіндегі "
            "ауданы)"
        )
        + 1
    ]
    assert by_district.startswith(
        "Әуезов ауданы: 5 сауалнама; «Семинарды жалпы қалай бағалайсыз?»: "
        "орташа баға 4,2 (5 ішінен)"
    )


def test_russian_plural_forms() -> None:
    assert [plural_form(n, "ru") for n in (1, 2, 5, 11, 21, 22, 25, 112)] == [
        "one", "few", "many", "many", "one", "few", "many", "many",
    ]  # fmt: skip
    assert plural_form(2, "kk") == "one"


async def test_fewer_than_three_questionnaires_give_no_figures(harness: Harness) -> None:
    generated = await generate(harness.db)
    _, book, _, _ = await export(harness, generated.project_id)
    text = paragraphs(book, "Текст отчёта")
    per_event = text[text.index("Анализ анкет обратной связи по мероприятиям") + 1 :]
    # The anonymous training had two questionnaires: merged as the sheets merge them, and
    # not even its name is given next to them.
    assert per_event[1] == (
        "другие мероприятия (меньше 3 ответов): анкет меньше трёх (2), цифры не приводятся, "
        "чтобы не раскрыть ответы."
    )
    assert not any("Тренинг в Медеуском районе" in line for line in per_event)
    assert "в среднем 4,0 из 5" in per_event[0]


def feedback_sections(text: list[str], by_district: str, by_event: str) -> tuple[list[str], ...]:
    district_at, event_at = text.index(by_district), text.index(by_event)
    return text[district_at + 1 : event_at], text[event_at + 1 :]


async def test_small_anonymous_groups_are_merged_as_in_the_sheets(harness: Harness) -> None:
    seed = await seed_with_surveys(harness)
    # One more anonymous questionnaire, at the Almaly seminar: with the two in Bostandyk the
    # merged group has three, enough to give its figures.
    almaly = seed.seminars[4]
    await harness.db.execute("UPDATE events SET survey_anonymous = 1 WHERE id = ?", (almaly,))
    await answers(harness, almaly, "almaly", [3], anonymous=True)
    _, book, _, _ = await export(harness, seed.project_id)
    by_district, by_event = feedback_sections(
        paragraphs(book, "Текст отчёта"),
        "Анализ анкет обратной связи в разрезе районов (район участника на момент мероприятия)",
        "Анализ анкет обратной связи по мероприятиям",
    )
    heads = [line.split(":")[0] for line in by_district]
    assert heads == [
        "Ауэзовский район", "Жетысуский район", "Медеуский район",
        "другие районы (меньше 3 ответов)",
    ]  # fmt: skip
    assert by_district[-1].startswith(
        "другие районы (меньше 3 ответов): 3 анкеты; «Как вы оцениваете семинар в целом?»: "
        "в среднем 3,0 из 5"
    )
    assert by_event[-1].startswith(
        "другие мероприятия (меньше 3 ответов): 3 анкеты; «Как вы оцениваете семинар в целом?»: "
        "в среднем 3,0 из 5"
    )
    named_days = [line[:10] for line in by_event[:-1]]
    assert named_days == ["13.04.2026", "25.04.2026", "01.05.2026"], "Bostandyk, Almaly merged"
    assert "4 анкеты; «Как вы оцениваете семинар в целом?»: в среднем 4,0 из 5" in by_event[1]

    await users.choose_language(harness.db, 1, "kk", NOW)
    _, book, _, _ = await export(harness, seed.project_id, tg_user(1, "kk"))
    text = paragraphs(book, "Есеп мәтіні")
    assert text[-1].startswith("басқа іс-шаралар (3 жауаптан аз): 3 сауалнама;")


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None, reason="LibreOffice is not installed"
)
async def test_the_text_prints_whole_on_a4(harness: Harness, tmp_path: Path) -> None:
    seed = await generate_seed_shaped(harness.db)
    _, book, _, data = await export(harness, seed.project_id)
    wanted = paragraphs(book, "Текст отчёта")
    pdf = await asyncio.to_thread(as_pdf, data, tmp_path, "report")
    printed = await asyncio.to_thread(
        subprocess.run, ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    flat = " ".join(printed.stdout.split())
    for paragraph in wanted:
        assert " ".join(paragraph.split()) in flat, f"printed whole: {paragraph[:40]}"
