"""The sender against the emulator: flood limits, blocked users, and a SIGKILL mid-run."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import ROOT, BotProcess
from tests.factories import make_event, make_participant, sign_up
from tgemu import ApiCall, Emulator

NOW = datetime.now(UTC).replace(microsecond=0)


async def seed_reminder_run(bot: BotProcess, emulator: Emulator, ids: list[int]) -> int:
    """An event starting in 90 minutes with everyone confirmed: its 2-hour reminder is due
    the moment the bot starts."""
    async with bot.database() as db:
        event = await make_event(
            db, NOW, starts_at=NOW + timedelta(minutes=90), reminder_minutes=(120,)
        )
        for user_id in ids:
            await make_participant(db, user_id, NOW, phone=f"+7702{user_id:07d}")
            await sign_up(db, event.id, user_id, NOW)
    for user_id in ids:
        # They talked to the bot when they registered, so Telegram lets it write to them.
        emulator.user(user_id).profile.started = True
    return event.id


def reminders_to(emulator: Emulator, user_id: int) -> int:
    return sum("Напоминание" in m.content for m in emulator.user(user_id).messages())


def flood_or_blocked(call: ApiCall) -> bool:
    return call.error is not None and call.error.error_code in (403, 429)


async def test_bulk_send_through_429s_loses_and_duplicates_nothing(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    ids = list(range(30_000, 30_250))
    blocked = ids[::25]  # 10 people blocked the bot
    await seed_reminder_run(bot_process, emulator, ids)
    for user_id in blocked:
        emulator.user(user_id).block()
    # Below the bulk share (0.8) of our pace of 30/s: Telegram will push back.
    emulator.flood_limit = 20
    bot_process.expected_refusals.append(flood_or_blocked)

    await bot_process.start(SEND_RATE="30")
    reachable = [user_id for user_id in ids if user_id not in blocked]
    await emulator.wait_until(
        lambda: all(reminders_to(emulator, user_id) >= 1 for user_id in reachable),
        timeout=120,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0

    assert emulator.flood_429_count > 0, "the emulator did push back"
    assert all(reminders_to(emulator, user_id) == 1 for user_id in reachable)
    assert all(reminders_to(emulator, user_id) == 0 for user_id in blocked)
    async with bot_process.database() as db:
        states = dict(
            tuple(row)
            for row in await db.fetch_all(
                "SELECT state, COUNT(*) FROM outbox_deliveries GROUP BY state"
            )
        )
        unreachable = await db.fetch_all("SELECT id FROM users WHERE unreachable_at IS NOT NULL")
    assert states == {"sent": 240, "blocked": 10}
    assert sorted(row[0] for row in unreachable) == blocked


async def delivery_states(bot: BotProcess) -> dict[str, int]:
    async with bot.database() as db:
        rows = await db.fetch_all("SELECT state, COUNT(*) FROM outbox_deliveries GROUP BY state")
    return {row[0]: row[1] for row in rows}


async def test_sigkill_mid_run_then_restart_loses_nothing(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    ids = list(range(40_000, 40_300))
    await seed_reminder_run(bot_process, emulator, ids)
    emulator.flood_limit = None

    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: sum(reminders_to(emulator, user_id) for user_id in ids) >= 100,
        timeout=60,
        describe=bot_process.describe,
    )
    await bot_process.kill()
    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: all(reminders_to(emulator, user_id) >= 1 for user_id in ids),
        timeout=60,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0

    # A send the kill caught on the wire goes out again: at most those few arrive twice.
    twice = [user_id for user_id in ids if reminders_to(emulator, user_id) > 1]
    assert len(twice) <= 8
    assert await delivery_states(bot_process) == {"sent": 300}


async def test_sigkill_during_a_429_pause_loses_nothing(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    ids = list(range(41_000, 41_300))
    await seed_reminder_run(bot_process, emulator, ids)
    # Below our pace: Telegram pushes back, and the kill comes while the bot waits it out.
    emulator.flood_limit = 10
    bot_process.expected_refusals.append(flood_or_blocked)

    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: emulator.flood_429_count > 0, timeout=60, describe=bot_process.describe
    )
    await bot_process.kill()
    # Those refused before the kill were pending again while the bot waited; any caught on
    # the wire go out again: everybody gets the reminder.
    emulator.flood_limit = None
    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: all(reminders_to(emulator, user_id) >= 1 for user_id in ids),
        timeout=60,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0
    assert await delivery_states(bot_process) == {"sent": 300}


async def test_sigterm_during_a_send_stops_cleanly_and_the_rest_goes_after_restart(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    ids = list(range(42_000, 42_200))
    await seed_reminder_run(bot_process, emulator, ids)
    emulator.flood_limit = None

    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: sum(reminders_to(emulator, user_id) for user_id in ids) >= 50,
        timeout=60,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0
    log = bot_process.log_path.read_text()
    assert "ERROR" not in log and "Traceback" not in log, log
    assert (await delivery_states(bot_process)).get("sending", 0) == 0

    await bot_process.start(SEND_RATE="30")
    await emulator.wait_until(
        lambda: all(reminders_to(emulator, user_id) >= 1 for user_id in ids),
        timeout=60,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0
    assert all(reminders_to(emulator, user_id) == 1 for user_id in ids), (
        "a clean stop resends nothing"
    )


async def test_a_second_bot_on_the_same_database_refuses_to_start(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    second = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=bot_process.base_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(second.communicate(), 30)
    assert second.returncode == 1
    assert "another bot process" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert await bot_process.stop() == 0
