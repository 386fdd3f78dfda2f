"""A project with everything a funder's report must get right: a cancelled event, walk-ins
(one came twice, her name typed differently), a participant who deleted their data, a named
and an anonymous survey with an unfinished questionnaire, an event still to come, and a
participant who moved to another district after the events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.checkin.rules import CheckinMethod, CheckinResult
from bot.events.model import EventType, ProjectPlan
from bot.platform.db import Database
from surveys import store
from surveys.flow import Answer
from tests.conftest import NOW
from tests.factories import (
    check_in_at,
    make_event,
    make_participant,
    make_project,
    seeding_people,
    sign_up,
    walk_in,
)

PAST = NOW - timedelta(days=30)
MOVED = 102  # changed district and category in his profile after the events

# (user id, name, district, category)
PEOPLE = [
    (101, "Сапарова Әйгерім", "auezov", "public_council"),
    (102, "Ким Андрей", "auezov", "ngo"),
    (103, "Нұрланов Ерлан", "medeu", "ngo"),
    (104, "Оспанова Дана", "medeu", "youth"),
    (105, "Удалит Данные", "almaly", "info_group"),
    (106, "Жаксылыков Тимур", "turksib", "civic_activist"),
]


@dataclass
class Generated:
    project_id: int
    event_ids: list[int]  # by start: named survey, anonymous survey, cancelled, planned


async def generate(db: Database) -> Generated:
    project = await make_project(
        db, PAST, title_ru="Школа гражданского участия", title_kk="Азаматтық қатысу мектебі"
    )
    for user_id, name, district, category in PEOPLE:
        await make_participant(
            db, user_id, PAST, full_name=name, district=district, category=category
        )
    named = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW - timedelta(days=10),
        district="auezov",
        capacity=30,
        title_ru="Семинар в Ауэзовском районе",
        title_kk="Әуезов ауданындағы семинар",
        survey_template="seminar",
    )
    anonymous = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW - timedelta(days=5),
        district="medeu",
        capacity=20,
        title_ru="Тренинг в Медеуском районе",
        title_kk="Медеу ауданындағы тренинг",
        survey_template="seminar",
        survey_anonymous=True,
    )
    cancelled = await make_event(
        db, PAST, project=project, starts_at=NOW - timedelta(days=3), title_ru="Отменённый"
    )
    planned = await make_event(
        db,
        PAST,
        project=project,
        starts_at=NOW + timedelta(days=7),
        district="turksib",
        capacity=None,
        title_ru="Итоговая конференция",
    )
    signups = {
        named.id: [101, 102, 103, 105],
        anonymous.id: [101, 103, 104],
        cancelled.id: [102, 106],
        planned.id: [104, 106],
    }
    for event_id, people in signups.items():
        for user_id in people:
            await sign_up(db, event_id, user_id, PAST)
    present = {named: [101, 102, 105], anonymous: [101, 103, 104], cancelled: [106]}
    for event, people in present.items():
        for user_id in people:
            result = await check_in_at(db, event.id, user_id, CheckinMethod.QR, event.starts_at)
            assert result is CheckinResult.OK
    # The same woman without Telegram came twice; the second time her name was typed sloppily.
    await walk_in(db, named.id, "Ахметова Роза", "civic_activist", "medeu", PAST, 1)
    await walk_in(db, anonymous.id, " ахметова роза", "civic_activist", "medeu", PAST, 1)
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (cancelled.id,))

    async def answer(event_id: int, user_id: int, anonymous: bool, **given: Answer) -> None:
        _, _, district, category = next(p for p in PEOPLE if p[0] == user_id)
        async with db.write() as conn:
            response = await store.start_response(
                conn, event_id, "seminar", None if anonymous else user_id, district, category, NOW
            )
            for question, value in given.items():
                await store.save_answer(conn, response, question, value)
            await store.complete(conn, response, event_id, user_id, NOW, anonymous=anonymous)

    await answer(
        named.id,
        101,
        False,
        overall=Answer(5),
        content=Answer(4),
        useful=Answer(text="=СУММ(1;2) и разбор кейсов"),
        recommend=Answer(1),
        topics=Answer(text="Бюджет акимата", choices=("councils", "other")),
    )
    await answer(named.id, 102, False, overall=Answer(3), recommend=Answer(0))
    await answer(named.id, 105, False, overall=Answer(4), recommend=Answer(1))
    await answer(
        anonymous.id,
        103,
        True,
        overall=Answer(5),
        recommend=Answer(1),
        topics=Answer(choices=("councils", "media")),
    )
    await answer(
        anonymous.id, 104, True, overall=Answer(2), improve=Answer(text="Көбірек әңгіме керек")
    )
    # An unfinished questionnaire counts nowhere.
    async with db.write() as conn:
        unfinished = await store.start_response(conn, named.id, "seminar", 103, "medeu", "ngo", NOW)
        await store.save_answer(conn, unfinished, "overall", Answer(1))
    assert await seeding_people(db, NOW).erase(105)
    # Moved house after the events: where he was reached and what he answered stay in Auezov.
    await db.execute(
        "UPDATE users SET district = 'turksib', category = 'youth' WHERE id = ?", (MOVED,)
    )
    return Generated(project.id, [named.id, anonymous.id, cancelled.id, planned.id])


# The funder's report in ../shared/seeds/004: seven seminars for information group (ИПГ)
# members, one per district, four working meetings with 164 people and a final conference.
# (district, place, attended); six of each seminar's audience are civic activists.
SEED_SEMINARS = [
    ("auezov", "акимат района", 31),
    ("bostandyk", "акимат района", 63),
    ("zhetysu", "акимат района", 33),
    ("medeu", "акимат района", 40),
    ("almaly", "Алматинский колледж полиграфии, конференц-зал, 1 этаж", 33),
    ("turksib", "ул. Зорге 11, мажилис зал, 1 этаж", 42),
    ("alatau", "акимат района, конференц-зал, 5 этаж", 26),
]
SEED_ACTIVISTS = 6
SEED_MEETINGS = [("auezov", 45), ("almaly", 38), ("turksib", 40), ("turksib", 41)]
# The conference: 20 new people and the first 10 of the Auezov seminar again.
SEED_CONFERENCE_NEW, SEED_CONFERENCE_AGAIN = 20, 10
SEED_TITLES = {
    "seminar": "Семинар для членов ИПГ",
    "working_meeting": "Рабочая встреча с трудовым коллективом",
    "conference": "Итоговая конференция",
}
SEED_FIRST_DAY = datetime(2026, 4, 13, 5, 0, tzinfo=UTC)  # 10:00 in Almaty
SEED_PLAN = ProjectPlan(
    events={"seminar": 7, "working_meeting": 4, "conference": 1, "round_table": 2}, reach=500
)


@dataclass
class SeedShaped:
    project_id: int
    seminars: list[int]
    meetings: list[int]
    conference: int


async def generate_seed_shaped(db: Database, plan: ProjectPlan = SEED_PLAN) -> SeedShaped:
    project = await make_project(
        db,
        PAST - timedelta(days=60),
        title_ru="Разъяснение Послания Главы государства",
        title_kk="Мемлекет басшысының Жолдауын түсіндіру",
        plan=plan,
    )
    next_id = iter(range(10_000, 20_000))

    async def person(district: str | None, category: str) -> int:
        user_id = next(next_id)
        await make_participant(
            db,
            user_id,
            PAST - timedelta(days=60),
            full_name=f"Участник {user_id}",
            district=district or "almaly",
            category=category,
        )
        return user_id

    async def held(kind: str, day: int, district: str | None, place: str, people: list[int]) -> int:
        starts_at = SEED_FIRST_DAY + timedelta(days=day)
        event = await make_event(
            db,
            PAST - timedelta(days=60),
            project=project,
            type=EventType(kind),
            starts_at=starts_at,
            district=district,
            place=place,
            capacity=None,
            title_ru=SEED_TITLES[kind],
            survey_template="seminar",
        )
        for user_id in people:
            await sign_up(db, event.id, user_id, PAST - timedelta(days=60))
            result = await check_in_at(db, event.id, user_id, CheckinMethod.QR, starts_at)
            assert result is CheckinResult.OK
        return event.id

    seminars: list[int] = []
    first_audience: list[int] = []
    for number, (district, place, attended) in enumerate(SEED_SEMINARS):
        people = [await person(district, "info_group") for _ in range(attended - SEED_ACTIVISTS)]
        people += [await person(district, "civic_activist") for _ in range(SEED_ACTIVISTS)]
        first_audience = first_audience or people
        seminars.append(await held("seminar", 6 * number, district, place, people))
    meetings = []
    for number, (district, attended) in enumerate(SEED_MEETINGS):
        people = [await person(district, "civil_servant") for _ in range(attended)]
        meetings.append(await held("working_meeting", 45 + number, district, "", people))
    again = first_audience[:SEED_CONFERENCE_AGAIN]
    new = [await person(None, "ngo") for _ in range(SEED_CONFERENCE_NEW)]
    conference = await held("conference", 52, "almaly", "конференц-зал", again + new)

    # Feedback at the first seminar: five named questionnaires, ratings 5, 5, 4, 4, 3.
    for user_id, rating, recommend in zip(
        first_audience, (5, 5, 4, 4, 3), (1, 1, 1, 0, 1), strict=False
    ):
        async with db.write() as conn:
            response = await store.start_response(
                conn, seminars[0], "seminar", user_id, "auezov", "info_group", NOW
            )
            await store.save_answer(conn, response, "overall", Answer(rating))
            await store.save_answer(conn, response, "recommend", Answer(recommend))
            choices = ("budget",) if rating > 3 else ("media",)
            await store.save_answer(conn, response, "topics", Answer(choices=choices))
            await store.complete(conn, response, seminars[0], user_id, NOW, anonymous=False)
    return SeedShaped(project.id, seminars, meetings, conference)
