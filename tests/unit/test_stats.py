"""Report numbers: unique reach counts a person once; walk-ins, deleted people and cancelled
events are handled as a funder's report expects."""

from __future__ import annotations

import warnings
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.methods import SendPhoto
from aiogram.types import BufferedInputFile

from bot.clock import to_db
from bot.reports.project import ReportContext
from bot.reports.snapshot import open_snapshot
from bot.reports.stats_chart import ChartData, DistrictBar, chart_data, render
from bot.reports.stats_queries import Reach, project_stats
from surveys import store
from surveys.flow import Answer
from surveys.templates import load_templates
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, walk_in
from tests.harness import Harness, texts, tg_user

ALMATY = ZoneInfo("Asia/Almaty")


async def test_unique_reach_by_district(harness: Harness) -> None:
    db = harness.db
    project = await make_project(db, NOW)
    past = [
        await make_event(db, NOW - timedelta(days=10), project=project,
                         starts_at=NOW - timedelta(days=days))
        for days in (5, 4)
    ]  # fmt: skip
    cancelled = await make_event(db, NOW - timedelta(days=10), project=project,
                                 starts_at=NOW - timedelta(days=3))  # fmt: skip
    await db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (cancelled.id,))
    await make_event(db, NOW, project=project)  # upcoming
    await make_participant(db, 1, NOW, district="almaly")
    await make_participant(db, 2, NOW, district="medeu")
    for event in past:
        for user_id in (1, 2):
            await db.execute(
                "INSERT INTO registrations (event_id, user_id, status, created_at, updated_at) "
                "VALUES (?, ?, 'confirmed', ?, ?)",
                (event.id, user_id, to_db(NOW), to_db(NOW)),
            )
    # Person 1 came to both seminars, person 2 to one; a walk-in came twice.
    for event, user_id in ((past[0], 1), (past[1], 1), (past[0], 2)):
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, ?, 'qr', ?)",
            (event.id, user_id, to_db(NOW)),
        )
    for event in past:
        await walk_in(db, event.id, "Ахметова Роза", "civic_activist", "medeu", NOW, 9)
    await db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 1, 'qr', ?)",
        (cancelled.id, to_db(NOW)),
    )

    stats = await project_stats(db, project.id, NOW)
    assert (stats.events_planned, stats.events_held) == (3, 2)
    assert stats.registrations == 4
    assert stats.total == Reach(people=3, attendances=5)
    assert stats.by_district == {"medeu": Reach(2, 3), "almaly": Reach(1, 2)}

    reply, picture = await harness.send(tg_user(1), "/stats")
    text = texts([reply])[0]
    assert "Проведено мероприятий: 2 из 3" in text
    assert "Охвачено человек (уникально): 3" in text
    assert "• Медеуский район: 2 чел., 3 посещ." in text
    assert isinstance(picture, SendPhoto)
    assert picture.caption == "«Школа гражданского участия»: охват и средняя оценка по районам."
    assert isinstance(picture.photo, BufferedInputFile)
    assert picture.photo.data.startswith(b"\x89PNG\r\n\x1a\n")


def context(harness: Harness, language: str) -> ReportContext:
    t = harness.app.texts.of(language)
    return ReportContext(t.plain, language, harness.app.reference, load_templates(), ALMATY, NOW)


async def test_stats_chart_shows_reach_and_ratings_by_district_in_kazakh(
    harness: Harness,
) -> None:
    db = harness.db
    project = await make_project(db, NOW, title_kk="Азаматтық қатысу мектебі")
    event = await make_event(
        db, NOW - timedelta(days=10), project=project, starts_at=NOW - timedelta(days=2),
        survey_template="seminar",
    )  # fmt: skip
    for user_id, district, score in ((1, "almaly", 5), (2, "almaly", 3), (3, "medeu", 4)):
        await make_participant(db, user_id, NOW, district=district)
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, ?, 'qr', ?)",
            (event.id, user_id, to_db(NOW)),
        )
        async with db.write() as conn:
            response = await store.start_response(
                conn, event.id, "seminar", user_id, district, "ngo", NOW
            )
            await store.save_answer(conn, response, "overall", Answer(score))
            await store.complete(conn, response, event.id, user_id, NOW, anonymous=False)
    await walk_in(db, event.id, "Ахметова Роза", "youth", None, NOW, 9)
    ctx = context(harness, "kk")
    conn = open_snapshot(db.path)
    try:
        data = chart_data(conn, project.id, ctx)
    finally:
        conn.close()
    assert data is not None
    assert data.title == "Азаматтық қатысу мектебі"
    assert data.bars == [
        DistrictBar("Алмалы ауданы", people=2, attendances=2, rating=4.0),
        DistrictBar("Медеу ауданы", people=1, attendances=1, rating=4.0),
        DistrictBar("көрсетілмеген", people=1, attendances=1, rating=None),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Kazakh glyph would warn
        picture = render(data, ctx)
    assert picture.startswith(b"\x89PNG")


async def test_no_picture_before_anyone_attended(harness: Harness) -> None:
    await make_event(harness.db, NOW)
    calls = await harness.send(tg_user(1), "/stats")
    assert not [c for c in calls if isinstance(c, SendPhoto)]


async def test_participants_have_no_stats(harness: Harness) -> None:
    await make_participant(harness.db, 5, NOW)
    [reply] = await harness.send(tg_user(5), "/stats")
    assert "нет прав координатора" in texts([reply])[0]


def test_dollar_signs_in_typed_names_are_drawn_as_text(harness: Harness) -> None:
    ctx = context(harness, "ru")
    data = ChartData("Грант $5 / $10", [DistrictBar("a$^$b", 1, 2, 4.5)])
    assert render(data, ctx).startswith(b"\x89PNG")
