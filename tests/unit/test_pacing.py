"""The pace of the bot's messages as people notice it: a reply goes out at once even in the
middle of a broadcast, the broadcast keeps to its share of the rate, one chat gets a short
burst and then about a message a second, and the bot as a whole never sends faster than its
rate. All on a virtual clock: nothing really waits."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import TypeVar

import pytest

from bot.platform.pacing import Pacer, PaceSettings, Priority
from tests.harness import VirtualTime

T = TypeVar("T")

# Slack for sums of float intervals, far below any interval the pacer keeps.
EPSILON = 1e-9
# Loop turns after each wake-up before the clock moves on (see SharedTime.run).
SETTLE_TURNS = 50


class SharedTime(VirtualTime):
    """VirtualTime for tasks that wait side by side.

    VirtualTime moves the clock by each sleep as soon as it is asked for, so two tasks
    sleeping at the same time would wait one after the other, and a pause held by one chat
    would look like a pause for everybody. Here every sleeper wakes at its own deadline, the
    earliest first (in the order they fell asleep when due together)."""

    def __init__(self) -> None:
        super().__init__()
        self._wakeups: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        woken = asyncio.get_running_loop().create_future()
        deadline = self.now + max(seconds, 0.0)
        heapq.heappush(self._wakeups, (deadline, next(self._order), woken))
        await woken

    async def run(self, *work: Awaitable[T]) -> list[T]:
        """Run `work` side by side to the end, moving the clock from one wake-up to the next."""
        tasks = [asyncio.ensure_future(each) for each in work]
        try:
            while True:
                # Nothing here does I/O: a fixed number of loop turns deterministically lets
                # every runnable task go on until it waits again, before time moves.
                for _ in range(SETTLE_TURNS):
                    await asyncio.sleep(0)
                if all(task.done() for task in tasks):
                    return [task.result() for task in tasks]
                assert self._wakeups, "tasks are stuck waiting for something other than time"
                deadline, _, woken = heapq.heappop(self._wakeups)
                self.now = max(self.now, deadline)
                woken.set_result(None)
        finally:
            for task in tasks:
                task.cancel()


def pacer_on(clock: VirtualTime, settings: PaceSettings | None = None) -> Pacer:
    return Pacer(settings or PaceSettings(), now=clock, sleep=clock.sleep)


def busiest_second(times: list[float]) -> int:
    """The most grants within any one second."""
    return max(
        sum(1 for other in times if start <= other < start + 1.0 - EPSILON) for start in times
    )


def closest(times: list[float]) -> float:
    """The shortest time between two grants: under 1/rate, two calls shared a slot."""
    return min(later - earlier for earlier, later in itertools.pairwise(sorted(times)))


async def test_a_reply_in_the_middle_of_a_broadcast_waits_at_most_one_slot() -> None:
    clock = SharedTime()
    pacer = pacer_on(clock, PaceSettings(rate=10))
    bulk_granted: list[float] = []
    reply: dict[str, float] = {}

    async def bulk(chat_id: int) -> None:
        await pacer.acquire(chat_id, Priority.BULK)
        bulk_granted.append(clock.now)

    async def answer_someone() -> None:
        await clock.sleep(0.5)
        reply["asked"] = clock.now
        await pacer.acquire(1, Priority.REPLY)
        reply["granted"] = clock.now

    await clock.run(*(bulk(100 + n) for n in range(20)), answer_someone())

    assert reply["granted"] - reply["asked"] <= 1 / 10 + EPSILON, "one slot at most"
    overtaken = [at for at in bulk_granted if at > reply["granted"]]
    assert len(overtaken) >= 10, "bulk sends queued before the reply went after it"
    assert len(bulk_granted) == 20


async def test_a_broadcast_keeps_to_its_share_while_replies_still_go_out_at_once() -> None:
    clock = SharedTime()
    pacer = pacer_on(clock, PaceSettings(rate=10, bulk_share=0.8))
    bulk_granted: list[float] = []
    reply_granted: list[float] = []
    reply_waits: list[float] = []

    async def bulk(chat_id: int) -> None:
        await pacer.acquire(chat_id, Priority.BULK)
        bulk_granted.append(clock.now)

    async def people_writing_in() -> None:
        for n in range(20):  # two a second for ten seconds, each from somebody else
            await clock.sleep(0.5)
            asked = clock.now
            await pacer.acquire(n, Priority.REPLY)
            reply_granted.append(clock.now)
            reply_waits.append(clock.now - asked)

    end = clock.now + 10
    await clock.run(*(bulk(100 + n) for n in range(150)), people_writing_in())

    during = [at for at in bulk_granted if at < end]
    assert busiest_second(during) <= 8, "0.8 of 10 a second"
    assert len(during) >= 60, "slowed by the replies (six a second at least), not stopped"
    assert max(reply_waits) <= 1 / 10 + EPSILON
    assert closest(bulk_granted + reply_granted) >= 1 / 10 - EPSILON


async def test_the_bot_never_sends_faster_than_its_rate_however_many_chats_wait() -> None:
    clock = SharedTime()
    pacer = pacer_on(clock, PaceSettings(rate=25))
    granted: list[float] = []

    async def send(chat_id: int, priority: Priority) -> None:
        await pacer.acquire(chat_id, priority)
        granted.append(clock.now)

    replies = (send(n, Priority.REPLY) for n in range(60))
    broadcast = (send(1000 + n, Priority.BULK) for n in range(60))
    await clock.run(*replies, *broadcast)

    assert len(granted) == 120
    assert busiest_second(granted) <= 25
    assert closest(granted) >= 1 / 25 - EPSILON


async def test_one_chat_gets_four_messages_at_once_then_one_a_second() -> None:
    clock = VirtualTime()  # one sender at a time: the plain virtual clock is exact
    pacer = pacer_on(clock)
    start = clock.now
    sent: list[float] = []
    for _ in range(7):
        await pacer.acquire(7, Priority.REPLY)
        sent.append(clock.now - start)
    # The burst spaced only by the global rate (25 a second), then Telegram's one a second.
    assert sent == pytest.approx([0, 0.04, 0.08, 0.12, 1, 2, 3])

    clock.now += 60  # a quiet minute gives the chat its burst back
    again = clock.now
    for _ in range(4):
        await pacer.acquire(7, Priority.REPLY)
    assert clock.now - again == pytest.approx(0.12)


async def test_a_chat_at_its_pace_does_not_hold_up_another_chat() -> None:
    clock = SharedTime()
    pacer = pacer_on(clock)
    start = clock.now
    other: dict[str, float] = {}

    async def busy_chat() -> None:
        for _ in range(10):
            await pacer.acquire(7, Priority.REPLY)

    async def another_chat() -> None:
        await clock.sleep(2.5)
        asked = clock.now
        await pacer.acquire(8, Priority.REPLY)
        other["waited"] = clock.now - asked

    await clock.run(busy_chat(), another_chat())
    assert clock.now - start >= 10 - 4, "the busy chat was paced"
    assert other["waited"] <= 1 / 25 + EPSILON


@pytest.mark.parametrize("priority", list(Priority))
async def test_messages_sent_to_one_chat_at_once_arrive_in_order_at_its_pace(
    priority: Priority,
) -> None:
    clock = SharedTime()
    pacer = pacer_on(clock)
    start = clock.now
    delivered: list[tuple[int, float]] = []

    async def send(number: int) -> None:
        await pacer.acquire(7, priority)
        delivered.append((number, clock.now - start))

    await clock.run(*(send(number) for number in range(12)))
    assert [number for number, _ in delivered] == list(range(12))
    # After the burst of four, the fifth a second after the first, and so on.
    assert all(at >= number - 3 - EPSILON for number, at in delivered[4:])


@pytest.mark.parametrize("priority", list(Priority))
async def test_after_a_429_nobody_waiting_is_sent_to_before_the_pause_ends(
    priority: Priority,
) -> None:
    clock = SharedTime()
    pacer = pacer_on(clock)
    start = clock.now
    granted: list[float] = []

    async def send(chat_id: int) -> None:
        await pacer.acquire(chat_id, priority)
        granted.append(clock.now - start)

    async def telegram_says_429() -> None:
        await clock.sleep(0.5)
        pacer.pause(3, chat_id=None)

    await clock.run(*(send(100 + n) for n in range(30)), telegram_says_429())
    assert len(granted) == 30
    before = [at for at in granted if at <= 0.5]
    assert 0 < len(before) < 30, "the 429 came in the middle of the queue"
    assert all(at >= 3.5 for at in granted if at > 0.5), "the rest waited out the 3 s"
