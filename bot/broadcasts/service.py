"""A coordinator's message to the people of an event. Sending reads the audience, queues the
delivery job and writes the audit row in one transaction: someone who registers meanwhile is
either in the job or not counted, and there is no job without its audit row or the other way
round."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol

from bot import audit
from bot.broadcasts import store as boards
from bot.broadcasts.model import Audience, Board, Content
from bot.clock import Clock
from bot.due_work import board_edit_due
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


@dataclass(frozen=True)
class BoardDue:
    """A progress board to edit now: it shows other counts than these."""

    job_id: int
    event_id: int
    board: Board
    progress: JobProgress


def _counts(progress: JobProgress) -> str:
    """What a board shows, as one comparable value."""
    return json.dumps(asdict(progress), sort_keys=True)


class BroadcastService:
    def __init__(self, db: Database, notices: Deliveries, clock: Clock) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock

    async def audience_size(self, event_id: int, audience: Audience) -> int:
        return len(await registrations.audience(self.db, event_id, audience))

    async def send(
        self,
        event_id: int,
        audience: Audience,
        content: Content,
        actor: int,
        board: Board | None = None,
    ) -> Sent | None:
        """Queued to everyone in the audience the bot can reach; None when the event is gone.
        `board`, the message that shows the progress, starts as all queued."""
        now = self.clock.now()
        async with self.db.write() as conn:
            if await events.event_in(conn, event_id) is None:
                return None
            people = await registrations.audience_in(conn, event_id, audience)
            # The renderer reads the event and the content from the payload.
            payload: dict[str, object] = {
                "event_id": event_id,
                "group": audience.value,
                **asdict(content),
            }
            if board is not None:
                reach = len(set(people))
                queued = JobProgress(reach, 0, 0, 0, 0, reach)
                payload[boards.BOARD] = boards.board_payload(
                    board, _counts(queued), now, done=queued.done
                )
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

    async def boards_due(self) -> list[BoardDue]:
        """The progress boards that show older counts and are due an edit now."""
        now = self.clock.now()
        due = []
        for shown in await boards.open_boards(self.db):
            progress = await self.notices.progress(shown.job_id)
            if board_edit_due(shown.shown, _counts(progress), shown.shown_at, now, progress.done):
                due.append(BoardDue(shown.job_id, shown.event_id, shown.board, progress))
        return due

    async def board_shown(self, due: BoardDue) -> None:
        """The board now shows `due.progress`; once that is the end, it is left alone."""
        async with self.db.write() as conn:
            await boards.board_shown(
                conn, due.job_id, _counts(due.progress), self.clock.now(), done=due.progress.done
            )
