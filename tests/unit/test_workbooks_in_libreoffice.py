"""The workbooks open in LibreOffice (where it is installed): it parses every sheet we write
and reads back the same values. Excel is not available here; LibreOffice is the stricter of
the free readers about malformed parts."""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.events.store import get_event
from bot.reports.attendance import (
    DETAIL_KEYS,
    PRINT_KEYS,
    AttendanceRow,
    SheetTexts,
    attendance_report,
    build_attendance,
)
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
    assert set(sheets) >= {"Іс-шаралар", "Қамту", "Сауалнамалар", "Жауаптар"}
    assert sheets["Форматтар бойынша"][2][:4] == ["Семинар", "3", "2", "6"]
    assert sheets["Есеп мәтіні"][0] == ["Азаматтық қатысу мектебі"]
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
    attendance = await asyncio.to_thread(as_csv, data, tmp_path, "attendance")
    assert set(attendance) == {"Для подписи", "Подробно"}
    for sheet in attendance.values():
        assert sheet[0][0].startswith("Лист посещаемости: Семинар в Ауэзовском районе, 30.05.2026")
        assert [row[1] for row in sheet[2:]] == [
            "Сапарова Әйгерім", "Ким Андрей", "Нұрланов Ерлан", "(данные удалены)", "Ахметова Роза",
        ]  # fmt: skip


def as_pdf(data: bytes, folder: Path, stem: str) -> Path:
    assert SOFFICE is not None
    source = folder / f"{stem}.xlsx"
    source.write_bytes(data)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return folder / f"{stem}.pdf"


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice or poppler-utils (pdftotext, pdfinfo) is not installed",
)
def test_the_attendance_sheet_prints_on_a4_with_nothing_clipped(tmp_path: Path) -> None:
    long_org = "«Азаматтық бастама» қоғамдық бірлестігі, Әуезов ауданы бойынша филиалы"
    names = [f"Сапарова Әйгерім Нұрланқызы {n}" for n in range(1, 61)]
    rows = [
        AttendanceRow(
            name,
            "+77011112233",
            long_org if n % 2 else "",
            "Азаматтық белсенді",
            "Әуезов ауданы",
            "расталған",
            None,
            n % 3 == 0,
            None,
            "",
        )
        for n, name in enumerate(names)
    ]
    text = plain_texts("kk")
    texts = SheetTexts(
        text("rep.attendance_sheet"), text("rep.attendance_details"),
        text("rep.attendance_title", title="Семинар", when="12.06.2026 10:00", place="Әкімдік"),
        tuple(text(f"rep.col.{key}") for key in PRINT_KEYS),
        tuple(text(f"rep.col.{key}") for key in DETAIL_KEYS),
        text("common.yes"), text("common.no"),
    )  # fmt: skip
    pdf = as_pdf(build_attendance(rows, texts, ZoneInfo("Asia/Almaty")), tmp_path, "door")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "595.3 x 841.89 pts (A4)" in info.stdout.replace("595.304", "595.3")
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    door = []  # the door sheet's pages come first; the details sheet's have phone numbers
    for page in range(1, pages + 1):
        printed = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if "Телефон" in printed:
            break
        door.append(" ".join(printed.split()))
    assert len(door) >= 2
    assert all("Аты-жөні" in page for page in door), "the header repeats on every page"
    printed = " ".join(door)
    for name in names:
        assert name in printed, f"{name} is printed whole"
    assert printed.count(long_org) == 30, "long organisations wrap, none is cut"
