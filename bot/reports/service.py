"""The coordinator's figures and workbooks: /stats, its charts, the attendance sheet and the
project report. Only reads; the heavy ones run in worker threads on a snapshot of the
database, so the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import threading
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.events.model import Event
from bot.platform.db import Database
from bot.reference import Reference
from bot.reports.attendance import attendance_report
from bot.reports.plan_fact import PlanAgainstFact, read_plan_against_fact
from bot.reports.project import ReportContext, Text
from bot.reports.runner import ProjectReport, build_project_report
from bot.reports.stats_chart import draw_project_chart
from bot.reports.stats_queries import ProjectStats, project_stats


class ReportService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def project_stats(self, project_id: int) -> ProjectStats:
        return await project_stats(self.db, project_id, self.clock.now())

    async def plan_against_fact(self, project_id: int) -> PlanAgainstFact:
        """Planned events per format and reach next to what was held."""
        return await asyncio.to_thread(
            read_plan_against_fact, self.db.path, project_id, self.clock.now()
        )

    async def chart(self, project_id: int, ctx: ReportContext) -> bytes | None:
        """The PNG of reach and ratings by district; None when nobody has attended yet."""
        return await asyncio.to_thread(draw_project_chart, self.db.path, project_id, ctx)

    async def attendance_sheet(
        self, event: Event, text: Text, language: str, reference: Reference, tz: ZoneInfo
    ) -> tuple[str, bytes]:
        """The file name and the workbook."""
        return await attendance_report(self.db, event, text, language, reference, tz)

    def project_report(
        self, project_id: int, ctx: ReportContext, stop: threading.Event | None = None
    ) -> ProjectReport:
        """Blocking: for the report runner's worker thread (bot/reports/runner.py)."""
        return build_project_report(self.db.path, project_id, ctx, stop)
