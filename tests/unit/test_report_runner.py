"""Reports are built in worker threads; on shutdown a report being built still reaches its
coordinator within the grace period, and one that would take longer is dropped."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from bot.reports.runner import ReportRunner


def gated(gate: threading.Event, value: int) -> Callable[[], int]:
    def build() -> int:
        assert gate.wait(5), "the test never opened the gate"
        return value

    return build


async def test_close_waits_for_a_report_in_progress() -> None:
    runner = ReportRunner()
    gate = threading.Event()
    delivered: list[int] = []

    async def deliver(value: int) -> None:
        delivered.append(value)

    async def fail(exc: BaseException) -> None:
        raise AssertionError(exc)

    assert runner.start("report", gated(gate, 42), deliver, fail)
    assert not runner.start("report", gated(gate, 43), deliver, fail), "one build per key"
    closing = asyncio.create_task(runner.close(grace=5))
    await asyncio.sleep(0)
    assert not closing.done(), "close waits while the report is still being built"
    gate.set()
    await closing
    assert delivered == [42]


async def test_close_drops_what_outlasts_the_grace_period() -> None:
    runner = ReportRunner()
    gate = threading.Event()
    finished = threading.Event()
    delivered: list[int] = []

    async def deliver(value: int) -> None:
        delivered.append(value)

    async def fail(exc: BaseException) -> None:
        raise AssertionError(exc)

    def build() -> int:
        value = gated(gate, 42)()
        finished.set()
        return value

    runner.start("report", build, deliver, fail)
    await runner.close(grace=0)
    gate.set()
    assert await asyncio.to_thread(finished.wait, 5), "the worker itself ran to its end"
    # Had the job not been cancelled, the delivery would follow the worker right away.
    for _ in range(20):
        await asyncio.sleep(0)
    assert delivered == []


async def test_close_tells_builds_still_running_to_stop() -> None:
    runner = ReportRunner()
    seen = threading.Event()

    async def ignore(_: object) -> None:
        return None

    def build() -> bool:
        seen.set()
        return runner.stopping.wait(5)

    runner.start("report", build, ignore, ignore)
    assert await asyncio.to_thread(seen.wait, 5)
    assert not runner.stopping.is_set()
    await runner.close(grace=0)
    assert runner.stopping.is_set(), "the worker's build is told to give up"
