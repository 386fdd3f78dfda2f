"""`python -m bot.demo`: the bot without Telegram, in one command.

It starts the emulator with its chat page on 127.0.0.1, seeds the demo project into a fresh
database in a temporary folder (never DATABASE_PATH), starts the real bot process
(`python -m bot`) against the emulator with the demo clock, and prints the one address to open.
Ctrl+C (or SIGTERM) stops the bot the way production stops it, then the emulator, and removes
the folder. The chats live in the emulator's memory for as long as the demo runs."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import zoneinfo
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.config import CONFIG_DIR, Settings
from bot.demo.clock import JUMP_SIGNAL, OffsetClock, write_offset
from bot.demo.personas import COORDINATOR, PERSONAS
from bot.demo.personas import Persona as DemoPersona
from bot.demo.seed import DemoProject, seed
from bot.platform.database_file import open_database
from tgemu import DEFAULT_TOKEN, Emulator, start_server
from tgemu.chat_page import ChatPage, Persona, TimeTravel

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = {"event-plan.xlsx": ROOT / "examples" / "event-plan.xlsx"}
DEFAULT_PORT = 8080
START_SECONDS = 60.0
# The bot's own SHUTDOWN_TIMEOUT (10 s by default) plus closing the database.
STOP_SECONDS = 20.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.demo", description=__doc__)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="0 picks a free one (also if it is taken)"
    )
    parser.add_argument("--verbose", action="store_true", help="the bot's log at INFO")
    return parser.parse_args(argv)


def on_page(persona: DemoPersona) -> Persona:
    """A persona as the chat page plays it; the seeded ones have talked to the bot before."""
    return Persona(
        persona.user_id,
        persona.first_name,
        persona.last_name,
        persona.language_code,
        persona.phone,
        persona.role,
        started=persona.seeded,
    )


class Demo:
    def __init__(self, workdir: Path, verbose: bool) -> None:
        self.workdir = workdir
        self.verbose = verbose
        self.clock_file = workdir / "clock-offset"
        write_offset(self.clock_file, 0)
        self.time_travel = TimeTravel(self.jumped)
        self.emulator = Emulator(
            DEFAULT_TOKEN,
            bot_username="civic_demo_bot",
            bot_first_name="Гражданские проекты · демо",
            wall_clock=self.time_travel.wall_clock,
        )
        self.page = ChatPage(
            self.emulator,
            [on_page(persona) for persona in PERSONAS],
            self.time_travel,
            {name: path for name, path in SAMPLES.items() if path.exists()},
        )
        self.process: asyncio.subprocess.Process | None = None
        self.polling = False

    def environment(self, base_url: str) -> dict[str, str]:
        """The demo bot's settings: these and the defaults, nothing of a real deployment's (the
        bot runs in the demo's folder, away from a .env, and no setting is inherited)."""
        return {
            "BOT_TOKEN": self.emulator.token,
            "TELEGRAM_API_URL": base_url,
            "DATABASE_PATH": str(self.workdir / "demo.sqlite3"),
            "ADMIN_IDS": str(COORDINATOR.user_id),
            "DEMO": "true",
            "DEMO_CLOCK_FILE": str(self.clock_file),
            "TIMEZONE": "Asia/Almaty",
            "DEFAULT_LANGUAGE": "ru",
            "CATEGORIES_FILE": str(CONFIG_DIR / "categories.toml"),
            "DISTRICTS_FILE": str(CONFIG_DIR / "districts.toml"),
            "LOG_LEVEL": "INFO" if self.verbose else "WARNING",
            # What time travel brings shows at once, not the next morning.
            "QUIET_HOURS_START": "00:00",
            "QUIET_HOURS_END": "00:00",
            # The scheduler sets its wake-ups in wall time; after a jump the tick catches up.
            "SCHEDULER_TICK_SECONDS": "5",
        }

    def jumped(self, offset: float) -> None:
        """The page moved the clock: the bot reads the file, and the signal wakes its
        scheduler for what the jump made due."""
        write_offset(self.clock_file, offset)
        process = self.process
        # Only once the bot polls, so its handler is in place (SIGUSR1 would kill it before);
        # a bot still starting reads the file when its scheduler first runs anyway.
        if self.polling and process and process.returncode is None and JUMP_SIGNAL is not None:
            process.send_signal(JUMP_SIGNAL)

    async def seed(self, env: dict[str, str]) -> DemoProject:
        values: dict[str, Any] = {key.lower(): value for key, value in env.items()}
        settings = GivenSettings(**values)
        db = await open_database(settings)
        try:
            demo = await seed(db, settings, OffsetClock(self.clock_file).now())
        finally:
            await db.close()
        # The people of the story have talked to the bot before, so it may write to them.
        for person in demo.people:
            user = self.emulator.user(
                person.user_id, person.first_name, person.last_name, language_code=person.language
            )
            user.profile.started = True
        return demo

    async def start_bot(self, env: dict[str, str]) -> asyncio.subprocess.Process:
        # In a session of its own: Ctrl+C in the terminal reaches only this launcher, which
        # then stops the bot with one SIGTERM (a second signal would cut its shutdown short).
        inherited = {k: v for k, v in os.environ.items() if k not in Settings.model_fields_upper()}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=self.workdir,
            env={**inherited, **env},
            start_new_session=True,
        )
        self.process = process
        started = await self.emulator.signal.wait_for(
            lambda: self.emulator.get_updates_count > 0 or process.returncode is not None,
            START_SECONDS,
        )
        if not started or process.returncode is not None:
            raise DemoError(f"the bot did not start (exit code {process.returncode})")
        self.polling = True
        return process

    async def stop_bot(self) -> int:
        process = self.process
        if process is None:
            return 0
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()
                print("The bot did not stop in time and was killed.", file=sys.stderr)
                return 1
        return process.returncode or 0


class DemoError(Exception):
    pass


class GivenSettings(Settings):
    """Settings from the values given only: no .env, no environment variable of a real
    deployment (the seeding must see what the demo bot will)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


async def serve(emulator: Emulator, page: ChatPage, port: int) -> tuple[web.AppRunner, str]:
    try:
        return await start_server(emulator, "127.0.0.1", port, page)
    except OSError:
        if port == 0:
            raise
        print(f"Port {port} is taken; using a free one.", file=sys.stderr)
        return await start_server(emulator, "127.0.0.1", 0, page)


async def run_demo(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: KeyboardInterrupt instead
            loop.add_signal_handler(signum, stop.set)
    with tempfile.TemporaryDirectory(prefix="civic-demo-") as folder:
        demo = Demo(Path(folder), args.verbose)
        runner, base_url = await serve(demo.emulator, demo.page, args.port)
        try:
            env = demo.environment(base_url)
            project = await demo.seed(env)
            process = await demo.start_bot(env)
            print(
                f"The demo runs: open {base_url}/chat/ in a browser. Ctrl+C stops it.\n"
                f"(bot process {process.pid}; {len(project.events)} events and "
                f"{len(project.people)} people seeded in {folder})",
                flush=True,
            )
            exited = asyncio.ensure_future(process.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if exited.done():
                print(f"The bot exited by itself with code {exited.result()}.", file=sys.stderr)
                return exited.result() or 1
            return await demo.stop_bot()
        except DemoError as error:
            print(f"The demo did not start: {error}", file=sys.stderr)
            return 1
        finally:
            await demo.stop_bot()
            demo.emulator.close()
            await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    # As the bot does: time zones from the tzdata package only (see bot/__main__.py).
    zoneinfo.reset_tzpath(to=[])
    args = parse_args(sys.argv[1:] if argv is None else argv)
    return asyncio.run(run_demo(args))
