"""A seminar's doors open: many people open the event link within a second and register at
once, against the emulator with Telegram's limits on (30 a second in all, about one a second
per chat). Everyone must get their answer, and nobody an error alert."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

from tests.e2e.conftest import BotProcess
from tests.factories import make_event, make_participant
from tgemu import ChatMessage, Emulator, EmuUser

NOW = datetime.now(UTC).replace(microsecond=0)
PEOPLE = 60
SEATS = 20
# Russian and Kazakh speakers come in the same crowd: the labels each one presses.
LABELS = {
    "ru": ("✅ Зарегистрироваться", "Да, зарегистрироваться", ("Готово!", "Мест нет:")),
    "kk": ("✅ Тіркелу", "Иә, тіркелемін", ("Дайын!", "Орын жоқ:")),
}


async def register_in_a_rush(person: EmuUser, language: str, code: str, delay: float) -> str:
    """One person: opens the link (somewhere within the first second), presses on as soon
    as each button appears; returns the text that told them the outcome."""
    register, yes, outcomes = LABELS[language]
    await asyncio.sleep(delay)  # the crowd's arrival, not a wait for the bot
    person.send_command("start", f"e_{code}")
    await person.wait_for_message(lambda m: register in m.button_texts(), 60)
    person.press(register)
    await person.wait_for_message(lambda m: yes in m.button_texts(), 60)
    person.press(yes)

    def outcome() -> ChatMessage | None:
        return next(
            (m for m in reversed(person.messages()) if m.content.startswith(outcomes)), None
        )

    await person.wait_until(lambda: outcome() is not None, 60)
    found = outcome()
    assert found is not None
    return found.content


async def test_sixty_people_register_within_a_second_and_every_one_is_answered(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    assert emulator.flood_limit == 30 and emulator.chat_flood_limit == 1.0, "Telegram's limits"
    ids = list(range(50_000, 50_000 + PEOPLE))
    language = {user_id: "kk" if user_id % 3 == 0 else "ru" for user_id in ids}
    async with bot_process.database() as db:
        event = await make_event(db, NOW, capacity=SEATS)
        for user_id in ids:
            await make_participant(
                db, user_id, NOW, language=language[user_id], phone=f"+7705{user_id:07d}"
            )
    await bot_process.start()
    arrivals = random.Random(11)
    outcomes = await asyncio.gather(
        *(
            register_in_a_rush(
                emulator.user(user_id, language_code=language[user_id]),
                language[user_id],
                event.code,
                arrivals.random(),
            )
            for user_id in ids
        )
    )

    confirmed = [text for text in outcomes if text.startswith(("Готово!", "Дайын!"))]
    assert len(confirmed) == SEATS
    assert len(outcomes) - len(confirmed) == PEOPLE - SEATS, "the rest are on the waiting list"
    alerts = [
        call for call in emulator.calls_to("answerCallbackQuery") if call.params.get("show_alert")
    ]
    assert alerts == [], "nobody saw an alert"
    async with bot_process.database() as db:
        states = await db.fetch_all(
            "SELECT status, COUNT(*) FROM registrations GROUP BY status ORDER BY status"
        )
    assert [tuple(row) for row in states] == [
        ("confirmed", SEATS),
        ("waitlisted", PEOPLE - SEATS),
    ]
    # The fixture also fails the test on any call the emulator refused, a 429 included.
