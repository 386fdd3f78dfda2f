"""The demo clock: the real time plus an offset the chat page moves forward (time travel).

The offset lives in a small file (DEMO_CLOCK_FILE) that the demo launcher rewrites, so the bot
process reads the same moment the page shows without any channel of its own. A jump also has
to wake the scheduler, whose next wake-up was set for the old time: the launcher sends SIGUSR1
after rewriting the file (where the platform has it; elsewhere the scheduler's tick catches up).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.config import Settings

# The signal the launcher sends after a jump; None where the platform has no such signal.
JUMP_SIGNAL: signal.Signals | None = getattr(signal, "SIGUSR1", None)


def write_offset(path: Path, seconds: float) -> None:
    """Replace the file whole, so a reader never sees half a number."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{seconds:.0f}\n", encoding="ascii")
    os.replace(temporary, path)


def read_offset(path: Path) -> timedelta:
    text = path.read_text(encoding="ascii").strip()
    return timedelta(seconds=float(text or 0))


class OffsetClock:
    """SystemClock plus the offset in `path`, read again whenever the file changes."""

    def __init__(self, path: Path, base: Clock | None = None) -> None:
        self.path = path
        self.base = base or SystemClock()
        self._stamp: tuple[int, int, int] | None = None
        self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        stat = self.path.stat()
        # A replaced file is a new inode: a second jump within one mtime tick is seen too.
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._offset = read_offset(self.path)
            self._stamp = stamp
        return self._offset

    def now(self) -> datetime:
        return self.base.now() + self.offset


def clock_for(settings: Settings) -> Clock:
    """The bot's clock: the system's, or in demo mode (only there, see Settings) the demo's."""
    if settings.demo_clock_file is None:
        return SystemClock()
    return OffsetClock(settings.demo_clock_file)


def wake_on_jump(settings: Settings, wake: Callable[[], None]) -> None:
    """In demo mode, call `wake` (the scheduler's poke) whenever the launcher signals a jump.
    Call it from inside the running event loop."""
    if settings.demo_clock_file is None or JUMP_SIGNAL is None:
        return
    # Windows' event loops take no signal handlers: the scheduler's tick catches up there.
    with contextlib.suppress(NotImplementedError):
        asyncio.get_running_loop().add_signal_handler(JUMP_SIGNAL, wake)
