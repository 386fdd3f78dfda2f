"""What the project report reads, from a read-only snapshot in the worker thread that builds it.

The report is built off the event loop, so it reads through its own plain sqlite3 connection
inside one read transaction: every sheet sees the same moment even while people keep checking
in, and the raw answers are streamed row by row instead of loaded whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.clock import from_db
from bot.platform.db.functions import register_sync
from bot.reports.stats_queries import reach_sql


def open_snapshot(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    register_sync(conn)
    conn.execute("BEGIN")
    return conn


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    title_ru: str
    title_kk: str | None
    funder: str

    def title(self, language: str) -> str:
        return self.title_kk if language == "kk" and self.title_kk else self.title_ru


def project_info(conn: sqlite3.Connection, project_id: int) -> ProjectInfo | None:
    row = conn.execute(
        "SELECT id, title_ru, title_kk, funder FROM projects WHERE id = ?", (project_id,)
    ).fetchone()
    return ProjectInfo(*row) if row else None


@dataclass(frozen=True)
class EventLine:
    id: int
    starts_at: datetime
    ends_at: datetime
    title_ru: str
    title_kk: str | None
    type: str
    place: str
    district: str | None
    capacity: int | None
    status: str
    template: str | None
    anonymous: bool
    registered: int  # signed up and not cancelled or rejected
    attended: int  # check-ins, walk-ins included
    responses: int  # completed questionnaires

    def title(self, language: str) -> str:
        return self.title_kk if language == "kk" and self.title_kk else self.title_ru


def event_lines(conn: sqlite3.Connection, project_id: int) -> list[EventLine]:
    rows = conn.execute(
        "SELECT e.id, e.starts_at, e.ends_at, e.title_ru, e.title_kk, e.type, e.place, "
        "e.district, e.capacity, e.status, e.survey_template, e.survey_anonymous, "
        " (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
        "  AND r.status NOT IN ('cancelled', 'rejected')), "
        " (SELECT COUNT(*) FROM checkins c WHERE c.event_id = e.id), "
        " (SELECT COUNT(*) FROM survey_responses s WHERE s.event_id = e.id "
        "  AND s.completed_at IS NOT NULL) "
        "FROM events e WHERE e.project_id = ? ORDER BY e.starts_at, e.id",
        (project_id,),
    ).fetchall()
    return [
        EventLine(
            id=row[0],
            starts_at=from_db(row[1]),
            ends_at=from_db(row[2]),
            title_ru=row[3],
            title_kk=row[4],
            type=row[5],
            place=row[6],
            district=row[7],
            capacity=row[8],
            status=row[9],
            template=row[10],
            anonymous=bool(row[11]),
            registered=row[12],
            attended=row[13],
            responses=row[14],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ReachCell:
    district: str | None
    category: str | None
    people: int
    attendances: int


def reach_cells(conn: sqlite3.Connection, project_id: int, by: tuple[str, ...]) -> list[ReachCell]:
    """The groups of reports.reach_sql that anyone attended."""
    rows = conn.execute(reach_sql(by), (project_id,)).fetchall()
    return [ReachCell(*row) for row in rows if row[3]]


@dataclass(frozen=True)
class Tally:
    """One group of answers to one question: the event, the respondent's district (as it was
    when they answered), the template and the question."""

    event_id: int
    district: str | None
    template: str
    question: str
    value: str | float | None  # a scale value or an option id; None for the answered count
    count: int


_COMPLETED = (
    "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
    "JOIN events e ON e.id = r.event_id"
)
_IN_PROJECT = "e.project_id = ? AND e.status != 'cancelled' AND r.completed_at IS NOT NULL"


def feedback_tallies(conn: sqlite3.Connection, project_id: int) -> Iterator[Tally]:
    """Counts of completed answers per event and respondent's district: how many answered
    each question, how many gave each number, and how many chose each option. Every other
    grouping (by district, by the event's district, overall) is a sum of these, which
    bot.reports.feedback adds up."""
    cell = "r.event_id, r.district, r.template, a.question_id"
    for row in conn.execute(
        f"SELECT {cell}, COUNT(*) {_COMPLETED} WHERE {_IN_PROJECT} GROUP BY {cell}",
        (project_id,),
    ):
        yield Tally(row[0], row[1], row[2], row[3], None, row[4])
    for row in conn.execute(
        f"SELECT {cell}, a.value_number, COUNT(*) {_COMPLETED} WHERE {_IN_PROJECT} "
        f"AND a.value_number IS NOT NULL GROUP BY {cell}, a.value_number",
        (project_id,),
    ):
        yield Tally(row[0], row[1], row[2], row[3], float(row[4]), row[5])
    for row in conn.execute(
        f"SELECT {cell}, j.value, COUNT(*) {_COMPLETED}, json_each(a.value_choices) j "
        f"WHERE {_IN_PROJECT} AND a.value_choices IS NOT NULL GROUP BY {cell}, j.value",
        (project_id,),
    ):
        yield Tally(row[0], row[1], row[2], row[3], str(row[4]), row[5])


def responses_by_district(
    conn: sqlite3.Connection, project_id: int
) -> dict[tuple[int, str | None, str], int]:
    """Completed questionnaires per (event, respondent's district, template)."""
    rows = conn.execute(
        "SELECT r.event_id, r.district, r.template, COUNT(*) FROM survey_responses r "
        "JOIN events e ON e.id = r.event_id "
        f"WHERE {_IN_PROJECT} GROUP BY r.event_id, r.district, r.template",
        (project_id,),
    ).fetchall()
    return {(row[0], row[1], row[2]): row[3] for row in rows}


def rating_by_event(
    conn: sqlite3.Connection, project_id: int, rating_questions: dict[str, str]
) -> dict[int, tuple[int, float]]:
    """Per event, how many gave a rating and their sum; rating_questions maps a template to
    the id of its rating question."""
    found: dict[int, tuple[int, float]] = {}
    for event_id, template, question, count, total in conn.execute(
        "SELECT r.event_id, r.template, a.question_id, COUNT(*), SUM(a.value_number) "
        "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        "JOIN events e ON e.id = r.event_id "
        "WHERE e.project_id = ? AND r.completed_at IS NOT NULL AND a.value_number IS NOT NULL "
        "GROUP BY r.event_id, r.template, a.question_id",
        (project_id,),
    ):
        if rating_questions.get(template) == question:
            found[event_id] = (count, float(total))
    return found


@dataclass(frozen=True)
class AnswerLine:
    response_id: int
    event_id: int
    template: str
    district: str | None
    category: str | None
    respondent: str | None  # the name; None when anonymous
    respondent_deleted: bool
    question: str
    number: float | None
    text: str | None
    choices: tuple[str, ...]


def answer_lines(
    conn: sqlite3.Connection, project_id: int, merged: Collection[int] = ()
) -> Iterator[AnswerLine]:
    """Every completed answer, event by event and response by response, read as it is written
    out. A name is only joined in for surveys that are not anonymous. The responses of the
    `merged` events (anonymous ones with too few questionnaires to show apart) come last, in
    one shuffled group, so neither their place in the sheet nor their order tells the event."""
    marks = ", ".join("?" * len(merged))
    cursor = conn.execute(
        "SELECT r.id, r.event_id, r.template, r.district, r.category, "
        "CASE WHEN e.survey_anonymous = 0 THEN u.full_name END, "
        "e.survey_anonymous = 0 AND r.user_id IS NOT NULL AND u.deleted_at IS NOT NULL, "
        "a.question_id, a.value_number, a.value_text, a.value_choices "
        "FROM survey_responses r JOIN events e ON e.id = r.event_id "
        "JOIN survey_answers a ON a.response_id = r.id "
        "LEFT JOIN users u ON u.id = r.user_id "
        "WHERE e.project_id = ? AND e.status != 'cancelled' AND r.completed_at IS NOT NULL "
        # Anonymous questionnaires in an order unrelated to when they were given.
        f"ORDER BY e.id IN ({marks}), CASE WHEN e.id IN ({marks}) THEN 0 ELSE e.starts_at END, "
        f"CASE WHEN e.id IN ({marks}) THEN 0 ELSE e.id END, "
        "CASE WHEN e.survey_anonymous THEN (r.id * 2654435761) % 4294967291 ELSE r.id END, r.id",
        (project_id, *merged, *merged, *merged),
    )
    cursor.arraysize = 1000
    while batch := cursor.fetchmany():
        for row in batch:
            yield AnswerLine(
                response_id=row[0],
                event_id=row[1],
                template=row[2],
                district=row[3],
                category=row[4],
                respondent=row[5],
                respondent_deleted=bool(row[6]),
                question=row[7],
                number=row[8],
                text=row[9],
                choices=tuple(json.loads(row[10])) if row[10] else (),
            )
