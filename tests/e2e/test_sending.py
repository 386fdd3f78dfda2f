"""The sender against the emulator: flood limits, blocked users, and a SIGKILL mid-run."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from bot.repositories import registrations
from tests.e2e.conftest import ROOT, BotProcess
from tests.factories import make_event, make_participant
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
            await registrations.register(db, event.id, user_id, NOW)
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
    ids = list(range(30_000, 30_500))
    blocked = ids[::25]  # 20 people blocked the bot
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
    assert states == {"sent": 480, "blocked": 20}
    assert sorted(row[0] for row in unreachable) == blocked


async def test_sigkill_mid_run_then_restart_sends_the_rest_exactly_once(
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
    async with bot_process.database() as db:
        rows = await db.fetch_all("SELECT user_id FROM outbox_deliveries WHERE state = 'unknown'")
    cut_short = {row[0] for row in rows}
    assert len(cut_short) <= 8, "at most the sends in flight at the kill are uncertain"
    await emulator.wait_until(
        lambda: all(
            reminders_to(emulator, user_id) == 1 or user_id in cut_short for user_id in ids
        ),
        timeout=60,
        describe=bot_process.describe,
    )
    assert await bot_process.stop() == 0

    assert max(reminders_to(emulator, user_id) for user_id in ids) == 1, "nobody got it twice"
    async with bot_process.database() as db:
        states = dict(
            tuple(row)
            for row in await db.fetch_all(
                "SELECT state, COUNT(*) FROM outbox_deliveries GROUP BY state"
            )
        )
    assert states.get("pending", 0) == 0 and states.get("sending", 0) == 0
    assert states["sent"] + states.get("unknown", 0) == 300


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
