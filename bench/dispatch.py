"""Throughput of the production Dispatcher against a bare aiogram echo bot, in one run.

    python bench/dispatch.py [--updates 10000]

Both dispatchers get the same number of updates through `feed_update` with a session that
records calls instead of talking HTTP, so the ratio shows what our middlewares, SQLite-backed
FSM, per-user isolation and handlers cost compared with aiogram alone.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update

from tests.harness import (
    TOKEN,
    RecordingSession,
    callback_update,
    make_harness,
    message_update,
    tg_user,
)

USERS = 500


def mixed_updates(count: int, seed: int = 7) -> list[Update]:
    rng = random.Random(seed)
    users = [tg_user(10_000 + n, rng.choice(["ru", "kk", "en"])) for n in range(USERS)]
    makers = [
        lambda u: message_update(u, "/start"),
        lambda u: message_update(u, "/help"),
        lambda u: message_update(u, "/language"),
        lambda u: message_update(u, "Сәлеметсіз бе, қашан семинар болады?"),
        lambda u: message_update(u, "/unknown"),
        lambda u: callback_update(u, rng.choice(["lang:ru", "lang:kk"])),
        lambda u: callback_update(u, "gone:1"),
    ]
    return [rng.choice(makers)(rng.choice(users)) for _ in range(count)]


async def feed_all(dispatcher: Dispatcher, bot: Bot, updates: list[Update]) -> float:
    started = time.perf_counter()
    # Concurrent per user, like polling with handle_as_tasks, but bounded to keep memory flat.
    semaphore = asyncio.Semaphore(100)

    async def one(update: Update) -> None:
        async with semaphore:
            await dispatcher.feed_update(bot, update)

    await asyncio.gather(*(one(update) for update in updates))
    return time.perf_counter() - started


async def bare_echo_rate(updates: list[Update]) -> float:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    @dispatcher.callback_query()
    async def answer(query: object) -> None:
        await query.answer()  # type: ignore[attr-defined]

    bot = Bot(TOKEN, session=RecordingSession())
    return len(updates) / await feed_all(dispatcher, bot, updates)


async def production_rate(updates: list[Update]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        async for harness in make_harness(Path(folder), datetime.now(UTC)):
            seconds = await feed_all(harness.app.dispatcher, harness.bot, updates)
            return len(updates) / seconds
    raise RuntimeError("harness did not start")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=10_000)
    args = parser.parse_args()
    updates = mixed_updates(args.updates)
    bare = await bare_echo_rate(updates)
    ours = await production_rate(mixed_updates(args.updates))
    print(f"updates:                 {args.updates}")
    print(f"bare aiogram echo:       {bare:10.0f} updates/s")
    print(f"production dispatcher:   {ours:10.0f} updates/s")
    print(f"ratio (production/bare): {ours / bare:10.3f}")


if __name__ == "__main__":
    asyncio.run(main())
