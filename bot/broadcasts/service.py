"""A coordinator's message to the people of an event. Sending reads the audience, queues the
delivery job and writes the audit row in one transaction: someone who registers meanwhile is
either in the job or not counted, and there is no job without its audit row or the other way
round."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

from bot import audit
from bot.broadcasts.model import Audience, Content
from bot.clock import Clock
from bot.events import store as events
from bot.notices import NoticeKind, Notices
from bot.platform.db import Database
from bot.platform.outbox_store import JobProgress
from bot.registration import store as registrations


class Deliveries(Notices, Protocol):
    """The notice queue, also asked how far a job has got (bot/notice_queue.py)."""

    async def progress(self, job_id: int) -> JobProgress: ...


@dataclass(frozen=True)
class Sent:
    job_id: int
    recipients: int


class BroadcastService:
    def __init__(self, db: Database, notices: Deliveries, clock: Clock) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock

    async def audience_size(self, event_id: int, audience: Audience) -> int:
        return len(await registrations.audience(self.db, event_id, audience))

    async def send(
        self, event_id: int, audience: Audience, content: Content, actor: int
    ) -> Sent | None:
        """Queued to everyone in the audience the bot can reach; None when the event is gone."""
        now = self.clock.now()
        async with self.db.write() as conn:
            if await events.event_in(conn, event_id) is None:
                return None
            people = await registrations.audience_in(conn, event_id, audience)
            # The renderer reads the event and the content from the payload.
            payload = {"event_id": event_id, "group": audience.value, **asdict(content)}
            job = await self.notices.submit(
                NoticeKind.COORDINATOR_MESSAGE,
                payload,
                people,
                urgent=True,
                created_by=actor,
                conn=conn,
            )
            await audit.record(
                conn,
                actor,
                "message.send",
                f"event:{event_id}",
                {"job": job, "recipients": len(people)},
                now,
            )
        self.notices.wake()
        return Sent(job, len(people))

    async def progress(self, job_id: int) -> JobProgress:
        return await self.notices.progress(job_id)
