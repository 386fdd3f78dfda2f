"""The workbooks open in LibreOffice (where it is installed): it parses every sheet we write
and reads back the same values. Excel is not available here; LibreOffice is the stricter of
the free readers about malformed parts."""

from __future__ import annotations

import asyncio
import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.events.store import get_event
from bot.reports.attendance import attendance_report
from bot.reports.project import ReportContext
from bot.reports.runner import build_project_report
from bot.texts import plain_texts
from surveys.templates import load_templates
from tests.conftest import NOW
from tests.generated_project import generate
from tests.harness import Harness

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def as_csv(data: bytes, folder: Path, stem: str) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice shows it (formatted values), by sheet name."""
    assert SOFFICE is not None
    source = folder / f"{stem}.xlsx"
    source.write_bytes(data)
    # Comma, double quotes, UTF-8, every sheet to its own file, cells as shown.
    options = "44,34,76,1,,0,false,true,true,false,false,-1"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return {
        path.stem.removeprefix(f"{stem}-"): list(csv.reader(path.open(encoding="utf-8")))
        for path in folder.glob(f"{stem}-*.csv")
    }


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
async def test_libreoffice_reads_the_project_report_and_the_attendance_sheet(
    harness: Harness, tmp_path: Path
) -> None:
    generated = await generate(harness.db)
    ctx = ReportContext(
        plain_texts("kk"), "kk", harness.app.reference, load_templates(),
        harness.app.settings.tz, NOW,
    )  # fmt: skip
    report = build_project_report(harness.db.path, generated.project_id, ctx)
    sheets = await asyncio.to_thread(as_csv, report.data, tmp_path, "report")
    assert set(sheets) == {"Іс-шаралар", "Қамту", "Сауалнамалар", "Жауаптар"}
    events = sheets["Іс-шаралар"]
    assert events[2][2] == "Әуезов ауданындағы семинар"
    assert events[2][1] == "30.05.2026 10:00", "a date LibreOffice recognises and formats"
    reach = sheets["Қамту"]
    assert reach[2][:2] == ["Қамтылған адамдар (қайталанбайтын)", "6"]
    answers = sheets["Жауаптар"]
    assert len(answers) == 2 + 14

    event = await get_event(harness.db, generated.event_ids[0])
    assert event is not None
    _, data = await attendance_report(
        harness.db, event, plain_texts("ru"), "ru", harness.app.reference, ctx.tz
    )
    [sheet] = (await asyncio.to_thread(as_csv, data, tmp_path, "attendance")).values()
    assert sheet[0][0].startswith("Лист посещаемости: Семинар в Ауэзовском районе, 30.05.2026")
    assert [row[1] for row in sheet[2:]] == [
        "Сапарова Әйгерім", "Ким Андрей", "Нұрланов Ерлан", "(данные удалены)", "Ахметова Роза",
    ]  # fmt: skip
