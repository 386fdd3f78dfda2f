"""Survey responses and answers, SQL only: a function taking `conn` runs inside the caller's
write (surveys/service.py), one taking `db` reads for a screen, a report or the scheduler.
Each answer is saved as it is given."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime

import aiosqlite

from bot.clock import to_db
from bot.platform.db import Database
from surveys.flow import Answer, QuestionSummary


async def start_response(
    conn: aiosqlite.Connection,
    event_id: int,
    template: str,
    user_id: int | None,
    district: str | None,
    category: str | None,
    now: datetime,
) -> int:
    started = _day(now) if user_id is None else to_db(now)
    cursor = await conn.execute(
        "INSERT INTO survey_responses (event_id, template, user_id, district, category, "
        "started_at) VALUES (?, ?, ?, ?, ?, ?)",
        (event_id, template, user_id, district, category, started),
    )
    return int(cursor.lastrowid or 0)


async def checkin_snapshot(
    conn: aiosqlite.Connection, event_id: int, user_id: int
) -> tuple[str | None, str | None] | None:
    """The district and category kept at the person's check-in to the event, where reach
    counts them; None when they did not check in."""
    async with conn.execute(
        "SELECT district_at, category_at FROM checkins WHERE event_id = ? AND user_id = ?",
        (event_id, user_id),
    ) as cursor:
        row = await cursor.fetchone()
    return None if row is None else (row[0], row[1])


async def save_answer(
    conn: aiosqlite.Connection, response_id: int, question_id: str, answer: Answer
) -> None:
    await conn.execute(
        "INSERT INTO survey_answers (response_id, question_id, value_number, value_text, "
        "value_choices) VALUES (?, ?, ?, ?, ?) ON CONFLICT (response_id, question_id) DO UPDATE "
        "SET value_number = excluded.value_number, value_text = excluded.value_text, "
        "value_choices = excluded.value_choices",
        (
            response_id,
            question_id,
            answer.number,
            answer.text,
            json.dumps(list(answer.choices)) if answer.choices else None,
        ),
    )


async def answers_in(conn: aiosqlite.Connection, response_id: int) -> dict[str, Answer]:
    async with conn.execute(
        "SELECT question_id, value_number, value_text, value_choices FROM survey_answers "
        "WHERE response_id = ?",
        (response_id,),
    ) as cursor:
        rows = await cursor.fetchall()
    return {
        row["question_id"]: Answer(
            row["value_number"],
            row["value_text"],
            tuple(json.loads(row["value_choices"])) if row["value_choices"] else (),
        )
        for row in rows
    }


async def forget_answer(conn: aiosqlite.Connection, response_id: int, question_id: str) -> None:
    await conn.execute(
        "DELETE FROM survey_answers WHERE response_id = ? AND question_id = ?",
        (response_id, question_id),
    )


async def complete(
    conn: aiosqlite.Connection,
    response_id: int,
    event_id: int,
    user_id: int,
    now: datetime,
    *,
    anonymous: bool,
) -> bool:
    """False if this person had already completed the survey (a duplicate submission).

    Participation keeps only the day, and so does an anonymous response: matching times
    would otherwise tell whose answers they are."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO survey_participation (event_id, user_id, completed_on) "
        "VALUES (?, ?, ?)",
        (event_id, user_id, f"{now:%Y-%m-%d}"),
    )
    if cursor.rowcount == 0:
        return False
    await conn.execute(
        "UPDATE survey_responses SET completed_at = ? WHERE id = ?",
        (_day(now) if anonymous else to_db(now), response_id),
    )
    return True


async def erase_written(conn: aiosqlite.Connection, user_id: int, linked: Collection[int]) -> None:
    """/delete_me, inside the erasure's transaction: what the person typed goes, the numbers
    and choices reports count stay. `linked` are the questionnaires their form state points
    at: an anonymous one is theirs only through that link. An unfinished questionnaire counts
    nowhere and goes whole."""
    marks = ",".join("?" * len(linked))
    mine = f"SELECT id FROM survey_responses WHERE user_id = ? OR id IN ({marks})"
    params = (user_id, *linked)
    await conn.execute(
        f"DELETE FROM survey_responses WHERE completed_at IS NULL AND id IN ({mine})", params
    )
    # A typed answer is nothing but its text; the "other" text of a choice leaves the choice.
    await conn.execute(
        "DELETE FROM survey_answers WHERE value_number IS NULL AND value_choices IS NULL "
        f"AND response_id IN ({mine})",
        params,
    )
    await conn.execute(
        "UPDATE survey_answers SET value_text = NULL "
        f"WHERE value_text IS NOT NULL AND response_id IN ({mine})",
        params,
    )


def _day(moment: datetime) -> str:
    return to_db(moment)[:10] + " 00:00:00"


_COMPLETED = "SELECT 1 FROM survey_participation WHERE event_id = ? AND user_id = ?"


async def has_completed(db: Database, event_id: int, user_id: int) -> bool:
    return await db.fetch_value(_COMPLETED, (event_id, user_id)) is not None


async def has_completed_in(conn: aiosqlite.Connection, event_id: int, user_id: int) -> bool:
    async with conn.execute(_COMPLETED, (event_id, user_id)) as cursor:
        return await cursor.fetchone() is not None


async def respondent_ids(db: Database, event_id: int) -> set[int]:
    rows = await db.fetch_all(
        "SELECT user_id FROM survey_participation WHERE event_id = ?", (event_id,)
    )
    return {row[0] for row in rows}


async def summary(db: Database, event_id: int) -> tuple[int, dict[str, QuestionSummary]]:
    """Completed responses, and per question the count, the average and option counts."""
    completed = int(
        str(
            await db.fetch_value(
                "SELECT COUNT(*) FROM survey_responses WHERE event_id = ? "
                "AND completed_at IS NOT NULL",
                (event_id,),
            )
        )
    )
    rows = await db.fetch_all(
        "SELECT a.question_id, a.value_number, a.value_choices FROM survey_answers a "
        "JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.event_id = ? AND r.completed_at IS NOT NULL",
        (event_id,),
    )
    numbers: dict[str, list[float]] = {}
    counts: dict[str, dict[str, int]] = {}
    answered: dict[str, int] = {}
    for row in rows:
        question = row["question_id"]
        answered[question] = answered.get(question, 0) + 1
        if row["value_number"] is not None:
            numbers.setdefault(question, []).append(float(row["value_number"]))
        for choice in json.loads(row["value_choices"]) if row["value_choices"] else []:
            bucket = counts.setdefault(question, {})
            bucket[choice] = bucket.get(choice, 0) + 1
    return completed, {
        question: QuestionSummary(
            answered=total,
            average=sum(numbers[question]) / len(numbers[question])
            if question in numbers
            else None,
            counts=counts.get(question, {}),
        )
        for question, total in answered.items()
    }
