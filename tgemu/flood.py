"""Telegram's global flood limit: N message-sending calls per sliding one-second window."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 1.0


class FloodLimiter:
    def __init__(self, limit: int | None, clock: Callable[[], float]) -> None:
        """``limit`` calls per second; ``None`` switches the limit off."""
        self.limit = limit
        self.refusals = 0
        self._clock = clock
        self._recent: deque[float] = deque()

    def acquire(self) -> int | None:
        """Count one call; when over the limit, count a refusal and return seconds to wait."""
        now = self._clock()
        while self._recent and self._recent[0] <= now - WINDOW_SECONDS:
            self._recent.popleft()
        if self.limit is not None and len(self._recent) >= self.limit:
            self.refusals += 1
            # Telegram's retry_after is whole seconds and never 0.
            return max(1, math.ceil(self._recent[0] + WINDOW_SECONDS - now))
        self._recent.append(now)
        return None
