"""Run the emulator on its own: ``python -m tgemu --port 8081 --token 123:ABC...``.

It prints the base URL to give the bot (TELEGRAM_API_URL) and logs every refused request.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from tgemu.engine import DEFAULT_TOKEN, Emulator
from tgemu.server import start_server


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tgemu", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--username", default="civic_test_bot", help="the bot's @username")
    parser.add_argument("--flood-limit", type=int, default=30, help="message calls per second")
    parser.add_argument(
        "--chat-limit", type=float, default=1.0, help="message calls per second in one chat"
    )
    parser.add_argument(
        "--chat-burst", type=int, default=5, help="calls one chat may take back to back"
    )
    parser.add_argument("--verbose", action="store_true", help="log every call, not only refusals")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emulator = Emulator(
        args.token,
        bot_username=args.username,
        flood_limit=args.flood_limit,
        chat_flood_limit=args.chat_limit,
        chat_flood_burst=args.chat_burst,
    )
    runner, base_url = await start_server(emulator, args.host, args.port)
    print(base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
    )
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
