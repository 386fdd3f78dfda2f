"""The progress boards of coordinators' messages, kept in their outbox job's payload (the
job is the message: the board lives and ends with it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.broadcasts.model import Board
from bot.clock import from_db, to_db
from bot.notices import NoticeKind
from bot.platform.db import Database

BOARD = "board"  # the payload's key


@dataclass(frozen=True)
class OpenBoard:
    job_id: int
    event_id: int
    board: Board
    shown: str | None  # the counts it shows now
    shown_at: datetime | None


def board_payload(board: Board, shown: str, now: datetime, *, done: bool) -> dict[str, object]:
    return {
        "chat_id": board.chat_id,
        "message_id": board.message_id,
        "language": board.language,
        "shown": shown,
        "at": to_db(now),
        "done": done,
    }


async def open_boards(db: Database) -> list[OpenBoard]:
    """Boards whose message has not shown the end of its delivery yet."""
    rows = await db.fetch_all(
        "SELECT id, payload FROM outbox_jobs WHERE kind = ? "
        "AND json_extract(payload, '$.board.done') = 0",
        (NoticeKind.COORDINATOR_MESSAGE.value,),
    )
    boards = []
    for row in rows:
        payload = json.loads(row["payload"])
        board = payload[BOARD]
        boards.append(
            OpenBoard(
                job_id=row["id"],
                event_id=int(payload["event_id"]),
                board=Board(int(board["chat_id"]), int(board["message_id"]), board["language"]),
                shown=board.get("shown"),
                shown_at=from_db(board["at"]) if board.get("at") else None,
            )
        )
    return boards


async def board_shown(
    conn: aiosqlite.Connection, job_id: int, shown: str, now: datetime, *, done: bool
) -> None:
    await conn.execute(
        "UPDATE outbox_jobs SET payload = json_set(payload, '$.board.shown', ?, "
        "'$.board.at', ?, '$.board.done', json(?)) WHERE id = ?",
        (shown, to_db(now), json.dumps(done), job_id),
    )
