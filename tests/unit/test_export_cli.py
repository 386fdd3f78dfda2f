"""`python -m bot export ...` writes the same workbooks the panel sends, for back-office
scripts, and says clearly when there is nothing to export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from bot.config import Settings
from tests.conftest import NOW
from tests.factories import make_project
from tests.generated_project import generate
from tests.harness import Harness, document_update, texts, tg_user
from tests.unit.test_plan_import import workbook

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"


def run_export(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_bot(database, "export", *args)


def run_bot(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in Settings.model_fields_upper()}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=database.parent,
        env={**clean, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN, "DATABASE_PATH": str(database)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_project_report_and_attendance_sheet_from_the_command_line(
    harness: Harness, tmp_path: Path
) -> None:
    generated = await generate(harness.db)
    database = harness.app.settings.database_path

    report = tmp_path / "report.xlsx"
    result = run_export(
        database, "project", "--project", str(generated.project_id), "--language", "kk",
        "-o", str(report),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Written {report}" in result.stdout
    book = load_workbook(report)
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
    assert book["Қамту"]["B3"].value == 6, "the same unique reach as the panel's report"

    sheet = tmp_path / "attendance.xlsx"
    result = run_export(
        database, "attendance", "--event", str(generated.event_ids[0]), "-o", str(sheet)
    )
    assert result.returncode == 0, result.stderr
    present = {
        row[1]: (row[6], row[8])
        for row in load_workbook(sheet)["Подробно"].iter_rows(min_row=3, values_only=True)
    }
    assert present == {
        "Сапарова Әйгерім": ("зарегистрирован(а)", "Да"),
        "Ким Андрей": ("зарегистрирован(а)", "Да"),
        "Нұрланов Ерлан": ("зарегистрирован(а)", "Нет"),
        "(данные удалены)": ("зарегистрирован(а)", "Да"),
        "Ахметова Роза": ("без регистрации", "Да"),
    }


async def test_unknown_ids_and_unwritable_files_are_one_clear_line(
    harness: Harness, tmp_path: Path
) -> None:
    database = harness.app.settings.database_path
    result = run_export(database, "project", "--project", "999", "-o", str(tmp_path / "x.xlsx"))
    assert (result.returncode, result.stderr.strip()) == (1, "No project with id 999.")
    result = run_export(database, "attendance", "--event", "999", "-o", str(tmp_path / "x.xlsx"))
    assert (result.returncode, result.stderr.strip()) == (1, "No event with id 999.")
    assert not (tmp_path / "x.xlsx").exists()

    generated = await generate(harness.db)
    missing = tmp_path / "no-such-folder" / "report.xlsx"
    result = run_export(
        database, "project", "--project", str(generated.project_id), "-o", str(missing)
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"{missing}: No such file or directory"


async def test_plan_errors_from_the_command_line_read_like_the_panel(
    harness: Harness, tmp_path: Path
) -> None:
    project = await make_project(harness.db, NOW)
    # Dates no clock reaches soon: the command line reads the plan at the real time.
    broken = workbook(
        ["Семинар один", "Лекция", "12.06.2030 10:00", "12.06.2030 13:00", "Зал", "", "", "нет"],
        ["Семинар два", "Семинар", "12.06.2030 10:00", "11.06.2030 13:00", "Зал", "", "", "да?"],
    )
    await harness.press(tg_user(1), f"Apr:i:{project.id}")
    harness.session.files["broken"] = broken
    [panel] = texts(await harness.feed(document_update(tg_user(1), "broken", "plan.xlsx")))

    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(broken)
    database = harness.app.settings.database_path
    result = run_bot(database, "events", "import", str(plan), "--project", str(project.id))
    assert result.returncode == 1 and result.stdout == ""
    printed = result.stderr.strip().splitlines()
    assert printed == panel.splitlines(), "the same words as the panel, line for line"
    assert printed[0] == "В плане есть ошибки, ничего не импортировано:"
    assert "Строка 3, столбец «Окончание»: окончание раньше начала" in printed
    assert "Строка 2, столбец «Тип»: неизвестный тип" in printed[1]
    assert not any("column" in line or "end_before_start" in line for line in printed)
