"""What an operator's monitoring asks the running bot: GET /healthz and GET /metrics.

/healthz answers 200 when the database answers and updates are arriving (polling: a
getUpdates completed lately; webhook: the webhook was set at start and the server is up),
503 otherwise, with a JSON body saying which part failed. /metrics is the Prometheus text
format: updates by type and outcome, handler errors, copies of updates skipped, the outbox
(deliveries per final state, how many are due, how long the oldest has waited), Telegram's
429s, the scheduler's lag and the last daily backup. The counters live in the process; the
outbox figures are read from the database at each scrape, so they survive restarts.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from bot.clock import Clock, from_db, to_db
from bot.platform.backup import DailyBackup
from bot.platform.db import Database
from bot.platform.middlewares import Handler
from bot.platform.pacing import Pacer
from bot.platform.scheduler import Scheduler
from bot.platform.updates import HandledOnce

# A long poll lasts 10 s (aiogram's polling_timeout); none completed for this long means
# the bot is cut off from Telegram or stuck.
POLL_STALE = 60.0
# A database that takes longer than this for SELECT 1 is not answering.
DATABASE_TIMEOUT = 2.0
# Deliveries that are over, as outbox_store writes them; 'unknown' (left by old versions)
# counts as failed, as in JobProgress.
FINAL_STATES = {
    "sent": "sent",
    "failed": "failed",
    "unknown": "failed",
    "blocked": "blocked",
    "skipped": "skipped",
}


class Liveness:
    """Whether updates reach the bot; `now` is monotonic seconds."""

    def __init__(self, mode: Literal["polling", "webhook"], now: Callable[[], float]) -> None:
        self.mode = mode
        self._now = now
        self.polled_at: float | None = None
        self.webhook_set = False

    def polled(self) -> None:
        self.polled_at = self._now()

    def report(self) -> tuple[bool, dict[str, object]]:
        if self.mode == "webhook":
            return self.webhook_set, {"webhook": "set" if self.webhook_set else "not set"}
        if self.polled_at is None:
            return False, {"polling": "not yet"}
        ago = self._now() - self.polled_at
        fresh = ago < POLL_STALE
        return fresh, {"polling": "ok" if fresh else "stalled", "last_poll_seconds_ago": ago}


class PollWatch(BaseRequestMiddleware):
    """Notes every getUpdates that came back: polling is alive."""

    def __init__(self, liveness: Liveness) -> None:
        self.liveness = liveness

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self.liveness.polled()
        return response


@dataclass
class _OutboxReading:
    by_state: dict[str, int]
    due: int
    oldest_due_age: float


class Metrics:
    """The process's counters and the figures read at each scrape, in a registry of its own
    (no module-level state: the tests build an app each)."""

    def __init__(self, pacer: Pacer, scheduler: Scheduler, handled_once: HandledOnce) -> None:
        self.pacer = pacer
        self.scheduler = scheduler
        self.handled_once = handled_once
        self.daily_backup: DailyBackup | None = None
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "civic_updates",
            "Updates from Telegram handled, by type and outcome",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.handler_errors = Counter(
            "civic_handler_errors",
            "Updates whose handling raised an error, by type",
            ["type"],
            registry=self.registry,
        )
        self.outbox = _OutboxReading({}, 0, 0.0)
        self.registry.register(_Readings(self))

    async def read(self, db: Database, now: datetime) -> None:
        """The database's figures, right before they are shown. A COUNT over every delivery
        ever queued: milliseconds for the tens of thousands an NGO sends in a year."""
        rows = await db.fetch_all(
            "SELECT state, COUNT(*) AS n FROM outbox_deliveries GROUP BY state"
        )
        due = await db.fetch_one(
            "SELECT COUNT(*) AS n, MIN(not_before) AS oldest FROM outbox_deliveries "
            "WHERE state = 'pending' AND not_before <= ?",
            (to_db(now),),
        )
        by_state = dict.fromkeys(FINAL_STATES.values(), 0)
        for row in rows:
            if row["state"] in FINAL_STATES:
                by_state[FINAL_STATES[row["state"]]] += row["n"]
        oldest = due["oldest"] if due is not None else None
        age = (now - from_db(oldest)).total_seconds() if oldest else 0.0
        self.outbox = _OutboxReading(by_state, due["n"] if due is not None else 0, age)

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The body and its content type, in the format the scraper asks for (Prometheus's
        text format unless it asks for OpenMetrics)."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


class _Readings(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        repeated = CounterMetricFamily(
            "civic_updates_repeated",
            "Copies of updates already handled (Telegram sent them again), skipped",
            value=m.handled_once.repeats,
        )
        deliveries = CounterMetricFamily(
            "civic_outbox_deliveries",
            "Outbox deliveries that are over, by how (since the database began)",
            labels=["state"],
        )
        for state, count in sorted(m.outbox.by_state.items()):
            deliveries.add_metric([state], count)
        yield from (repeated, deliveries)
        yield GaugeMetricFamily(
            "civic_outbox_due", "Outbox deliveries due now and not sent yet", value=m.outbox.due
        )
        yield GaugeMetricFamily(
            "civic_outbox_oldest_due_age_seconds",
            "How long the oldest delivery due has waited (0 when none is due)",
            value=m.outbox.oldest_due_age,
        )
        yield CounterMetricFamily(
            "civic_telegram_429",
            "429 Too Many Requests answers from Telegram",
            value=m.pacer.flood_waits,
        )
        yield GaugeMetricFamily(
            "civic_scheduler_lag_seconds",
            "How late the scheduler's last wake-up ran after the moment it was set for",
            value=m.scheduler.lag.total_seconds(),
        )
        if m.daily_backup is not None and m.daily_backup.last_made is not None:
            yield GaugeMetricFamily(
                "civic_backup_last_success_timestamp_seconds",
                "When the last daily backup was written (Unix time)",
                value=m.daily_backup.last_made.timestamp(),
            )


class CountUpdates(BaseMiddleware):
    """Outer update middleware, inside HandledOnce: every update handled, by type and how it
    ended (a copy skipped is HandledOnce's count)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        try:
            kind = event.event_type
        except UpdateTypeLookupError:
            kind = "unknown"  # a type newer than aiogram; the Dispatcher skips it
        try:
            result = await handler(event, data)
        except Exception:
            self.metrics.handler_errors.labels(kind).inc()
            self.metrics.updates.labels(kind, "failed").inc()
            raise
        self.metrics.updates.labels(kind, "unhandled" if result is UNHANDLED else "handled").inc()
        return result


@dataclass
class Probes:
    db: Database
    clock: Clock
    liveness: Liveness
    metrics: Metrics


def add_health_routes(web_app: web.Application, probes: Probes) -> None:
    async def healthz(request: web.Request) -> web.Response:
        database = await _database_answers(probes.db)
        alive, detail = probes.liveness.report()
        healthy = database == "ok" and alive
        body = {"status": "ok" if healthy else "unhealthy", "database": database, **detail}
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics(request: web.Request) -> web.Response:
        await probes.metrics.read(probes.db, probes.clock.now())
        body, content_type = probes.metrics.exposition(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)


async def _database_answers(db: Database) -> str:
    try:
        await asyncio.wait_for(db.fetch_value("SELECT 1"), DATABASE_TIMEOUT)
    except TimeoutError:
        return f"no answer within {DATABASE_TIMEOUT:.0f} s"
    except (sqlite3.Error, ValueError) as error:  # aiosqlite: ValueError once closed
        return f"error: {error}"
    return "ok"


@asynccontextmanager
async def serving(web_app: web.Application, host: str, port: int) -> AsyncIterator[None]:
    """The aiohttp application listening on host:port for the time of the block; its
    startup and shutdown signals run on the way in and out."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield
    finally:
        await runner.cleanup()
