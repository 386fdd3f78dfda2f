"""Where workbooks are built: worker threads, never the event loop.

At most `workers` builds run at once (each holds a workbook being written), and one build per
key at a time, so a coordinator's double tap on Export does not build the same report twice.
A build is a request, not scheduled work: one cut short by a restart is simply asked again.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.reports.files import file_name
from bot.reports.project import ReportContext, ReportSummary, write_project_report
from bot.reports.snapshot import open_snapshot

T = TypeVar("T")
log = logging.getLogger(__name__)


class ReportRunner:
    def __init__(self, workers: int = 2) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="report")
        self._jobs: dict[Hashable, asyncio.Task[None]] = {}
        # Set on close: builds still running in a worker stop at their next row instead of
        # keeping the process alive until they finish.
        self.stopping = threading.Event()

    def start(
        self,
        key: Hashable,
        build: Callable[[], T],
        deliver: Callable[[T], Awaitable[None]],
        fail: Callable[[BaseException], Awaitable[None]],
    ) -> bool:
        """Build in a worker thread, then deliver on the loop; the caller's handler returns at
        once, so the coordinator keeps using the bot meanwhile. False if already building."""
        if key in self._jobs:
            return False

        async def job() -> None:
            try:
                result = await asyncio.get_running_loop().run_in_executor(self._executor, build)
            except Exception as exc:
                log.exception("Building report %s failed", key)
                await _logged(fail(exc), key)
            else:
                await _logged(deliver(result), key)

        task = asyncio.create_task(job(), name=f"report-{key}")
        self._jobs[key] = task
        task.add_done_callback(lambda _: self._jobs.pop(key, None))
        return True

    async def idle(self) -> None:
        """Wait until every build started so far has been delivered."""
        while self._jobs:
            await asyncio.gather(*self._jobs.values(), return_exceptions=True)

    async def close(self, grace: float = 0.0) -> None:
        """Give reports being built `grace` seconds to reach their coordinators, then stop."""
        if self._jobs:
            _, late = await asyncio.wait(list(self._jobs.values()), timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self.stopping.set()
        self._executor.shutdown(wait=False, cancel_futures=True)


async def _logged(step: Awaitable[None], key: Hashable) -> None:
    """Sending the file or the apology can fail too (the network, a blocked chat): logged,
    since nobody awaits a report's task."""
    try:
        await step
    except Exception:
        log.exception("Sending report %s failed", key)


@dataclass(frozen=True)
class ProjectReport:
    file_name: str
    data: bytes
    summary: ReportSummary


def build_project_report(
    db_path: Path, project_id: int, ctx: ReportContext, stop: threading.Event | None = None
) -> ProjectReport:
    """Blocking: reads a snapshot of the database and writes the workbook in memory."""
    conn = open_snapshot(db_path)
    try:
        buffer = io.BytesIO()
        summary = write_project_report(conn, project_id, ctx, buffer, stop)
    finally:
        conn.close()
    day = f"{ctx.now.astimezone(ctx.tz):%Y-%m-%d}"
    name = file_name(ctx.text("rep.file_project"), summary.title, day)
    return ProjectReport(name, buffer.getvalue(), summary)
