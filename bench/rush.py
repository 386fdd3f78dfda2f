"""A registration rush: many people open an event link and tap Register within one second.

    python bench/rush.py [--count 300] [--seats 100] [--spread 1.0] [--rate 25] [--in-process]

Every person already has a profile. Their first actions (`/start e_<code>`) are spread over
`--spread` seconds; each then presses "✅ Зарегистрироваться" on the card and "Да,
зарегистрироваться" on the prompt as soon as they see it, and waits for the outcome: "Готово!"
or a place on the waiting list. The event has fewer seats than people (a third by default).

The bot polls the emulator for real, as the `python -m bot` subprocess the end-to-end tests
run, or with `--in-process` as `bot.app.run` in this process's event loop (the same code, no
process start). The emulator enforces Telegram's limits: 30 message calls a second in all (a
sliding window), one a second per chat after a burst of five.

Timing is measured against the subprocess by default because in-process the emulator, the
people and the bot share one heap and one event loop: a collection of that heap stops the
emulator too (0.3-0.9 s here), the calls that arrive meanwhile are stamped together, and the
window refuses them, so the in-process ratio is lower than the bot's own (`--in-process` is
still right for the functional goals). For the same reason this process's start-up heap is
frozen before the rush (`gc.freeze`): the emulator stands for Telegram, whose servers do not
stop for our collector.

Goals: every person gets an outcome, nobody sees the generic error alert, exactly `seats`
people are confirmed (exit status 1 if any of these is missed), and the rush takes no longer
than 1 / 0.8 of the floor Telegram's limit sets: (message calls the bot made) / 30 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import signal
import sys
import tempfile
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import run
from bot.config import Settings
from bot.platform.database_file import open_database
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.texts import Texts
from tests.e2e.conftest import BotProcess
from tests.factories import make_event, make_participant
from tgemu import (
    DEFAULT_TOKEN,
    ApiCall,
    CallbackQueryRecord,
    ChatMessage,
    Emulator,
    EmuUser,
    start_server,
)
from tgemu.bot_methods import FLOOD_METHODS

TELEGRAM_LIMIT = 30  # message calls a second, Telegram's (and the emulator's) global limit
RATIO_GOAL = 0.8
FIRST_USER_ID = 100_000
START_TIMEOUT = 15.0
STOP_TIMEOUT = 30.0

REGISTER = "✅ Зарегистрироваться"
YES = "Да, зарегистрироваться"
CONFIRMED = "Готово!"
WAITLISTED = "под номером"

T = TypeVar("T")


@dataclass
class Person:
    user: EmuUser
    offset: float  # seconds after the rush's start at which this person opens the link
    started: float | None = None
    outcome: str | None = None  # "confirmed" or "waitlisted"
    outcome_at: float | None = None
    done_at: float | None = None  # the card after the outcome arrived too
    stuck: str | None = None  # the step this person never got past
    queries: list[CallbackQueryRecord] = field(default_factory=list)

    def alerted(self) -> bool:
        return any(query.show_alert for query in self.queries)


class Rush:
    """The people's side: each plays the flow as soon as the bot's answers land."""

    def __init__(self, emulator: Emulator, code: str, deadline: float) -> None:
        self.emulator = emulator
        self.code = code
        self.deadline = deadline  # emulator clock: nobody waits past it

    async def see(self, person: Person, find: Callable[[], T | None]) -> T | None:
        """Wait for `find()` to find something; None once the person got an alert (they
        would not wait for more) or the rush's deadline passed."""
        found: list[T] = []

        def ready() -> bool:
            value = find()
            if value is not None:
                found.append(value)
                return True
            return person.alerted()

        await self.emulator.signal.wait_for(ready, self.deadline - self.emulator.clock())
        return found[-1] if found else None

    async def play(self, person: Person, start: float) -> None:
        clock, user = self.emulator.clock, person.user
        await asyncio.sleep(max(0.0, start + person.offset - clock()))
        person.started = clock()
        user.send_command("start", f"e_{self.code}")
        card = await self.see(person, lambda: newer_with_button(user, user.seen, REGISTER))
        if card is None:
            person.stuck = "the event card"
            return
        person.queries.append(user.press(REGISTER, card))
        prompt = await self.see(person, lambda: newer_with_button(user, card.message_id, YES))
        if prompt is None:
            person.stuck = "the confirmation prompt"
            return
        person.queries.append(user.press(YES, prompt))
        outcome = await self.see(person, lambda: outcome_of(prompt))
        if outcome is None:
            person.stuck = "the outcome"
            return
        person.outcome, person.outcome_at = outcome, clock()
        # The bot sends the card again under the outcome: the rush is over once it is there.
        if await self.see(person, lambda: newer(user, prompt.message_id)) is not None:
            person.done_at = clock()


def newer(user: EmuUser, after: int) -> ChatMessage | None:
    chat = user.chat
    for message_id in range(after + 1, chat.last_message_id + 1):
        message = chat.messages.get(message_id)
        if message is not None and message.from_bot and not message.deleted:
            return message
    return None


def newer_with_button(user: EmuUser, after: int, label: str) -> ChatMessage | None:
    while (message := newer(user, after)) is not None:
        if label in message.button_texts():
            return message
        after = message.message_id
    return None


def outcome_of(prompt: ChatMessage) -> str | None:
    # The bot edits the prompt into the outcome.
    if prompt.content.startswith(CONFIRMED):
        return "confirmed"
    if WAITLISTED in prompt.content:
        return "waitlisted"
    return None


async def seed(settings: Settings, count: int, seats: int) -> str:
    """The event and its would-be participants; returns the event's link code."""
    db = await open_database(settings)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        event = await make_event(db, now, capacity=seats)
        for user_id in range(FIRST_USER_ID, FIRST_USER_ID + count):
            await make_participant(db, user_id, now, phone=f"+7701{user_id:07d}")
        return event.code
    finally:
        await db.close()


async def registration_counts(settings: Settings) -> Counter[str]:
    db = await open_database(settings)
    try:
        rows = await db.fetch_all("SELECT status, COUNT(*) FROM registrations GROUP BY status")
        return Counter({str(row[0]): int(row[1]) for row in rows})
    finally:
        await db.close()


class InProcessBot:
    """`bot.app.run`, the very coroutine `python -m bot` runs, as a task of this event loop:
    the production Dispatcher, session middleware, start-up and shutdown. It is stopped as the
    real process is, by SIGTERM (to this process), which its signal handler turns into a
    graceful stop."""

    def __init__(self, settings: Settings, emulator: Emulator) -> None:
        self.settings = settings
        self.emulator = emulator
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        # As `bot.__main__.main` does before it runs the bot: time zones from tzdata only.
        zoneinfo.reset_tzpath(to=[])
        polls = self.emulator.get_updates_count
        task = self.task = asyncio.create_task(run(self.settings))
        await self.emulator.wait_until(
            lambda: self.emulator.get_updates_count > polls or task.done(), START_TIMEOUT
        )
        if task.done():
            await task  # raises whatever stopped it
            raise RuntimeError("the bot stopped before it polled")

    async def stop(self) -> None:
        task = self.task
        if task is None or task.done():
            return
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, signal.SIG_IGN, None):
            # Nobody listens for SIGTERM (the bot would take the bench down with it).
            task.cancel()
        else:
            signal.raise_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT)
        except TimeoutError:
            print(f"the bot did not stop within {STOP_TIMEOUT:g} s of SIGTERM")
        except asyncio.CancelledError:
            pass

    def logged_errors(self) -> list[str]:
        return []  # in this process the bot's log goes to stderr as it happens


class ProcessBot:
    """`python -m bot` as the end-to-end tests run it."""

    def __init__(self, emulator: Emulator, workdir: Path, rate: float) -> None:
        self.process = BotProcess(emulator, workdir)
        self.rate = rate

    async def start(self) -> None:
        await self.process.start(SEND_RATE=str(self.rate))

    async def stop(self) -> None:
        code = await self.process.stop()
        if code != 0:
            print(f"the bot exited with {code}; log: {self.process.log()[-2000:]}")

    def logged_errors(self) -> list[str]:
        return [line for line in self.process.log().splitlines() if " ERROR " in line]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the value at or below which `share` of `values` lie."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def busiest_second(stamps: list[float]) -> int:
    """The most message calls in any one-second window: how close we ran to the limit."""
    times = sorted(stamps)
    best, first = 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - 1.0:
            first += 1
        best = max(best, last - first + 1)
    return best


@dataclass
class Measured:
    people: list[Person]
    calls: list[ApiCall]  # the bot's calls during the rush
    counts: Counter[str]  # registrations by status, from the database afterwards
    flood_429s: int
    chat_429s: int
    unanswered: int
    logged_errors: list[str]


@dataclass(frozen=True)
class Options:
    count: int  # people
    seats: int
    spread: float  # seconds over which the people's first actions fall
    rate: float  # SEND_RATE
    patience: float  # seconds after the start nobody waits past
    in_process: bool  # `bot.app.run` in this event loop rather than `python -m bot`


async def measure(o: Options) -> Measured:
    # Telegram's limits, spelled out: the bench is about running right under them.
    emulator = Emulator(
        DEFAULT_TOKEN, flood_limit=TELEGRAM_LIMIT, chat_flood_limit=1.0, chat_flood_burst=5
    )
    runner, base_url = await start_server(emulator)
    try:
        with tempfile.TemporaryDirectory() as folder:
            workdir = Path(folder)
            settings = Settings(
                bot_token=DEFAULT_TOKEN,
                database_path=workdir / "bot.sqlite3",  # where BotProcess keeps it too
                telegram_api_url=base_url,
                send_rate=o.rate,
                quiet_hours_start="00:00",
                quiet_hours_end="00:00",
            )
            code = await seed(settings, o.count, o.seats)
            bot = (
                InProcessBot(settings, emulator)
                if o.in_process
                else ProcessBot(emulator, workdir, o.rate)
            )
            await bot.start()
            try:
                people = [
                    Person(emulator.user(FIRST_USER_ID + n), o.spread * n / o.count)
                    for n in range(o.count)
                ]
                if not o.in_process:
                    # See the module docstring: the heap built so far (aiogram's types,
                    # imported for the seeding) is never walked again by a full collection.
                    gc.collect()
                    gc.freeze()
                calls_before = len(emulator.calls)
                start = emulator.clock() + 0.05  # everyone's asyncio.sleep is armed by then
                rush = Rush(emulator, code, start + o.patience)
                await asyncio.gather(*(rush.play(person, start) for person in people))
                # An answer may still be on its way after the last message.
                await emulator.signal.wait_for(lambda: not emulator.unanswered_callbacks(), 20)
            finally:
                await bot.stop()
            counts = await registration_counts(settings)
            logged_errors = bot.logged_errors()
    finally:
        emulator.close()
        await runner.cleanup()
    return Measured(
        people,
        emulator.calls[calls_before:],
        counts,
        emulator.flood_429_count,
        emulator.chat_flood_429_count,
        len(emulator.unanswered_callbacks()),
        logged_errors,
    )


def report(m: Measured, o: Options) -> bool:
    """Print the figures; True when the functional goals are met."""
    t = Texts("ru").of("ru")
    generic_error = t("error.generic")
    people, count = m.people, o.count
    sent = [call for call in m.calls if call.method in FLOOD_METHODS and call.ok]
    other_refusals = Counter(
        f"{call.method}: {call.error.description}"
        for call in m.calls
        if call.error is not None and call.error.error_code != 429
    )
    queries = [query for person in people for query in person.queries]
    alerts = [query.answer_text or "" for query in queries if query.show_alert]
    error_alerts = sum(clip(generic_error, CALLBACK_ANSWER_LIMIT) == text for text in alerts)
    error_messages = sum(
        message.content == generic_error for p in people for message in p.user.messages()
    )
    answered = [p for p in people if p.outcome is not None]
    confirmed = sum(p.outcome == "confirmed" for p in people)
    latencies = [
        p.outcome_at - p.started for p in answered if p.outcome_at and p.started is not None
    ]
    first = min(p.started for p in people if p.started is not None)
    ends = [p.done_at or p.outcome_at for p in people] + [call.at for call in sent]
    actual = max(at for at in ends if at is not None) - first
    floor = len(sent) / TELEGRAM_LIMIT
    ratio = floor / actual
    stuck = Counter(p.stuck for p in people if p.stuck)

    print(
        f"bot:                      {'bot.app.run in-process' if o.in_process else 'python -m bot'}"
    )
    print(f"people / seats:           {count} / {o.seats}, first actions within {o.spread:g} s")
    print(f"answered:                 {len(answered)} / {count}")
    print(f"confirmed:                {confirmed}  (database: {dict(m.counts)})")
    print(
        f"error alerts shown:       {error_alerts}  (other alerts {len(alerts) - error_alerts}, "
        f"error messages {error_messages}, unanswered presses {m.unanswered})"
    )
    print(f"emulator 429s:            {m.flood_429s}  (of them per chat: {m.chat_429s})")
    print(f"other refusals:           {sum(other_refusals.values())} {dict(other_refusals)}")
    if stuck:
        print(f"stuck waiting for:        {dict(stuck)}")
    if m.logged_errors:
        print(f"bot log errors:           {len(m.logged_errors)}, the first: {m.logged_errors[0]}")
    if latencies:
        print(
            f"first action -> outcome:  p50 {percentile(latencies, 0.5):.1f} s, "
            f"p95 {percentile(latencies, 0.95):.1f} s, max {max(latencies):.1f} s"
        )
    print(f"message calls:            {len(sent)} {dict(Counter(call.method for call in sent))}")
    print(
        f"busiest second:           {busiest_second([call.at for call in sent])} calls "
        f"(Telegram's limit {TELEGRAM_LIMIT}, our pace {o.rate:g})"
    )
    print(
        f"rush wall time:           {actual:.1f} s  (floor {floor:.1f} s at {TELEGRAM_LIMIT}/s, "
        f"{len(sent) / o.rate:.1f} s at our pace of {o.rate:g}/s)"
    )
    print(f"ratio (floor/actual):     {ratio:.3f}")
    functional = {
        f"{len(answered)}/{count} answered": len(answered) == count,
        f"{error_alerts + error_messages} error alerts": error_alerts + error_messages == 0,
        f"{confirmed} confirmed for {o.seats} seats": confirmed == o.seats == m.counts["confirmed"],
    }
    for goal, met in functional.items():
        print(f"goal {'met' if met else 'missed'}: {goal}")
    print(f"goal {'met' if ratio >= RATIO_GOAL else 'missed'}: ratio {ratio:.3f} >= {RATIO_GOAL}")
    return all(functional.values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=300, help="people in the rush")
    parser.add_argument("--seats", type=int, help="the event's capacity (default: count / 3)")
    parser.add_argument("--spread", type=float, default=1.0, help="seconds of first actions")
    parser.add_argument("--rate", type=float, default=25, help="SEND_RATE, our pace (max 30)")
    parser.add_argument("--patience", type=float, default=300, help="seconds anyone waits")
    parser.add_argument(
        "--in-process", action="store_true", help="run the bot in this process's event loop"
    )
    args = parser.parse_args()
    seats = args.seats if args.seats is not None else max(1, args.count // 3)
    if not 0 < seats < args.count:
        parser.error("--seats must be fewer than --count (and at least 1)")
    options = Options(args.count, seats, args.spread, args.rate, args.patience, args.in_process)
    sys.exit(0 if report(asyncio.run(measure(options)), options) else 1)


if __name__ == "__main__":
    main()
