"""A big project for benchmarks, written straight into SQLite: N participants spread over the
districts and categories, events across the city, check-ins, and completed seminar
questionnaires with every kind of answer (scales, yes/no, choices with "other", free text)."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import to_db

DISTRICTS = ("alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib")
CATEGORIES = ("public_council", "maslikhat_deputy", "ngo", "civic_activist", "info_group", "youth")
TOPICS = ("councils", "budget", "anticorr", "media", "law", "other")
COMMENTS = (
    "Очень полезный семинар, спасибо организаторам!",
    "Семинар өте пайдалы болды, рахмет!",
    "Хотелось бы больше практических кейсов по бюджету народного участия.",
    "Көбірек практикалық жаттығулар керек.",
)


def fill(path: Path, participants: int, answers: int, now: datetime, seed: int = 7) -> int:
    """Returns the project id. The database must already be migrated."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    stamp = to_db(now)
    conn.execute("BEGIN")
    project_id = conn.execute(
        "INSERT INTO projects (title_ru, title_kk, funder, created_at) VALUES (?, ?, ?, ?)",
        ("Школа гражданского участия", "Азаматтық қатысу мектебі", "УОР г. Алматы", stamp),
    ).lastrowid
    assert project_id is not None
    events = []
    for number in range(40):
        starts = now - timedelta(days=200 - 5 * number)
        district = DISTRICTS[number % len(DISTRICTS)]
        cursor = conn.execute(
            "INSERT INTO events (project_id, code, type, title_ru, title_kk, starts_at, ends_at, "
            "place, district, capacity, status, survey_template, survey_anonymous, created_at, "
            "updated_at) VALUES (?, ?, 'seminar', ?, ?, ?, ?, ?, ?, 400, 'published', "
            "'seminar', ?, ?, ?)",
            (
                project_id,
                f"bench{number:04d}",
                f"Семинар №{number + 1} для информационных групп",
                f"Ақпараттық топтарға арналған №{number + 1} семинар",
                to_db(starts),
                to_db(starts + timedelta(hours=3)),
                f"Акимат района, конференц-зал {number + 1}",
                district,
                number % 3 == 0,
                stamp,
                stamp,
            ),
        )
        events.append((cursor.lastrowid, number % 3 == 0))
    people = [
        (
            1_000_000 + index,
            stamp,
            stamp,
            f"Участник Қатысушы {index:05d}",
            f"+7701{index:07d}",
            "ОФ «Азамат»",
            rng.choice(CATEGORIES),
            rng.choice(DISTRICTS),
            stamp,
        )
        for index in range(participants)
    ]
    conn.executemany(
        "INSERT INTO users (id, created_at, consent_at, full_name, phone, organisation, "
        "category, district, profile_done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        people,
    )
    attended: list[tuple[int, int, str, str]] = []  # event, user, district, category
    for person in people:
        for event_id, _ in rng.sample(events, rng.choice((1, 1, 2, 3))):
            attended.append((int(event_id or 0), person[0], person[7], person[6]))
    conn.executemany(
        "INSERT INTO registrations (event_id, user_id, status, created_at, updated_at) "
        "VALUES (?, ?, 'confirmed', ?, ?)",
        [(event_id, user_id, stamp, stamp) for event_id, user_id, _, _ in attended],
    )
    conn.executemany(
        "INSERT INTO checkins (event_id, user_id, method, checked_in_at) VALUES (?, ?, 'qr', ?)",
        [(event_id, user_id, stamp) for event_id, user_id, _, _ in attended],
    )
    anonymous = {int(event_id or 0): flag for event_id, flag in events}
    per_response = 8
    rows = []
    for event_id, user_id, district, category in rng.sample(
        attended, min(len(attended), answers // per_response)
    ):
        named = not anonymous[event_id]
        cursor = conn.execute(
            "INSERT INTO survey_responses (event_id, template, user_id, district, category, "
            "started_at, completed_at) VALUES (?, 'seminar', ?, ?, ?, ?, ?)",
            (event_id, user_id if named else None, district, category, stamp, stamp),
        )
        response = cursor.lastrowid
        chosen = rng.sample(TOPICS, rng.randint(1, 3))
        rows += [
            (response, "overall", rng.randint(2, 5), None, None),
            (response, "content", rng.randint(1, 5), None, None),
            (response, "speaker", rng.randint(3, 5), None, None),
            (response, "organisation", rng.randint(3, 5), None, None),
            (response, "useful", None, rng.choice(COMMENTS), None),
            (response, "improve", None, rng.choice(COMMENTS), None),
            (response, "recommend", rng.choice((0, 1, 1, 1)), None, None),
            (
                response,
                "topics",
                None,
                "Местное самоуправление" if "other" in chosen else None,
                json.dumps(chosen),
            ),
        ]
    conn.executemany(
        "INSERT INTO survey_answers (response_id, question_id, value_number, value_text, "
        "value_choices) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")
    conn.close()
    return int(project_id)


def default_now() -> datetime:
    return datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
