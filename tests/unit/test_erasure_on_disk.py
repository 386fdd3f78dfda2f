"""/delete_me erases on disk too: neither bot.sqlite3 nor its WAL holds the erased name,
phone, organisation or free-text answers, while the bot runs and after a crash; the answers
reports count stay, without a name."""

from __future__ import annotations

import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import SendMessage, TelegramMethod

from bot.clock import to_db
from bot.platform.db import Database
from bot.reports.feedback import analyse
from bot.reports.snapshot import (
    answer_lines,
    feedback_tallies,
    open_snapshot,
    responses_by_district,
)
from surveys.templates import load_templates
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, buttons, texts, tg_user
from tests.harness import button as shared_button

SURNAME = "Жумабекова"
PHONE = "+77015550199"
ORGANISATION = "Ассоциация Тестовых Данных"
IMPROVE = "позвоните мне +77015550199"
OTHER_TOPIC = "Кружок Динары"
SECRETS = (SURNAME, PHONE, ORGANISATION, "позвоните мне", OTHER_TOPIC)
DINARA, KAIRAT = tg_user(900), tg_user(901)


def button(calls: list[TelegramMethod[Any]], label: str) -> str:
    return shared_button(calls, label, exact=True)


def on_disk(database: Path) -> dict[str, list[str]]:
    """Per file (the database, its WAL), the secrets its raw bytes still hold."""
    found: dict[str, list[str]] = {}
    for path in (database, database.with_name(database.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        found[path.name] = [secret for secret in SECRETS if secret.encode() in data]
    return found


def nothing_on_disk(database: Path) -> bool:
    return not any(on_disk(database).values())


async def seminar(harness: Harness, *, anonymous: bool = False) -> int:
    """A seminar that ended an hour and a half ago; Dinara and Kairat were there."""
    db = harness.db
    event = await make_event(
        db,
        NOW - timedelta(days=2),
        starts_at=NOW - timedelta(hours=3, minutes=30),
        survey_template="seminar",
        survey_anonymous=anonymous,
    )
    await make_participant(
        db,
        900,
        NOW - timedelta(days=2),
        full_name=f"{SURNAME} Динара",
        phone=PHONE,
        organisation=ORGANISATION,
        district="medeu",
    )
    await make_participant(db, 901, NOW - timedelta(days=2), full_name="Ахметов Кайрат")
    for user_id in (900, 901):
        await sign_up(db, event.id, user_id, NOW - timedelta(days=2))
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, ?, 'qr', ?)",
            (event.id, user_id, to_db(NOW - timedelta(hours=3))),
        )
    return event.id


async def invitations(harness: Harness) -> dict[int, SendMessage]:
    start = len(harness.session.calls)
    await harness.app.scheduler.run_due(harness.bot)
    sent = harness.session.calls[start:]
    return {c.chat_id: c for c in sent if isinstance(c, SendMessage) and isinstance(c.chat_id, int)}


async def answer_up_to_improve(
    harness: Harness, user: Any, invite: SendMessage
) -> list[TelegramMethod[Any]]:
    calls = await harness.press(user, button([invite], "📝 Ответить на анкету"))
    for label in ("5", "4", "4", "5"):
        calls = await harness.press(user, button(calls, label))
    calls = await harness.press(user, button(calls, "Пропустить"))  # the most useful
    assert "Что стоит улучшить?" in texts(calls)[-1]
    return calls


async def answer_all(harness: Harness, user: Any, invite: SendMessage, improve: str) -> None:
    await answer_up_to_improve(harness, user, invite)
    calls = await harness.send(user, improve)
    calls = await harness.press(user, button(calls, "Да"))
    calls = await harness.press(user, button(calls, "Медиаграмотность"))
    calls = await harness.press(user, button(calls, "Другое"))
    calls = await harness.press(user, button(calls, "Готово ✔"))
    calls = await harness.send(user, OTHER_TOPIC if user is DINARA else "Закон об НПО")
    assert "Спасибо" in texts(calls)[-1]


async def delete_me(harness: Harness, user: Any) -> None:
    [ask] = await harness.send(user, "/delete_me")
    calls = await harness.press(user, dict(buttons(ask))["Да, удалить мои данные"])
    assert "данные удалены" in texts(calls)[0]


async def test_erased_data_is_in_neither_the_database_file_nor_its_wal(
    harness: Harness,
) -> None:
    event_id = await seminar(harness)
    invites = await invitations(harness)
    await answer_all(harness, DINARA, invites[900], IMPROVE)
    await answer_all(harness, KAIRAT, invites[901], "Больше практики")
    path = harness.db.path
    assert any(on_disk(path).values()), "the test looks for what was really written"

    await delete_me(harness, DINARA)

    assert on_disk(path) == {"bot.sqlite3": [], "bot.sqlite3-wal": []}
    # What reports count stays; what Dinara wrote does not.
    snapshot = open_snapshot(path)
    try:
        project_id = snapshot.execute(
            "SELECT project_id FROM events WHERE id = ?", (event_id,)
        ).fetchone()[0]
        feedback = analyse(
            feedback_tallies(snapshot, project_id),
            responses_by_district(snapshot, project_id),
            load_templates(),
        )
        lines = list(answer_lines(snapshot, project_id))
    finally:
        snapshot.close()
    part = feedback.by_template["seminar"]
    assert part.total_responses == 2
    assert part.responses["medeu"] == 1, "the erased person's district still counts"
    assert part.overall("overall").values == {5.0: 2}
    assert part.overall("recommend").values == {1.0: 2}
    assert part.overall("topics").options == {"media": 2, "other": 2}
    assert part.overall("improve").answered == 1, "only the answer still there"
    assert {line.text for line in lines if line.text} == {"Больше практики", "Закон об НПО"}
    erased = {line.question for line in lines if line.respondent_deleted}
    assert erased == {"overall", "content", "speaker", "organisation", "recommend", "topics"}


async def test_an_unfinished_anonymous_questionnaire_goes_with_the_person(
    harness: Harness,
) -> None:
    """Until it is finished, only the person's form state ties an anonymous questionnaire to
    them: it is never counted, and its typed text is theirs."""
    event_id = await seminar(harness, anonymous=True)
    invites = await invitations(harness)
    await answer_all(harness, KAIRAT, invites[901], "Больше практики")
    calls = await answer_up_to_improve(harness, DINARA, invites[900])
    calls = await harness.send(DINARA, IMPROVE)
    assert "Порекомендуете" in texts(calls)[-1]

    await delete_me(harness, DINARA)

    assert nothing_on_disk(harness.db.path)
    left = await harness.db.fetch_all(
        "SELECT r.completed_at, a.value_text FROM survey_responses r "
        "JOIN survey_answers a ON a.response_id = r.id WHERE r.event_id = ?",
        (event_id,),
    )
    assert left and all(row["completed_at"] is not None for row in left), (
        "Kairat's questionnaire stays, Dinara's unfinished one is gone"
    )
    assert "Больше практики" in {row["value_text"] for row in left}


async def test_a_report_reading_during_the_erasure_only_delays_the_cleanup(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await seminar(harness)
    invites = await invitations(harness)
    await answer_all(harness, DINARA, invites[900], IMPROVE)
    path = harness.db.path
    report = open_snapshot(path)
    report.execute("SELECT COUNT(*) FROM users").fetchone()  # a read snapshot is now held
    with caplog.at_level(logging.WARNING, logger="bot.platform.db.database"):
        await delete_me(harness, DINARA)
        await harness.app.scheduler.run_due(harness.bot)  # it writes on while the report reads
    assert on_disk(path)["bot.sqlite3-wal"], "the old snapshot still needs its pages"
    report.close()

    await harness.app.scheduler.run_due(harness.bot)
    assert nothing_on_disk(path), "the first write after the report finished does the cleanup"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Erased data" in warnings[0].getMessage()


async def test_a_wal_left_by_a_crash_is_folded_in_at_start(
    harness: Harness, tmp_path: Path
) -> None:
    """A kill leaves the WAL behind; the next start copies it into the database file and
    empties it, so whatever an erasure zeroed is gone from both."""
    await seminar(harness)
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for suffix in ("", "-wal"):
        source = harness.db.path.with_name(harness.db.path.name + suffix)
        shutil.copyfile(source, crashed / f"bot.sqlite3{suffix}")
    wal = crashed / "bot.sqlite3-wal"
    assert wal.stat().st_size > 0

    db = await Database.open(crashed / "bot.sqlite3")
    try:
        assert not wal.exists() or wal.stat().st_size == 0
        assert await db.fetch_value("SELECT full_name FROM users WHERE id = 900") == (
            f"{SURNAME} Динара"
        ), "nothing committed is lost"
        assert await db.fetch_value("PRAGMA secure_delete") == 1
    finally:
        await db.close()
