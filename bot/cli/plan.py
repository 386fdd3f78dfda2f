"""`python -m bot events import PLAN.xlsx --project ID`: load an event plan without the bot."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.events.plan import PlanError, RowError, read_plan
from bot.events.service import COMMAND_LINE
from bot.events.store import get_project
from bot.platform.database_file import open_database
from bot.reference import load_reference
from bot.services import build_services
from bot.texts import plain_texts


def describe(errors: list[RowError], language: str = "ru") -> str:
    """Every problem in the words the panel uses (handlers/admin/plan_upload.py): the
    column as the sheet names it and the reason, not internal names."""
    text = plain_texts(language)
    lines = [text("imp.failed")]
    lines += [
        text(
            "imp.error_line",
            row=error.row,
            column=text(f"imp.column.{error.column}") if error.column else "—",
            reason=text(f"imp.error.{error.reason}"),
        )
        for error in errors
    ]
    return "\n".join(lines)


def import_plan_file(settings: Settings, path: Path, project_id: int) -> int:
    """Exit code: 0 imported, 1 nothing imported (every problem printed, one per line)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 1
    return asyncio.run(import_plan(settings, data, project_id))


async def import_plan(settings: Settings, data: bytes, project_id: int) -> int:
    db = await open_database(settings)
    try:
        if await get_project(db, project_id) is None:
            print(f"No project with id {project_id}.", file=sys.stderr)
            return 1
        reference = load_reference(settings.categories_file, settings.districts_file)
        clock = SystemClock()
        try:
            plan = read_plan(data, project_id, settings.tz, reference, clock.now())
        except PlanError as error:
            print(describe(error.errors), file=sys.stderr)
            return 1
        events = build_services(settings, db, clock).events
        count = await events.import_plan(project_id, plan, COMMAND_LINE)
        print(f"Imported {count} events as drafts into project {project_id}.")
        return 0
    finally:
        await db.close()
