"""The project report for a big project: 10,000 participants and 100,000 answers.

    python bench/export.py [--participants 10000] [--answers 100000]

Each side runs in a fresh process, so peak memory is its own. Prints the time and peak memory
of our report (reading the database, aggregating, writing four sheets and two charts), then
plain openpyxl write-only mode writing the same cells (already in memory) in the same run, and
the speed ratio plain/ours (goal >= 0.7) and our peak memory (goal < 150 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb() -> float:
    """The resident set size now (Linux)."""
    return _status_mb("VmRSS")


def peak_mb() -> float:
    """The peak resident set size of this process. Not getrusage: its ru_maxrss survives
    exec and would report the parent's peak from before the fork."""
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(database: Path, project_id: int, output: Path) -> dict[str, float]:
    from zoneinfo import ZoneInfo

    from bench.big_project import default_now
    from bot.config import Settings
    from bot.reference import load_reference
    from bot.reports.project import ReportContext
    from bot.reports.runner import build_project_report
    from bot.texts import plain_texts
    from surveys.templates import load_templates

    settings = Settings(bot_token=TOKEN, database_path=database)
    reference = load_reference(settings.categories_file, settings.districts_file)
    ctx = ReportContext(
        plain_texts("ru"),
        "ru",
        reference,
        load_templates(),
        ZoneInfo("Asia/Almaty"),
        default_now(),
    )
    before = rss_mb()
    start = time.perf_counter()
    report = build_project_report(database, project_id, ctx)
    seconds = time.perf_counter() - start
    output.write_bytes(report.data)
    assert "aiogram" not in sys.modules, "the report is built without the bot's framework"
    return {"seconds": seconds, "peak_mb": peak_mb(), "before_mb": before}


def plain(source: Path) -> dict[str, float]:
    from openpyxl import Workbook, load_workbook

    book = load_workbook(source, read_only=True)
    sheets = [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book]
    book.close()
    before = rss_mb()
    start = time.perf_counter()
    out = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = out.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out.save(io.BytesIO())
    seconds = time.perf_counter() - start
    cells = sum(len(rows) for _, rows in sheets)
    return {"seconds": seconds, "peak_mb": peak_mb(), "before_mb": before, "rows": cells}


def child(*args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


async def prepare(folder: Path, participants: int, answers: int) -> tuple[Path, int]:
    from bench.big_project import default_now, fill
    from bot.config import Settings
    from bot.platform.database_file import open_database

    database = folder / "bench.sqlite3"
    db = await open_database(Settings(bot_token=TOKEN, database_path=database))
    await db.close()
    return database, fill(database, participants, answers, default_now())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        measured = (
            ours(Path(rest[0]), int(rest[1]), Path(rest[2]))
            if kind == "ours"
            else plain(Path(rest[0]))
        )
        print(json.dumps(measured))
        return
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        database, project_id = asyncio.run(prepare(folder, args.participants, args.answers))
        print(
            f"generated {args.participants:,} participants and {args.answers:,} answers "
            f"in {time.perf_counter() - started:.1f} s"
        )
        report = folder / "report.xlsx"
        mine = child("ours", str(database), str(project_id), str(report))
        baseline = child("plain", str(report))
    print(f"rows written: {int(baseline['rows']):,}, file {report.name}")
    print(
        f"ours:  {mine['seconds']:.2f} s, peak memory {mine['peak_mb']:.0f} MB "
        f"({mine['peak_mb'] - mine['before_mb']:.0f} MB above the process at start)"
    )
    print(f"plain openpyxl write-only, same cells: {baseline['seconds']:.2f} s")
    ratio = baseline["seconds"] / mine["seconds"]
    print(f"speed ratio plain/ours: {ratio:.2f} (goal >= 0.7)")
    print(f"peak memory: {mine['peak_mb']:.0f} MB (goal < 150 MB)")


if __name__ == "__main__":
    main()
