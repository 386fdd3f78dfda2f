"""The one sender for everything the bot sends in bulk: reminders, survey invitations,
coordinators' messages, notices of changes.

Jobs and deliveries live in the database (bot/platform/outbox_store.py), queued through
bot/notice_queue.py. `drain` sends what is due: paced by the Pacer every Bot API call shares
(bulk sends yield to replies and keep to their share of the rate), pausing every send on a 429
for the retry_after Telegram asks for, marking people who blocked the bot, retrying other
failures with backoff a bounded number of times, and holding non-urgent messages through quiet
hours.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)

from bot.clock import Clock
from bot.due_work import QuietHours, retry_delay
from bot.notices import NoticeKind
from bot.people import users
from bot.platform import outbox_store as store
from bot.platform.db import Database
from bot.platform.outbox_store import Delivery, JobProgress
from bot.platform.outgoing import OutgoingMessage, Part, RenderContext, Renderer, parts
from bot.platform.pacing import Pacer, Priority
from bot.platform.telegram_calls import outbox_call
from bot.texts import Texts

log = logging.getLogger(__name__)

BATCH = 200
WORKERS = 8
# A 429 storm that outlasts this many pauses for one message is left for a later run.
MAX_FLOOD_WAITS = 10


@dataclass(frozen=True)
class SenderSettings:
    max_attempts: int
    quiet: QuietHours


class Outbox:
    def __init__(
        self,
        db: Database,
        texts: Texts,
        clock: Clock,
        tz: ZoneInfo,
        settings: SenderSettings,
        renderers: Mapping[NoticeKind, Renderer],
        pacer: Pacer,
    ) -> None:
        self.db = db
        self.texts = texts
        self.clock = clock
        self.tz = tz
        self.settings = settings
        # Keyed by the text stored in outbox_jobs.kind.
        self.renderers: dict[str, Renderer] = {str(kind): r for kind, r in renderers.items()}
        self.pacer = pacer
        self._drain_lock = asyncio.Lock()
        self._stopping = False
        self._followers: list[Callable[[Bot], Awaitable[None]]] = []

    def after_each_batch(self, follower: Callable[[Bot], Awaitable[None]]) -> None:
        """Work that follows the sending, run after every batch: a coordinator's progress
        message is edited as deliveries are recorded."""
        self._followers.append(follower)

    async def progress(self, job_id: int) -> JobProgress:
        return await store.progress(self.db, job_id)

    async def drain(self, bot: Bot) -> None:
        """Send everything due now; returns when nothing due is left."""
        async with self._drain_lock:
            while not self._stopping and (
                batch := await store.due(self.db, self.clock.now(), BATCH)
            ):
                queue: asyncio.Queue[Delivery] = asyncio.Queue()
                for delivery in batch:
                    queue.put_nowait(delivery)
                await asyncio.gather(*(self._worker(bot, queue) for _ in range(WORKERS)))
                await self._follow(bot)

    async def _follow(self, bot: Bot) -> None:
        for follower in self._followers:
            try:
                await follower(bot)
            except Exception:  # a progress message that fails must not stop the sending
                log.exception("Following the sending failed")

    async def stop(self) -> None:
        """Take no new deliveries and wait for the ones being sent, so none is left 'sending'."""
        self._stopping = True
        async with self._drain_lock:
            pass

    async def _worker(self, bot: Bot, queue: asyncio.Queue[Delivery]) -> None:
        while not queue.empty() and not self._stopping:
            delivery = queue.get_nowait()
            try:
                await self._deliver(bot, delivery)
            except Exception as error:  # one bad message must not stop the run
                log.exception("Delivery %s failed unexpectedly", delivery.id)
                await store.finish(self.db, delivery.id, "failed", self.clock.now(), repr(error))

    async def _deliver(self, bot: Bot, delivery: Delivery) -> None:
        if await self._held_for_quiet_hours(delivery):
            return
        message = await self._render(delivery)
        if message is None:
            await store.finish(self.db, delivery.id, "skipped", self.clock.now())
            return
        attempt = _Attempt.of(message, delivery.parts_sent)
        for _ in range(MAX_FLOOD_WAITS):
            try:
                if not await self._send_parts(bot, delivery, attempt):
                    return
            except TelegramRetryAfter as error:
                # In flight only while a request is on the wire: pending again for the pause.
                await store.stop_sending(self.db, delivery.id)
                attempt.claimed = False
                self.pacer.pause(error.retry_after, delivery.user_id)
                continue
            except TelegramForbiddenError as error:
                await users.mark_unreachable(self.db, delivery.user_id, self.clock.now())
                await store.finish(self.db, delivery.id, "blocked", self.clock.now(), error.message)
            except TelegramBadRequest as error:
                # Retrying the same request would be refused the same way.
                await store.finish(self.db, delivery.id, "failed", self.clock.now(), error.message)
            except (TelegramAPIError, TelegramNetworkError, OSError) as error:
                await self._retry_later(delivery, str(error))
            else:
                await store.finish(self.db, delivery.id, "sent", self.clock.now())
            return
        # Telegram's flood control is not this message's fault: no attempt is used up.
        await store.postpone(
            self.db, delivery.id, self.clock.now(), count_attempt=False, error="flood control"
        )

    async def _held_for_quiet_hours(self, delivery: Delivery) -> bool:
        if delivery.job.urgent:
            return False
        now = self.clock.now()
        release = self.settings.quiet.release_time(now)
        limit = delivery.job.hold_limit
        if release > now and (limit is None or release < limit):
            await store.postpone(
                self.db, delivery.id, release, count_attempt=False, error="quiet hours"
            )
            return True
        return False

    async def _send_parts(self, bot: Bot, delivery: Delivery, attempt: _Attempt) -> bool:
        """False when the delivery was left for later: the bot is stopping, or another run
        took it."""
        while attempt.done < len(attempt.steps):
            # One slot per API call: a photo with its text is two messages. The slot also
            # waits out a 429 pause.
            await self.pacer.acquire(delivery.user_id, Priority.BULK)
            if not attempt.claimed:
                if self._stopping:
                    return False  # still pending: the next start sends it
                if not await store.start_sending(self.db, delivery.id):
                    return False
                attempt.claimed = True
            with outbox_call():
                await attempt.steps[attempt.done](bot, delivery.user_id)
            attempt.done += 1
            if attempt.done < len(attempt.steps):
                await store.part_sent(self.db, delivery.id, attempt.done)
        return True

    async def _render(self, delivery: Delivery) -> OutgoingMessage | None:
        renderer = self.renderers.get(delivery.job.kind)
        person = await users.get(self.db, delivery.user_id)
        if renderer is None or person is None or person.deleted_at is not None:
            return None
        context = RenderContext(
            db=self.db,
            user=person,
            t=self.texts.of(person.language),
            tz=self.tz,
            now=self.clock.now(),
            payload=delivery.job.payload,
        )
        return await renderer(context)

    async def _retry_later(self, delivery: Delivery, error: str) -> None:
        attempts = delivery.attempts + 1
        if attempts >= self.settings.max_attempts:
            await store.finish(self.db, delivery.id, "failed", self.clock.now(), error)
            return
        await store.postpone(
            self.db,
            delivery.id,
            self.clock.now() + retry_delay(attempts),
            count_attempt=True,
            error=error,
        )


@dataclass
class _Attempt:
    """The API calls of one delivery, how many went out, and whether this run holds it."""

    steps: list[Part]
    done: int
    claimed: bool = False

    @classmethod
    def of(cls, message: OutgoingMessage, parts_sent: int) -> _Attempt:
        # Parts already delivered, also by an earlier attempt: a failure on the text must
        # not resend the photo.
        steps = parts(message)
        if 0 < len(steps) <= parts_sent:
            # Rendered again, the text now fits the caption: the media went out, the text not.
            return cls(parts(replace(message, photo=None, document=None)), 0)
        return cls(steps, parts_sent)
