"""/delete_me against the real bot process: afterwards neither bot.sqlite3 nor its WAL holds
what the person typed into the bot, while the bot runs, after a SIGKILL and after the next
start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.clock import to_db
from tests.e2e.conftest import BotProcess, saw
from tests.factories import make_event, make_participant, sign_up
from tgemu import ChatMessage, Emulator, EmuUser

# Events are dated from the real clock: the bot process runs on it.
NOW = datetime.now(UTC).replace(microsecond=0)
SURNAME = "Жумабекова"
PHONE = "+77015550199"
ORGANISATION = "Ассоциация Тестовых Данных"
IMPROVE = "позвоните мне +77015550199"
SECRETS = (SURNAME, PHONE, ORGANISATION, "позвоните мне")


def on_disk(bot: BotProcess) -> dict[str, list[str]]:
    """Per file (the database, its WAL), the secrets its raw bytes still hold."""
    found: dict[str, list[str]] = {}
    for path in (bot.database_path, bot.database_path.with_name("bot.sqlite3-wal")):
        data = path.read_bytes() if path.exists() else b""
        found[path.name] = [secret for secret in SECRETS if secret.encode() in data]
    return found


CLEAN: dict[str, list[str]] = {"bot.sqlite3": [], "bot.sqlite3-wal": []}


def has(text: str) -> Callable[[ChatMessage], bool]:
    return lambda message: text in message.content


def shows(label: str) -> Callable[[ChatMessage], bool]:
    return lambda message: label in message.button_texts()


def newest_buttons(user: EmuUser) -> list[str]:
    message = user.last_message()
    return message.button_texts() if message is not None else []


async def test_erased_data_leaves_the_files_while_running_and_after_a_kill(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    async with bot_process.database() as db:
        # A seminar that ended an hour and a half ago, its questionnaire open.
        event = await make_event(
            db,
            NOW - timedelta(days=2),
            starts_at=NOW - timedelta(hours=3, minutes=30),
            survey_template="seminar",
        )
        await make_participant(db, 9301, NOW - timedelta(days=2), full_name="Ахметова Динара")
        await sign_up(db, event.id, 9301, NOW - timedelta(days=2))
        await db.execute(
            "INSERT INTO checkins (event_id, user_id, method, checked_in_at) "
            "VALUES (?, 9301, 'qr', ?)",
            (event.id, to_db(NOW - timedelta(hours=3))),
        )
    dinara = emulator.user(9301)
    dinara.profile.started = True  # she has used the bot before
    await bot_process.start()
    await dinara.wait_for_message(shows("📝 Ответить на анкету"))

    # She corrects her profile, typing everything that later has to go.
    dinara.send_command("profile")
    for label, value, question in (
        ("✏️ ФИО", f"{SURNAME} Динара", "фамилию и имя"),
        ("✏️ Телефон", PHONE, "номер телефона"),
        ("✏️ Организация", ORGANISATION, "Какую организацию"),
    ):
        await dinara.wait_for_message(shows(label))  # the card, also after a field is saved
        dinara.press(label)
        await dinara.wait_for_message(has(question))
        dinara.send_text(value)
        await dinara.wait_for_message(has("Сохранено."))

    dinara.press("📝 Ответить на анкету")
    await dinara.wait_for_message(has("Вопрос 1 из 8"))
    for number, label in enumerate(("5", "4", "4", "5", "Пропустить"), start=2):
        dinara.press(label)
        await saw(dinara, f"Вопрос {number} из 8")
    dinara.send_text(IMPROVE)
    await saw(dinara, "Вопрос 7 из 8")
    dinara.press("Да")
    await saw(dinara, "Вопрос 8 из 8")
    dinara.press("Медиаграмотность")
    await dinara.wait_until(lambda: "✅ Медиаграмотность" in newest_buttons(dinara))
    dinara.press("Готово ✔")
    await dinara.wait_for_message(has("Ваши ответы"))
    assert on_disk(bot_process) != CLEAN, "the test looks for what was really written"

    dinara.send_command("delete_me")
    await dinara.wait_for_message(shows("Да, удалить мои данные"))
    dinara.press("Да, удалить мои данные")
    await saw(dinara, "Ваши данные удалены")
    assert on_disk(bot_process) == CLEAN, "while the bot runs"
    await dinara.wait_until(lambda: all(q.answered for q in dinara.callback_queries()))

    await bot_process.kill()
    assert on_disk(bot_process) == CLEAN, "after a SIGKILL"
    await bot_process.start()
    assert on_disk(bot_process) == CLEAN, "after the next start"

    async with bot_process.database() as db:
        kept = await db.fetch_all(
            "SELECT a.question_id, a.value_number, a.value_choices FROM survey_answers a "
            "JOIN survey_responses r ON r.id = a.response_id "
            "JOIN users u ON u.id = r.user_id WHERE u.deleted_at IS NOT NULL ORDER BY 1"
        )
    assert [tuple(row) for row in kept] == [
        ("content", 4.0, None),
        ("organisation", 5.0, None),
        ("overall", 5.0, None),
        ("recommend", 1.0, None),
        ("speaker", 4.0, None),
        ("topics", None, '["media"]'),
    ], "the answers reports count stay"
