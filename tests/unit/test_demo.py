"""The demo's own parts: its clock (and that production refuses it), the seeded project, and
how `python3 dev.py run` chooses between the demo and the real bot."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

import dev
from bot.clock import FrozenClock, SystemClock
from bot.config import Settings
from bot.demo.clock import JUMP_SIGNAL, OffsetClock, clock_for, wake_on_jump, write_offset
from bot.demo.personas import KAZAKH_PARTICIPANT, NEWCOMER, RUSSIAN_PARTICIPANT
from bot.demo.seed import SEMINARS, DemoProject, seed
from bot.platform.database_file import open_database
from bot.platform.db import Database
from tests.conftest import NOW

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
LOCAL_API = "http://127.0.0.1:8081"


def test_the_demo_clock_is_the_base_clock_plus_the_offset_in_its_file(tmp_path: Path) -> None:
    path = tmp_path / "offset"
    write_offset(path, 0)
    clock = OffsetClock(path, FrozenClock(NOW))
    assert clock.now() == NOW
    write_offset(path, 3600)
    assert clock.now() == NOW + timedelta(hours=1)
    write_offset(path, 90_000)
    assert clock.now() == NOW + timedelta(days=1, hours=1)


def test_settings_take_the_demo_clock_only_in_demo_mode_against_a_local_emulator(
    tmp_path: Path,
) -> None:
    offset = tmp_path / "offset"
    write_offset(offset, 60)
    with pytest.raises(ValueError, match="only with DEMO=true"):
        Settings(_env_file=None, bot_token=TOKEN, demo_clock_file=offset)
    with pytest.raises(ValueError, match="on this machine"):
        Settings(_env_file=None, bot_token=TOKEN, demo=True)
    production = Settings(_env_file=None, bot_token=TOKEN, demo_clock_file="")
    assert isinstance(clock_for(production), SystemClock)
    demo = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=LOCAL_API,
        demo=True,
        demo_clock_file=offset,
    )
    clock = clock_for(demo)
    assert isinstance(clock, OffsetClock)
    assert clock.offset == timedelta(seconds=60)


@pytest.mark.skipif(JUMP_SIGNAL is None, reason="no SIGUSR1 on this platform")
async def test_the_launchers_signal_wakes_the_scheduler_in_demo_mode_only(tmp_path: Path) -> None:
    assert JUMP_SIGNAL is not None
    offset = tmp_path / "offset"
    write_offset(offset, 0)
    loop = asyncio.get_running_loop()
    woken: asyncio.Future[None] = loop.create_future()
    production = Settings(_env_file=None, bot_token=TOKEN)
    wake_on_jump(production, lambda: woken.set_result(None))
    assert not loop.remove_signal_handler(JUMP_SIGNAL)  # nothing was installed
    demo = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=LOCAL_API,
        demo=True,
        demo_clock_file=offset,
    )
    wake_on_jump(demo, lambda: woken.set_result(None))
    try:
        os.kill(os.getpid(), JUMP_SIGNAL)
        await asyncio.wait_for(woken, 5)
    finally:
        loop.remove_signal_handler(JUMP_SIGNAL)


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[tuple[Database, DemoProject]]:
    settings = Settings(_env_file=None, bot_token=TOKEN, database_path=tmp_path / "demo.sqlite3")
    db = await open_database(settings)
    try:
        yield db, await seed(db, settings, NOW)
    finally:
        await db.close()


async def test_the_demo_project_has_the_funders_report_figures(
    seeded: tuple[Database, DemoProject],
) -> None:
    db, demo = seeded
    assert len(SEMINARS) == 7
    assert set(demo.events) == {s.district for s in SEMINARS} | {"study_tour", "conference"}
    for seminar in SEMINARS:
        # Walk-ins are check-ins without a user.
        present = await db.fetch_value(
            "SELECT COUNT(*) FROM checkins WHERE event_id = ?", (demo.events[seminar.district],)
        )
        # The past ones as in the report (shared/seeds/004); the one to come has had nobody.
        assert present == (0 if seminar.day > 0 else seminar.attended), seminar.district
    applied = await db.fetch_value(
        "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'applied'",
        (demo.events["study_tour"],),
    )
    assert applied == 9
    # The bot starts quiet: the seeding queued nothing to send.
    assert await db.fetch_value("SELECT COUNT(*) FROM outbox_jobs") == 0


async def test_the_personas_have_a_history_and_the_newcomer_has_none(
    seeded: tuple[Database, DemoProject],
) -> None:
    db, demo = seeded
    answered = await db.fetch_all(
        "SELECT user_id, COUNT(*) AS n FROM survey_participation GROUP BY user_id "
        "HAVING user_id IN (?, ?)",
        (RUSSIAN_PARTICIPANT.user_id, KAZAKH_PARTICIPANT.user_id),
    )
    assert {row["user_id"]: row["n"] for row in answered} == {
        RUSSIAN_PARTICIPANT.user_id: 2,
        KAZAKH_PARTICIPANT.user_id: 2,
    }
    upcoming = await db.fetch_value(
        "SELECT status FROM registrations WHERE event_id = ? AND user_id = ?",
        (demo.events["alatau"], RUSSIAN_PARTICIPANT.user_id),
    )
    assert upcoming == "confirmed"
    kazakh = await db.fetch_value(
        "SELECT language FROM users WHERE id = ?", (KAZAKH_PARTICIPANT.user_id,)
    )
    assert kazakh == "kk"
    assert await db.fetch_value("SELECT COUNT(*) FROM users WHERE id = ?", (NEWCOMER.user_id,)) == 0
    assert all(person.user_id > NEWCOMER.user_id for person in demo.people)


def test_dev_run_is_the_demo_until_a_token_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert not dev.has_token()
    (tmp_path / ".env").write_text("# BOT_TOKEN=123:abc\nBOT_TOKEN=\nADMIN_IDS=1\n")
    assert not dev.has_token()
    (tmp_path / ".env").write_text(f'ADMIN_IDS=1\nBOT_TOKEN="{TOKEN}"\n')
    assert dev.has_token()
    (tmp_path / ".env").unlink()
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    assert dev.has_token()
