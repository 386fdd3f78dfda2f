"""Test data built through the domain code: projects, events and onboarded participants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.checkin.rules import CheckinMethod, CheckinResult
from bot.checkin.service import CheckinService
from bot.clock import FrozenClock, to_db
from bot.config import Settings
from bot.events.model import Event, EventStatus, NewProject, Project
from bot.events.store import NewEvent, get_event, insert_event, insert_project, project_in
from bot.notices import NoticeKind
from bot.people import users
from bot.people.service import PeopleService
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.registration.rules import OfferPolicy
from bot.registration.service import RegisterOutcome, RegistrationService


async def make_project(db: Database, now: datetime, **overrides: Any) -> Project:
    values: dict[str, Any] = {"title_ru": "Школа гражданского участия", "funder": "УОР г. Алматы"}
    values.update(overrides)
    async with db.write() as conn:
        project_id = await insert_project(conn, NewProject(**values), None, now)
        project = await project_in(conn, project_id)
    assert project is not None
    return project


async def make_event(
    db: Database, now: datetime, *, project: Project | None = None, **overrides: Any
) -> Event:
    """A published seminar three days after `now`, two hours long, unless told otherwise."""
    if project is None:
        project = await make_project(db, now)
    starts_at = overrides.pop("starts_at", now + timedelta(days=3))
    new = NewEvent(
        project_id=project.id,
        title_ru="Семинар для общественных советов",
        title_kk="Қоғамдық кеңестерге арналған семинар",
        starts_at=starts_at,
        ends_at=overrides.pop("ends_at", starts_at + timedelta(hours=2)),
        place="ул. Абая 10, конференц-зал",
        district="almaly",
        status=EventStatus.PUBLISHED,
    )
    async with db.write() as conn:
        event_id = await insert_event(conn, replace(new, **overrides), now)
    event = await get_event(db, event_id)
    assert event is not None
    return event


async def make_participant(
    db: Database,
    user_id: int,
    now: datetime,
    *,
    language: str = "ru",
    full_name: str = "Айгерим Сапарова",
    phone: str = "+77011234567",
    organisation: str | None = "ОФ «Азамат»",
    category: str = "ngo",
    district: str = "almaly",
) -> UserRecord:
    """Someone who chose a language, gave consent and completed the profile."""
    await users.choose_language(db, user_id, language, now)
    await db.execute(
        "UPDATE users SET consent_at = ?, full_name = ?, phone = ?, organisation = ?, "
        "category = ?, district = ?, profile_done_at = ? WHERE id = ?",
        (to_db(now), full_name, phone, organisation, category, district, to_db(now), user_id),
    )
    record = await users.get(db, user_id)
    assert record is not None
    return record


class _SeedingTellsNobody:
    """Notices for building test data: nothing may be queued."""

    async def submit(
        self,
        kind: NoticeKind,
        payload: dict[str, Any],
        recipients: Iterable[int],
        *,
        conn: aiosqlite.Connection,
        urgent: bool = False,
        created_by: int | None = None,
        dedupe_key: str | None = None,
        hold_limit: datetime | None = None,
    ) -> int:
        raise AssertionError(f"seeding queued a {kind} notice")

    def wake(self) -> None:
        pass


def seeding_registrations(db: Database, now: datetime) -> RegistrationService:
    """The registration service, at `now`, for building test data: seeding frees no seat
    anybody waits for, so it may queue no notice."""
    return RegistrationService(db, _SeedingTellsNobody(), FrozenClock(now), OfferPolicy())


# Any well-formed token: seeding never talks to Telegram.
SEEDING_TOKEN = "42:TEST-token-for-seeding-test-data-00000"


def seeding_people(db: Database, now: datetime) -> PeopleService:
    """The people service, at `now`, for building test data (an erasure among it)."""
    settings = Settings(bot_token=SEEDING_TOKEN, database_path=db.path)
    notices = _SeedingTellsNobody()
    return PeopleService(db, notices, FrozenClock(now), settings, seeding_registrations(db, now))


async def sign_up(
    db: Database, event_id: int, user_id: int, now: datetime, motivation: str | None = None
) -> RegisterOutcome:
    """Registers as the Register button does (the same service), at `now`."""
    return await seeding_registrations(db, now).register(event_id, user_id, motivation)


async def walk_in(
    db: Database,
    event_id: int,
    name: str,
    category: str | None,
    district: str | None,
    now: datetime,
    by: int,
) -> None:
    """Someone without Telegram marked present at `now`, as the coordinator's form does."""
    assert await CheckinService(db, FrozenClock(now)).add_walkin(
        event_id, name, category, district, by
    )


async def check_in_at(
    db: Database, event_id: int, user_id: int, method: CheckinMethod, now: datetime
) -> CheckinResult:
    return await CheckinService(db, FrozenClock(now)).check_in(event_id, user_id, method)
