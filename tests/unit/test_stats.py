"""Report numbers: unique reach counts a person once; walk-ins, deleted people and cancelled
events are handled as a funder's report expects."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import to_db
from bot.repositories import checkins
from bot.repositories.reports import Reach, project_stats
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project
from tests.harness import Harness, texts, tg_user


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
        await checkins.add_walkin(db, event.id, "Ахметова Роза", "civic_activist", "medeu", NOW, 9)
    await db.execute(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, 1, 'qr', ?)",
        (cancelled.id, to_db(NOW)),
    )

    stats = await project_stats(db, project.id, NOW)
    assert (stats.events_planned, stats.events_held) == (3, 2)
    assert stats.registrations == 4
    assert stats.total == Reach(people=3, attendances=5)
    assert stats.by_district == {"medeu": Reach(2, 3), "almaly": Reach(1, 2)}

    [reply] = await harness.send(tg_user(1), "/stats")
    text = texts([reply])[0]
    assert "Проведено мероприятий: 2 из 3" in text
    assert "Охвачено человек (уникально): 3" in text
    assert "• Медеуский район: 2 чел., 3 посещ." in text


async def test_participants_have_no_stats(harness: Harness) -> None:
    await make_participant(harness.db, 5, NOW)
    [reply] = await harness.send(tg_user(5), "/stats")
    assert "нет прав координатора" in texts([reply])[0]
