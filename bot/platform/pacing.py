"""Telegram's limits on the bot's side: one pacer for every message the bot sends.

Telegram answers 429 to a bot that sends more than about 30 messages a second in all, or more
than about one a second in one chat (short bursts pass). The pacer grants each message call a
slot under both limits. Replies to people who are waiting go ahead of bulk sends, and bulk
sends never take more than their share of the rate, so a reply finds room at once even in the
middle of a broadcast. After a 429 nobody sends until Telegram's retry_after has passed.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Priority(Enum):
    REPLY = "reply"  # somebody is waiting for this answer
    BULK = "bulk"  # reminders, invitations, broadcasts: the outbox


@dataclass(frozen=True)
class PaceSettings:
    rate: float = 25.0  # message calls per second in all, below Telegram's ~30
    bulk_share: float = 0.8  # of `rate`; the rest stays free for replies
    chat_rate: float = 1.0  # per chat, sustained (Telegram: about one a second)
    chat_burst: int = 4  # per chat, back to back before the sustained pace applies

    def __post_init__(self) -> None:
        if self.rate <= 0 or not 0 < self.bulk_share <= 1:
            raise ValueError("rate must be positive and bulk_share within (0, 1]")
        if self.chat_rate <= 0 or self.chat_burst < 1:
            raise ValueError("chat_rate must be positive and chat_burst at least 1")


class Pacer:
    """Slots for message calls. `now` and `sleep` are monotonic seconds and a way to wait for
    them: the event loop's by default, a virtual clock in tests."""

    def __init__(
        self, settings: PaceSettings, *, now: Now | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.settings = settings
        self._now = now
        self._sleep = sleep
        self._interval = 1 / settings.rate
        self._bulk_interval = 1 / (settings.rate * settings.bulk_share)
        self._chat_interval = 1 / settings.chat_rate
        # GCRA: a chat may run this far ahead of its sustained pace (the burst).
        self._chat_tolerance = (settings.chat_burst - 1) * self._chat_interval
        self._next_slot = 0.0  # earliest time of the next global slot
        self._next_bulk = 0.0  # earliest time of the next bulk slot
        self._resume_at = 0.0  # after a 429: nobody sends before this
        self._chat_due: dict[int, float] = {}  # chat -> theoretical arrival time (GCRA)
        self._replies_waiting = 0
        self._bulk_line: deque[asyncio.Event] = deque()
        self.flood_waits = 0  # 429s Telegram answered, for the benchmarks and logs

    def now(self) -> float:
        return self._now() if self._now is not None else asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    async def acquire(self, chat_id: int | None, priority: Priority) -> None:
        """Wait for this chat's turn, then for a global slot of this priority."""
        if chat_id is not None:
            await self._chat_turn(chat_id)
        if priority is Priority.REPLY:
            await self._reply_slot()
        else:
            await self._bulk_slot()

    def pause(self, seconds: float, chat_id: int | None = None) -> None:
        """Telegram said 429: hold every send (and the chat's) for `seconds`.

        The answer does not say whether the chat's limit or the global one was hit, so both
        wait; our own pace makes either rare."""
        self.flood_waits += 1
        until = self.now() + seconds
        self._resume_at = max(self._resume_at, until)
        if chat_id is not None:
            # A chat may run `tolerance` ahead of its due time: push it past the pause.
            held = until + self._chat_tolerance
            self._chat_due[chat_id] = max(self._chat_due.get(chat_id, 0.0), held)

    async def _chat_turn(self, chat_id: int) -> None:
        now = self.now()
        due = max(self._chat_due.get(chat_id, now), now)
        # Reserve at once, so the chat's messages keep their order and nobody takes the slot.
        self._chat_due[chat_id] = due + self._chat_interval
        if len(self._chat_due) > 10_000:
            self._forget_idle_chats(now)
        if (wait := due - self._chat_tolerance - now) > 0:
            await self._sleep(wait)

    def _forget_idle_chats(self, now: float) -> None:
        idle = [chat for chat, due in self._chat_due.items() if due <= now]
        for chat in idle:
            del self._chat_due[chat]

    async def _reply_slot(self) -> None:
        self._replies_waiting += 1
        try:
            while True:
                now = self.now()
                slot = max(self._next_slot, self._resume_at, now)
                self._next_slot = slot + self._interval
                if slot > now:
                    await self._sleep(slot - now)
                # A 429 while this reply waited moves it behind the pause.
                if self.now() >= self._resume_at:
                    return
        finally:
            self._replies_waiting -= 1

    async def _bulk_slot(self) -> None:
        # Bulk sends go one after another in the order they asked, so deliveries keep the
        # queue's order; only the first in line watches the clock.
        turn = asyncio.Event()
        self._bulk_line.append(turn)
        try:
            if self._bulk_line[0] is not turn:
                await turn.wait()
            while True:
                now = self.now()
                ready = max(self._next_slot, self._next_bulk, self._resume_at)
                if ready <= now and not self._replies_waiting:
                    self._next_slot = now + self._interval
                    self._next_bulk = now + self._bulk_interval
                    return
                # Replies go first: look again after one slot's time.
                await self._sleep(max(ready - now, self._interval))
        finally:
            first = self._bulk_line[0] is turn
            self._bulk_line.remove(turn)
            if first and self._bulk_line:
                self._bulk_line[0].set()
