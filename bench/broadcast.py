"""A reminder to many participants through the emulator, at the configured pace.

    python bench/broadcast.py [--count 10000] [--rate 25] [--telegram-limit 30]

Bulk sends (the outbox) take at most the pacer's bulk share of the rate (0.8: 20 a second of
25), so that a reply to somebody waiting finds room at once even mid-broadcast. Prints the
achieved sending rate divided by that bulk pace (goal >= 0.9), the same against the whole
configured rate (at most the bulk share), and how many 429s our own pacing caused (goal 0):
the emulator enforces Telegram's global limit.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import build_app, build_bot
from bot.clock import SystemClock
from bot.config import Settings
from bot.platform.database_file import open_database
from bot.texts import Texts
from tests.factories import make_event, make_participant, sign_up
from tgemu import DEFAULT_TOKEN, Emulator, start_server


async def bench(count: int, rate: float, telegram_limit: int) -> None:
    emulator = Emulator(DEFAULT_TOKEN, flood_limit=telegram_limit)
    runner, base_url = await start_server(emulator)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            bot_token=DEFAULT_TOKEN,
            database_path=Path(folder) / "bench.sqlite3",
            telegram_api_url=base_url,
            send_rate=rate,
            quiet_hours_start="00:00",
            quiet_hours_end="00:00",
        )
        db = await open_database(settings)
        now = datetime.now(UTC).replace(microsecond=0)
        event = await make_event(
            db, now, starts_at=now + timedelta(minutes=90), reminder_minutes=(120,)
        )
        for user_id in range(100_000, 100_000 + count):
            await make_participant(db, user_id, now)
            await sign_up(db, event.id, user_id, now)
            emulator.user(user_id).profile.started = True
        app = build_app(settings, db, Texts("ru"), SystemClock())
        bot = app.attach(build_bot(settings))
        started = time.perf_counter()
        await app.scheduler.run_due(bot)
        elapsed = time.perf_counter() - started
        bulk_pace = rate * app.pacer.settings.bulk_share
        sent = len(emulator.calls_to("sendMessage")) - emulator.flood_429_count
        await bot.session.close()
        await db.close()
    await runner.cleanup()
    achieved = sent / elapsed
    print(f"messages sent:            {sent} of {count}")
    print(f"configured rate:          {rate:.1f}/s, of it bulk {bulk_pace:.1f}/s")
    print(f"achieved rate:            {achieved:.1f}/s")
    print(f"ratio (achieved/bulk):    {achieved / bulk_pace:.3f}   goal >= 0.9")
    print(f"ratio (achieved/config):  {achieved / rate:.3f}   at most {bulk_pace / rate:.2f}")
    print(f"429s caused by our pace:  {emulator.flood_429_count}   goal 0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25)
    parser.add_argument("--telegram-limit", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(bench(args.count, args.rate, args.telegram_limit))


if __name__ == "__main__":
    main()
