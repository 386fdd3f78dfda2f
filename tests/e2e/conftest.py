"""End-to-end fixtures: the emulator in the test's event loop, the real bot as a subprocess.

Every test that uses `bot_process` also checks, at teardown, that the bot answered every
callback query and that the emulator refused none of its calls: whatever a test is about, the
bot must never send what Telegram would refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.platform.database_file import open_database
from bot.platform.db import Database
from tgemu import DEFAULT_TOKEN, ApiCall, ChatMessage, Emulator, EmuUser, start_server

ROOT = Path(__file__).resolve().parents[2]
COORDINATOR_ID = 1
START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(DEFAULT_TOKEN)
    runner, _ = await start_server(emu)
    try:
        yield emu
    finally:
        emu.close()
        await runner.cleanup()


class BotProcess:
    """`python -m bot` against the emulator, on its own database in a temporary folder."""

    def __init__(self, emulator: Emulator, workdir: Path) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.database_path = workdir / "bot.sqlite3"
        self.log_path = workdir / "bot.log"
        self.env: dict[str, str] = {}
        self.process: asyncio.subprocess.Process | None = None
        # Refusals a test provokes on purpose (e.g. users who blocked the bot).
        self.expected_refusals: list[Callable[[ApiCall], bool]] = []
        self.starts = 0

    def base_env(self) -> dict[str, str]:
        assert self.emulator.base_url is not None
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BOT_", "TELEGRAM_", "DATABASE_", "ADMIN_"))
        }
        env.update(
            BOT_TOKEN=self.emulator.token,
            TELEGRAM_API_URL=self.emulator.base_url,
            DATABASE_PATH=str(self.database_path),
            ADMIN_IDS=str(COORDINATOR_ID),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            # The bot process runs on the real clock: with quiet hours on, a reminder test
            # would pass or fail depending on the time of day it runs (unit tests cover them).
            QUIET_HOURS_START="00:00",
            QUIET_HOURS_END="00:00",
        )
        return env

    async def start(self, **env: str) -> None:
        """Start the bot and return once it is polling for updates."""
        assert self.process is None or self.process.returncode is not None, "already running"
        self.env.update(env)
        polls_before = self.emulator.get_updates_count
        log = self.log_path.open("ab")
        log.write(f"--- start #{self.starts + 1} ---\n".encode())
        log.flush()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env={**self.base_env(), **self.env},
            stdout=log,
            stderr=log,
        )
        log.close()
        self.starts += 1
        process = self.process

        def polling_or_dead() -> bool:
            return self.emulator.get_updates_count > polls_before or process.returncode is not None

        await self.emulator.wait_until(polling_or_dead, START_TIMEOUT, describe=self.describe)
        if process.returncode is not None:
            raise AssertionError(f"the bot exited with {process.returncode}\n{self.describe()}")

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig` and wait for the process to exit; returns its exit code."""
        process = self.process
        assert process is not None
        if process.returncode is None:
            process.send_signal(sig)
        try:
            return await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(f"the bot did not stop on {sig.name}\n{self.describe()}") from None

    async def kill(self) -> int:
        return await self.stop(signal.SIGKILL)

    async def restart(self, **env: str) -> None:
        code = await self.stop()
        assert code == 0, f"the bot exited with {code} on SIGTERM\n{self.describe()}"
        await self.start(**env)

    @contextlib.asynccontextmanager
    async def database(self) -> AsyncIterator[Database]:
        """The bot's database (migrated), to seed it before a start or inspect it after."""
        settings = Settings(bot_token=self.emulator.token, database_path=self.database_path)
        db = await open_database(settings)
        try:
            yield db
        finally:
            await db.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def describe(self) -> str:
        return f"{self.emulator.recent_calls()}\n--- bot log ---\n{self.log()[-6000:]}"

    def unexpected_refusals(self) -> list[ApiCall]:
        return [
            call
            for call in self.emulator.errors
            if not any(expected(call) for expected in self.expected_refusals)
        ]


@pytest.fixture
async def bot_process(emulator: Emulator, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(emulator, tmp_path)
    try:
        yield bot
        if bot.process is not None and bot.process.returncode is None:
            # The answer to a press goes out after its handler's last message: give it time.
            await emulator.wait_until(
                lambda: not emulator.unanswered_callbacks(),
                timeout=5,
                describe=lambda: (
                    f"callback queries left unanswered: "
                    f"{emulator.unanswered_callbacks()}\n{bot.describe()}"
                ),
            )
    finally:
        if bot.process is not None and bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()
    refused = bot.unexpected_refusals()
    assert not refused, "the emulator refused bot calls:\n" + "\n".join(
        call.describe() for call in refused
    )


def newcomer(emulator: Emulator, user_id: int, language_code: str | None = "ru") -> EmuUser:
    """A person who has never written to the bot."""
    return emulator.user(user_id, first_name=f"User{user_id}", language_code=language_code)


async def saw(user: EmuUser, *texts: str, within: float = 10.0) -> ChatMessage:
    """The bot's newest message showing any of `texts`, sent or edited in place."""

    def found() -> ChatMessage | None:
        return next(
            (m for m in reversed(user.messages()) if any(text in m.content for text in texts)),
            None,
        )

    await user.wait_until(lambda: found() is not None, within)
    message = found()
    assert message is not None
    return message
