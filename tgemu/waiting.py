"""Waiting for the emulator's state to change, without polling.

This is asyncio.Condition without the lock: ``notify`` is a plain method, so synchronous code
(a test user pressing a button, the engine recording a call) can wake waiters without awaiting.
On one event loop nothing can interleave between checking a predicate and parking, so the
lock a Condition needs for threads would buy nothing here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Signal:
    """One shared future per change: a notify wakes every waiter at the cost of one callback,
    which keeps hundreds of simulated people waiting at once cheap."""

    def __init__(self) -> None:
        self._changed: asyncio.Future[None] | None = None

    def notify(self) -> None:
        if self._changed is not None and not self._changed.done():
            self._changed.set_result(None)
        self._changed = None

    async def wait_for(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until ``predicate()`` holds (True) or ``seconds`` pass (False)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not predicate():
            if loop.time() >= deadline:
                return False
            if self._changed is None:
                self._changed = loop.create_future()
            try:
                async with asyncio.timeout_at(deadline):
                    # Shielded: one waiter timing out must not cancel the others' future.
                    await asyncio.shield(self._changed)
            except TimeoutError:
                return predicate()
        return True
