"""History does not change: a person counts where they were when they came, whatever their
profile says later; /stats, the project report and the attendance sheet agree."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.platform.db import Database, apply_migrations
from bot.platform.db.migrations import MIGRATIONS_DIR
from bot.reports.stats_queries import attendance_records
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, sign_up
from tests.harness import Harness, buttons, texts, tg_user
from tests.unit.test_project_report import export, rows

COORDINATOR = tg_user(1)
PERSON = tg_user(90)


async def came(harness: Harness, event_id: int) -> None:
    """The person scans the QR code at the door, ten minutes after the start."""
    event = await harness.db.fetch_one(
        "SELECT code, checkin_code, starts_at FROM events WHERE id = ?", (event_id,)
    )
    assert event is not None
    reply = await harness.send(PERSON, f"/start c_{event['code']}-{event['checkin_code']}")
    assert "Вы отмечены" in texts(reply)[0]


async def moves_to_medeu(harness: Harness) -> None:
    """The person edits their district in /profile, as they would after moving house."""
    [card] = await harness.send(PERSON, "/profile")
    await harness.press(PERSON, dict(buttons(card))["✏️ Район"])
    saved = await harness.send(PERSON, "Медеуский район")  # a button of the reply keyboard
    assert "Район: Медеуский район" in texts(saved)[-1]


async def test_a_profile_edit_after_the_event_does_not_move_past_reach(
    harness: Harness,
) -> None:
    db = harness.db
    project = await make_project(db, NOW)
    first = await make_event(db, NOW, project=project, starts_at=NOW + timedelta(minutes=30))
    second = await make_event(db, NOW, project=project, starts_at=NOW + timedelta(days=2))
    await make_participant(db, PERSON.id, NOW, district="almaly", category="ngo")
    for event in (first, second):
        await sign_up(db, event.id, PERSON.id, NOW)

    harness.clock.set(NOW + timedelta(minutes=40))
    await came(harness, first.id)
    harness.clock.set(NOW + timedelta(days=1))
    await moves_to_medeu(harness)
    harness.clock.set(NOW + timedelta(days=2, minutes=10))
    await came(harness, second.id)
    harness.clock.set(NOW + timedelta(days=3))

    [reply, *_] = await harness.send(COORDINATOR, "/stats")
    stats = texts([reply])[0]
    assert "Охвачено человек (уникально): 1" in stats
    assert "• Алмалинский район: 1 чел., 1 посещ." in stats, "the first seminar stays in Almaly"
    assert "• Медеуский район: 1 чел., 1 посещ." in stats, "the second counts where he lives now"

    _, book, _, _ = await export(harness, project.id)
    table = rows(book["Охват"], 7)
    by_district = {line[0]: line[-2:] for line in table[: [r[0] for r in table].index("Итого") + 1]}
    assert by_district["Алмалинский район"] == [1, 1]
    assert by_district["Медеуский район"] == [1, 1]
    assert by_district["Итого"] == [1, 2], "still one person reached"

    [record] = await attendance_records(db, first.id)
    assert record.district == "almaly", "the first seminar's sheet shows him as he was"
    [record] = await attendance_records(db, second.id)
    assert record.district == "medeu"


async def test_a_registration_keeps_the_district_of_its_sign_up_until_check_in(
    harness: Harness,
) -> None:
    db = harness.db
    event = await make_event(db, NOW, starts_at=NOW + timedelta(days=5))
    await make_participant(db, PERSON.id, NOW, district="almaly")
    await sign_up(db, event.id, PERSON.id, NOW)
    await moves_to_medeu(harness)
    snapshot = await db.fetch_one(
        "SELECT district_at, category_at FROM registrations WHERE user_id = ?", (PERSON.id,)
    )
    assert snapshot is not None and tuple(snapshot) == ("almaly", "ngo")

    harness.clock.set(event.starts_at + timedelta(minutes=5))
    await came(harness, event.id)
    refreshed = await db.fetch_value(
        "SELECT district_at FROM registrations WHERE user_id = ?", (PERSON.id,)
    )
    assert refreshed == "medeu", "check-in takes the district the person came with"


async def test_the_migration_counts_what_happened_before_where_people_are_now(
    tmp_path: Path,
) -> None:
    older = tmp_path / "old"
    older.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(path.name[:3]) < 11:
            (older / path.name).write_text(path.read_text())
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        await apply_migrations(db, older)
        await db.execute(
            "INSERT INTO users (id, language, district, category, created_at) "
            "VALUES (5, 'ru', 'medeu', 'youth', '2026-01-01 00:00:00')"
        )
        await db.execute(
            "INSERT INTO projects (id, title_ru, created_at) "
            "VALUES (1, 'Проект', '2026-01-01 00:00:00')"
        )
        await db.execute(
            "INSERT INTO events (id, project_id, title_ru, starts_at, ends_at, code, "
            "created_at, updated_at) VALUES (1, 1, 'Семинар', '2026-01-02 05:00:00', "
            "'2026-01-02 08:00:00', 'abc', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        await db.execute(
            "INSERT INTO registrations (event_id, user_id, status, created_at, updated_at) "
            "VALUES (1, 5, 'confirmed', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (1, 5, 'qr', '2026-01-02 05:00:00')"
        )
        await db.execute(
            "INSERT INTO checkins (event_id, walkin_name, walkin_district, walkin_category, "
            "method, checked_in_at) VALUES (1, 'Роза', 'almaly', 'ngo', 'walkin', "
            "'2026-01-02 05:00:00')"
        )
        await apply_migrations(db)
        rows_after = await db.fetch_all("SELECT district_at, category_at FROM checkins ORDER BY id")
        assert [tuple(row) for row in rows_after] == [("medeu", "youth"), ("almaly", "ngo")]
        registration = await db.fetch_one("SELECT district_at, category_at FROM registrations")
        assert registration is not None and tuple(registration) == ("medeu", "youth")
    finally:
        await db.close()
