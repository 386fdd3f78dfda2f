"""Events and projects."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.events.form import EventField
from bot.events.model import (
    DEFAULT_REMINDER_MINUTES,
    Event,
    EventStatus,
    EventType,
    NewProject,
    ProjectPlan,
)

# Re-exported: handlers still import Project from here.
from bot.events.model import Project as Project
from bot.platform.db import Database


@dataclass(frozen=True)
class NewEvent:
    project_id: int
    title_ru: str
    starts_at: datetime
    ends_at: datetime
    type: EventType = EventType.SEMINAR
    title_kk: str | None = None
    description_ru: str | None = None
    description_kk: str | None = None
    place: str = ""
    district: str | None = None
    capacity: int | None = None
    registration_deadline: datetime | None = None
    by_application: bool = False
    status: EventStatus = EventStatus.DRAFT
    reminder_minutes: tuple[int, ...] = DEFAULT_REMINDER_MINUTES
    survey_template: str | None = None
    survey_anonymous: bool = False
    walkins_allowed: bool = False
    created_by: int | None = None


def new_code() -> str:
    """Deep-link code: random, URL-safe, not guessable from neighbouring events."""
    return secrets.token_urlsafe(8)


def new_checkin_code() -> str:
    """Short enough to announce aloud and type on a phone: six digits."""
    return f"{secrets.randbelow(10**6):06d}"


def _opt_dt(value: str | None) -> datetime | None:
    return None if value is None else from_db(value)


def event_from_row(row: aiosqlite.Row) -> Event:
    return Event(
        id=row["id"],
        project_id=row["project_id"],
        code=row["code"],
        type=EventType(row["type"]),
        title_ru=row["title_ru"],
        title_kk=row["title_kk"],
        description_ru=row["description_ru"],
        description_kk=row["description_kk"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
        place=row["place"],
        district=row["district"],
        capacity=row["capacity"],
        registration_deadline=_opt_dt(row["registration_deadline"]),
        by_application=bool(row["by_application"]),
        status=EventStatus(row["status"]),
        reminder_minutes=tuple(json.loads(row["reminder_minutes"])),
        survey_template=row["survey_template"],
        survey_anonymous=bool(row["survey_anonymous"]),
        survey_delay_minutes=row["survey_delay_minutes"],
        survey_nudge_minutes=row["survey_nudge_minutes"],
        survey_close_minutes=row["survey_close_minutes"],
        checkin_code=row["checkin_code"],
        checkin_margin_minutes=row["checkin_margin_minutes"],
        walkins_allowed=bool(row["walkins_allowed"]),
    )


def project_from_row(row: aiosqlite.Row) -> Project:
    return Project(
        id=row["id"],
        title_ru=row["title_ru"],
        title_kk=row["title_kk"],
        funder=row["funder"],
        starts_on=date.fromisoformat(row["starts_on"]) if row["starts_on"] else None,
        ends_on=date.fromisoformat(row["ends_on"]) if row["ends_on"] else None,
    )


async def insert_project(
    conn: aiosqlite.Connection, new: NewProject, created_by: int | None, now: datetime
) -> int:
    cursor = await conn.execute(
        "INSERT INTO projects (title_ru, title_kk, funder, starts_on, ends_on, created_by, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            new.title_ru,
            new.title_kk,
            new.funder,
            new.starts_on.isoformat() if new.starts_on else None,
            new.ends_on.isoformat() if new.ends_on else None,
            created_by,
            to_db(now),
        ),
    )
    assert cursor.lastrowid is not None
    await set_planned_events(conn, cursor.lastrowid, new.plan.events)
    await set_target_reach(conn, cursor.lastrowid, new.plan.reach)
    return cursor.lastrowid


async def set_planned_events(
    conn: aiosqlite.Connection, project_id: int, events: Mapping[str, int]
) -> None:
    """The project-wide number of events planned per format, replacing the previous plan."""
    await conn.execute(
        "DELETE FROM project_targets WHERE project_id = ? AND format IS NOT NULL "
        "AND district IS NULL",
        (project_id,),
    )
    await conn.executemany(
        "INSERT INTO project_targets (project_id, format, events) VALUES (?, ?, ?)",
        [(project_id, format_, count) for format_, count in events.items()],
    )


async def replace_targets(
    conn: aiosqlite.Connection,
    project_id: int,
    targets: Iterable[tuple[str | None, str | None, int | None, int | None]],
) -> None:
    """The whole plan at once: (format, district, events, reach) rows, all others removed."""
    await conn.execute("DELETE FROM project_targets WHERE project_id = ?", (project_id,))
    await conn.executemany(
        "INSERT INTO project_targets (project_id, format, district, events, reach) "
        "VALUES (?, ?, ?, ?, ?)",
        [(project_id, *target) for target in targets],
    )


async def project_plan(db: Database, project_id: int) -> ProjectPlan:
    """The project-wide planned figures: events per format and the reach."""
    rows = await db.fetch_all(
        "SELECT format, events, reach FROM project_targets "
        "WHERE project_id = ? AND district IS NULL",
        (project_id,),
    )
    events = {
        row["format"]: row["events"] for row in rows if row["format"] and row["events"] is not None
    }
    reach = next((row["reach"] for row in rows if row["format"] is None), None)
    return ProjectPlan(events, reach)


async def set_target_reach(conn: aiosqlite.Connection, project_id: int, reach: int | None) -> None:
    await conn.execute(
        "DELETE FROM project_targets WHERE project_id = ? AND format IS NULL AND district IS NULL",
        (project_id,),
    )
    if reach is not None:
        await conn.execute(
            "INSERT INTO project_targets (project_id, reach) VALUES (?, ?)", (project_id, reach)
        )


async def update_project(
    conn: aiosqlite.Connection, project_id: int, values: dict[str, object]
) -> bool:
    """Change some of title_ru, title_kk, funder, starts_on, ends_on; False if it is gone."""
    columns = [name for name in values if name in PROJECT_EDITABLE]
    if not columns or len(columns) != len(values):
        raise ValueError(f"not editable: {sorted(set(values) - PROJECT_EDITABLE)}")
    cursor = await conn.execute(
        f"UPDATE projects SET {', '.join(f'{name} = ?' for name in columns)} WHERE id = ?",
        (*(values[name] for name in columns), project_id),
    )
    return cursor.rowcount == 1


PROJECT_EDITABLE = frozenset({"title_ru", "title_kk", "funder", "starts_on", "ends_on"})


async def get_project(db: Database, project_id: int) -> Project | None:
    row = await db.fetch_one("SELECT * FROM projects WHERE id = ?", (project_id,))
    return None if row is None else project_from_row(row)


async def project_in(conn: aiosqlite.Connection, project_id: int) -> Project | None:
    async with conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else project_from_row(row)


async def list_projects(db: Database) -> list[Project]:
    rows = await db.fetch_all("SELECT * FROM projects ORDER BY id DESC")
    return [project_from_row(row) for row in rows]


async def insert_event(conn: aiosqlite.Connection, new: NewEvent, now: datetime) -> int:
    """Insert inside a caller's transaction (the Excel import adds many events atomically)."""
    cursor = await conn.execute(
        "INSERT INTO events (project_id, code, type, title_ru, title_kk, description_ru, "
        "description_kk, starts_at, ends_at, place, district, capacity, registration_deadline, "
        "by_application, status, reminder_minutes, survey_template, survey_anonymous, "
        "checkin_code, walkins_allowed, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.project_id,
            new_code(),
            new.type.value,
            new.title_ru,
            new.title_kk,
            new.description_ru,
            new.description_kk,
            to_db(new.starts_at),
            to_db(new.ends_at),
            new.place,
            new.district,
            new.capacity,
            to_db(new.registration_deadline) if new.registration_deadline else None,
            int(new.by_application),
            new.status.value,
            json.dumps(list(new.reminder_minutes)),
            new.survey_template,
            int(new.survey_anonymous),
            new_checkin_code(),
            int(new.walkins_allowed),
            new.created_by,
            to_db(now),
            to_db(now),
        ),
    )
    return int(cursor.lastrowid or 0)


async def get_event(db: Database, event_id: int) -> Event | None:
    row = await db.fetch_one("SELECT * FROM events WHERE id = ?", (event_id,))
    return None if row is None else event_from_row(row)


async def get_event_by_code(db: Database, code: str) -> Event | None:
    row = await db.fetch_one("SELECT * FROM events WHERE code = ?", (code,))
    return None if row is None else event_from_row(row)


# The columns each field of the coordinator's event form sets; a field of several columns
# (the survey timing) has a tuple of as many values as its answer.
FIELD_COLUMNS: dict[EventField, tuple[str, ...]] = {
    EventField.TITLE_RU: ("title_ru",),
    EventField.TITLE_KK: ("title_kk",),
    EventField.DESCRIPTION_RU: ("description_ru",),
    EventField.DESCRIPTION_KK: ("description_kk",),
    EventField.TYPE: ("type",),
    EventField.STARTS_AT: ("starts_at",),
    EventField.ENDS_AT: ("ends_at",),
    EventField.PLACE: ("place",),
    EventField.DISTRICT: ("district",),
    EventField.CAPACITY: ("capacity",),
    EventField.DEADLINE: ("registration_deadline",),
    EventField.BY_APPLICATION: ("by_application",),
    EventField.REMINDERS: ("reminder_minutes",),
    EventField.SURVEY_TEMPLATE: ("survey_template",),
    EventField.SURVEY_ANONYMOUS: ("survey_anonymous",),
    EventField.SURVEY_TIMING: (
        "survey_delay_minutes",
        "survey_nudge_minutes",
        "survey_close_minutes",
    ),
    EventField.CHECKIN_MARGIN: ("checkin_margin_minutes",),
}


def field_changes(field: EventField, value: object) -> dict[str, object]:
    """One answer of the event form as the columns it changes."""
    columns = FIELD_COLUMNS[field]
    if len(columns) == 1:
        return {columns[0]: value}
    if not isinstance(value, tuple):
        raise TypeError(f"{field.value} takes {len(columns)} values, got {value!r}")
    return dict(zip(columns, value, strict=True))


def new_event_from_form(
    project_id: int,
    answers: Mapping[EventField, object],
    status: EventStatus,
    created_by: int,
) -> NewEvent:
    """The finished event form as an event to insert; NewEvent's attributes are named after
    the columns they fill."""
    values: dict[str, Any] = {}
    for field, value in answers.items():
        values.update(field_changes(field, value))
    return NewEvent(project_id=project_id, status=status, created_by=created_by, **values)


# Columns a change to an event may set (update_event refuses any other).
EDITABLE = frozenset(
    {
        "title_ru",
        "title_kk",
        "description_ru",
        "description_kk",
        "type",
        "starts_at",
        "ends_at",
        "place",
        "district",
        "capacity",
        "registration_deadline",
        "by_application",
        "reminder_minutes",
        "status",
        "walkins_allowed",
        "survey_template",
        "survey_anonymous",
        "survey_delay_minutes",
        "survey_nudge_minutes",
        "survey_close_minutes",
        "checkin_margin_minutes",
    }
)


async def list_events(db: Database, project_id: int) -> list[Event]:
    rows = await db.fetch_all(
        "SELECT * FROM events WHERE project_id = ? ORDER BY starts_at, id", (project_id,)
    )
    return [event_from_row(row) for row in rows]


async def update_event(
    conn: aiosqlite.Connection, event_id: int, changes: dict[str, object], now: datetime
) -> None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = [_db_value(value) for value in changes.values()]
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await conn.execute(
        f"UPDATE events SET {assignments}, updated_at = ? WHERE id = ?",
        (*values, to_db(now), event_id),
    )


async def event_in(conn: aiosqlite.Connection, event_id: int) -> Event | None:
    async with conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else event_from_row(row)


def _db_value(value: object) -> object:
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, tuple):
        return json.dumps(list(value))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, EventStatus | EventType):
        return value.value
    return value


async def upcoming_published(db: Database, now: datetime, horizon: timedelta) -> list[Event]:
    rows = await db.fetch_all(
        "SELECT * FROM events WHERE status = 'published' AND starts_at > ? AND starts_at <= ? "
        "ORDER BY starts_at",
        (to_db(now), to_db(now + horizon)),
    )
    return [event_from_row(row) for row in rows]


async def recently_ended_with_survey(db: Database, now: datetime) -> list[Event]:
    """Published events with a questionnaire that ended within the last 60 days."""
    rows = await db.fetch_all(
        "SELECT * FROM events WHERE status = 'published' AND survey_template IS NOT NULL "
        "AND ends_at <= ? AND ends_at > ? ORDER BY ends_at",
        (to_db(now), to_db(now - timedelta(days=60))),
    )
    return [event_from_row(row) for row in rows]
