"""`python -m bot export attendance|project ...`: the coordinator's workbooks for back-office
scripts, built exactly as the panel builds them (without loading aiogram: a lighter process)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.events.store import get_event
from bot.platform.db import open_migrated
from bot.reference import load_reference
from bot.reports.attendance import attendance_report
from bot.reports.project import ProjectNotFoundError, ReportContext
from bot.reports.runner import build_project_report
from bot.texts import plain_texts
from surveys.templates import load_templates


def export(settings: Settings, kind: str, object_id: int, language: str, output: Path) -> int:
    """Exit code: 0 written, 1 nothing to export or the file could not be written."""
    data = asyncio.run(_build(settings, kind, object_id, language))
    if data is None:
        return 1
    try:
        output.write_bytes(data)
    except OSError as exc:
        print(f"{output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"Written {output} ({len(data):,} bytes).")
    return 0


async def _build(settings: Settings, kind: str, object_id: int, language: str) -> bytes | None:
    db, _ = await open_migrated(settings.database_path)
    try:
        text = plain_texts(language)
        reference = load_reference(settings.categories_file, settings.districts_file)
        if kind == "attendance":
            event = await get_event(db, object_id)
            if event is None:
                print(f"No event with id {object_id}.", file=sys.stderr)
                return None
            _, data = await attendance_report(db, event, text, language, reference, settings.tz)
        else:
            ctx = ReportContext(
                text, language, reference, load_templates(), settings.tz, SystemClock().now()
            )
            try:
                report = await asyncio.to_thread(
                    build_project_report, settings.database_path, object_id, ctx
                )
            except ProjectNotFoundError:
                print(f"No project with id {object_id}.", file=sys.stderr)
                return None
            data = report.data
    finally:
        await db.close()
    return data
