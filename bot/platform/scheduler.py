"""The one scheduler. APScheduler only wakes us up; what is due is read from the database,
so a restart rebuilds the schedule and missed work is caught up at start-up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.due_work import next_reminder_at, reminder_due, reminder_key
from bot.events import store as events_store
from bot.notice_queue import NoticeQueue
from bot.notices import NoticeKind
from bot.platform import instance_lock
from bot.platform import outbox_store as outbox_store
from bot.platform.db import Database
from bot.platform.outbox import Outbox
from bot.registration import store as registrations
from bot.registration import store as registrations_store
from bot.registration.service import RegistrationService
from surveys import flow as survey_flow
from surveys import store as survey_store

log = logging.getLogger(__name__)

# Reminders are planned for events starting within this horizon (longer than any reminder).
HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class SchedulerSettings:
    tick: timedelta  # a safety net: wake-ups are normally set to the next due moment


class Scheduler:
    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        queue: NoticeQueue,
        clock: Clock,
        settings: SchedulerSettings,
        registration: RegistrationService,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.settings = settings
        self.registration = registration
        self.queue = queue
        queue.on_wake(self.poke)
        self._bot: Bot | None = None
        self._aps: AsyncIOScheduler | None = None
        self._running = False
        self._again = False
        self._stopping = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._every_tick: list[Callable[[], Awaitable[None]]] = []
        # The wake-up asked for and not run yet, and how late the last one ran
        # (/metrics: a loop too busy to keep time shows here first).
        self._due_since: datetime | None = None
        self.lag = timedelta(0)

    def every_tick(self, job: Callable[[], Awaitable[None]]) -> None:
        """Work of its own, checked at start and then at every tick (the daily backup)."""
        self._every_tick.append(job)

    async def start(self, bot: Bot) -> None:
        """Take the database's scheduler lock (InstanceLockError if another process holds it),
        then run what is due at once and keep waking up for the rest."""
        await instance_lock.acquire(self.db, self.clock.now())
        interrupted = await outbox_store.recover_interrupted(self.db)
        if interrupted:
            log.warning(
                "%s deliveries were cut short by a crash and go out again "
                "(a person may get one of them twice)",
                interrupted,
            )
        self._bot = bot
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._aps.add_job(
            self.run_due,
            "interval",
            seconds=self.settings.tick.total_seconds(),
            id="tick",
            max_instances=3,
            coalesce=True,
        )
        for number, job in enumerate(self._every_tick):
            self._aps.add_job(
                job,
                "interval",
                seconds=self.settings.tick.total_seconds(),
                id=f"every-tick-{number}",
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        self._aps.start()
        self.poke()

    async def stop(self) -> None:
        # The sender first, then the run it belongs to: a run still going when the loop closes
        # is cancelled mid-query, and a send cut short between the Telegram call and
        # recording it would go out twice.
        self._stopping = True
        await self.outbox.stop()
        await self._idle.wait()
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        await instance_lock.release(self.db)

    def poke(self, at: datetime | None = None) -> None:
        """Run due work at `at` (now by default): after a submit, or for the next due moment."""
        # Replaced like the job itself: the wake-up that will come is the one set last.
        self._due_since = at or self.clock.now()
        if self._aps is None:
            return
        self._aps.add_job(
            self.run_due,
            "date",
            # APScheduler wakes on wall time, not on our Clock (the demo's runs ahead): the
            # same distance from now, on the wall. The one real now() here.
            run_date=datetime.now(UTC) + (at - self.clock.now() if at else timedelta(0)),
            id="wake",
            replace_existing=True,
            max_instances=3,
            misfire_grace_time=None,
        )

    async def run_due(self, bot: Bot | None = None) -> None:
        """Do what is due. A wake-up that comes while a run is going makes that run go round
        once more instead of being dropped."""
        bot = bot or self._bot
        assert bot is not None, "start() first, or pass the bot"
        if self._stopping:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._idle.clear()
        self._note_lag()
        try:
            self._again = True
            while self._again and not self._stopping:
                self._again = False
                await self._run_once(bot)
        finally:
            self._running = False
            self._idle.set()

    def _note_lag(self) -> None:
        now = self.clock.now()
        if self._due_since is not None and self._due_since <= now:
            self.lag = now - self._due_since
            self._due_since = None

    async def _run_once(self, bot: Bot) -> None:
        now = self.clock.now()
        await instance_lock.heartbeat(self.db, now)
        await self.plan(now)
        await self.plan_surveys(now)
        await self.registration.expire_offers()
        await self.outbox.drain(bot)
        if self._stopping:
            return
        wake = await self.next_wake(self.clock.now())
        if wake is not None:
            self.poke(wake)

    async def plan(self, now: datetime) -> None:
        """Queue the reminders that are due; the job key makes this idempotent."""
        for event in await events_store.upcoming_published(self.db, now, HORIZON):
            minutes = reminder_due(event, now)
            if minutes is None:
                continue
            key = reminder_key(event, minutes)
            if await outbox_store.job_exists(self.db, key):
                continue
            recipients = await registrations_store.confirmed_recipients(self.db, event.id)
            # Quiet hours hold a reminder till morning, unless the event starts before then.
            urgent = self.queue.quiet.release_time(now) >= event.starts_at
            await self.queue.submit(
                NoticeKind.REMINDER,
                {
                    "event_id": event.id,
                    "minutes": minutes,
                    "starts_at": event.starts_at.isoformat(),
                },
                recipients,
                urgent=urgent,
                dedupe_key=key,
                hold_limit=event.starts_at,
            )

    async def plan_surveys(self, now: datetime) -> None:
        """The invitation after the event, then one nudge to those who have not answered."""
        for event in await events_store.recently_ended_with_survey(self.db, now):
            if not survey_flow.is_open(event, now) or now < survey_flow.opens_at(event):
                continue
            invited_key = f"survey_invitation:{event.id}"
            payload = {"event_id": event.id}
            if not await outbox_store.job_exists(self.db, invited_key):
                await self.queue.submit(
                    NoticeKind.SURVEY_INVITATION,
                    payload,
                    await registrations_store.survey_audience(self.db, event.id),
                    dedupe_key=invited_key,
                )
                continue
            nudge_at = survey_flow.opens_at(event) + timedelta(minutes=event.survey_nudge_minutes)
            nudge_key = f"survey_nudge:{event.id}"
            if now >= nudge_at and not await outbox_store.job_exists(self.db, nudge_key):
                answered = await survey_store.respondent_ids(self.db, event.id)
                people = [
                    user_id
                    for user_id in await registrations_store.survey_audience(self.db, event.id)
                    if user_id not in answered
                ]
                await self.queue.submit(
                    NoticeKind.SURVEY_NUDGE, payload, people, dedupe_key=nudge_key
                )

    async def next_wake(self, now: datetime) -> datetime | None:
        moments = [
            moment
            for event in await events_store.upcoming_published(self.db, now, HORIZON)
            if (moment := next_reminder_at(event, now)) is not None
        ]
        moments += [
            moment
            for moment in (
                await registrations.next_offer_expiry(self.db),
                await outbox_store.next_due(self.db),
            )
            if moment is not None
        ]
        return max(min(moments), now) if moments else None
