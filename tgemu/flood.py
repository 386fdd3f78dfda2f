"""Telegram's flood limits: N message calls per sliding one-second window in all, and about one
a second in each chat, with short bursts let through (a GCRA bucket per chat)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 1.0


class FloodLimiter:
    def __init__(
        self,
        limit: int | None,
        clock: Callable[[], float],
        chat_limit: float | None = None,
        chat_burst: int = 1,
    ) -> None:
        """``limit`` calls per second in all, ``chat_limit`` per second in one chat after a
        burst of ``chat_burst``; ``None`` switches a limit off."""
        self.limit = limit
        self.chat_limit = chat_limit
        self.chat_burst = chat_burst
        self.refusals = 0
        self.chat_refusals = 0
        self._clock = clock
        self._recent: deque[float] = deque()
        self._chat_due: dict[int, float] = {}

    def acquire(self, chat_id: object = None) -> int | None:
        """Count one call; when over a limit, count a refusal and return seconds to wait."""
        now = self._clock()
        while self._recent and self._recent[0] <= now - WINDOW_SECONDS:
            self._recent.popleft()
        if self.limit is not None and len(self._recent) >= self.limit:
            self.refusals += 1
            # Telegram's retry_after is whole seconds and never 0.
            return max(1, math.ceil(self._recent[0] + WINDOW_SECONDS - now))
        if self.chat_limit is not None and isinstance(chat_id, int):
            interval = 1 / self.chat_limit
            due = max(self._chat_due.get(chat_id, now), now)
            allowed_at = due - (self.chat_burst - 1) * interval
            if allowed_at > now:
                self.refusals += 1
                self.chat_refusals += 1
                return max(1, math.ceil(allowed_at - now))
            self._chat_due[chat_id] = due + interval
        self._recent.append(now)
        return None
