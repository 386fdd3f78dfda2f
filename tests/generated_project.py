"""A project with everything a funder's report must get right: a cancelled event, walk-ins
(one came twice, her name typed differently), a participant who deleted their data, a named
and an anonymous survey with an unfinished questionnaire, and an event still to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import to_db
from bot.platform.db import Database
from surveys import store
from surveys.flow import Answer
from tests.conftest import NOW
from tests.factories import (
    make_event,
    make_participant,
    make_project,
    seeding_people,
    sign_up,
    walk_in,
)

PAST = NOW - timedelta(days=30)

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
    present = {named.id: [101, 102, 105], anonymous.id: [101, 103, 104], cancelled.id: [106]}
    for event_id, people in present.items():
        for user_id in people:
            await db.execute(
                "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
                "VALUES (?, ?, 'qr', ?)",
                (event_id, user_id, to_db(NOW - timedelta(days=3))),
            )
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
    return Generated(project.id, [named.id, anonymous.id, cancelled.id, planned.id])
