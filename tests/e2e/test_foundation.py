"""The foundation seen from a Telegram client: language choice, /language, polite fallbacks,
the command menu, and a clean stop on SIGTERM."""

from __future__ import annotations

import sqlite3

from tests.e2e.conftest import COORDINATOR_ID, BotProcess, newcomer
from tgemu import Emulator

KAZAKH_LETTERS = set("әғқңөұүһі")


async def test_first_start_speaks_telegrams_language_and_switches_in_one_tap(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    aset = newcomer(emulator, 501, language_code="kk")
    aset.send_command("start")
    consent = await aset.wait_for_message()
    assert "Дербес деректер" in consent.content, "Telegram says Kazakh: no language question"
    assert consent.button_texts()[-2:] == ["✓ Қазақша", "Русский"]

    aset.press("Русский")
    await aset.wait_until(lambda: "персональных данных" in consent.content)
    assert consent.button_texts()[-2:] == ["✓ Русский", "Қазақша"], "and back in one tap"

    stranger = newcomer(emulator, 506, language_code="en")
    stranger.send_command("start")
    choice = await stranger.wait_for_message()
    assert choice.button_texts() == ["✓ Русский", "Қазақша"]
    stranger.press("Қазақша")
    await stranger.wait_for_message(lambda m: "Дербес деректер" in m.content)
    assert "қазақша" in choice.content, "the language message is edited to confirm the choice"


async def test_language_switch_changes_every_later_text(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    olga = newcomer(emulator, 502, language_code="ru")
    olga.send_command("start")
    await olga.wait_for_message(lambda m: "персональных данных" in m.content)

    olga.send_command("language")
    picker = await olga.wait_for_message(lambda m: "Қазақша" in m.button_texts())
    olga.press("Қазақша")
    await olga.wait_until(lambda: "қазақша" in picker.content)

    olga.send_command("help")
    help_text = await olga.wait_for_message(lambda m: "/language" in m.content)
    assert KAZAKH_LETTERS & set(help_text.content)
    assert "/language" in help_text.content


async def test_unknown_command_and_stray_message_get_polite_hints(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    user = newcomer(emulator, 503)
    user.send_command("start")
    await user.wait_for_message(lambda m: "персональных данных" in m.content)

    user.send_command("frobnicate")
    assert "Такой команды нет" in (await user.wait_for_message()).content
    user.send_text("привет")
    assert "/help" in (await user.wait_for_message()).content


async def test_command_menu_in_both_languages_and_coordinator_scope(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    await emulator.wait_until(
        lambda: bool(emulator.visible_commands(COORDINATOR_ID, "kk")),
        describe=bot_process.describe,
    )
    participant_ru = [c["command"] for c in emulator.visible_commands(777, "ru")]
    coordinator_kk = [c["command"] for c in emulator.visible_commands(COORDINATOR_ID, "kk")]
    assert "admin" not in participant_ru
    assert {"start", "language", "help"} <= set(participant_ru)
    assert "admin" in coordinator_kk
    kk_descriptions = " ".join(c["description"] for c in emulator.visible_commands(777, "kk"))
    assert KAZAKH_LETTERS & set(kk_descriptions)


async def test_sigterm_stops_cleanly_and_state_survives(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    user = newcomer(emulator, 504, language_code="kk")
    user.send_command("start")
    await user.wait_for_message(lambda m: "Дербес деректер" in m.content)
    user.press("✅ Келісемін")
    await user.wait_for_message(lambda m: "5 қадамның 1-қадамы" in m.content)

    assert await bot_process.stop() == 0

    with sqlite3.connect(bot_process.database_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT language FROM users WHERE id = 504").fetchone() == ("kk",)

    await bot_process.start()
    user.send_command("help")
    assert KAZAKH_LETTERS & set((await user.wait_for_message()).content)


async def test_restart_in_the_middle_of_the_profile_form_resumes_there(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    dana = newcomer(emulator, 505)
    dana.send_command("start")
    await dana.wait_for_message(lambda m: "персональных данных" in m.content)
    dana.press("✅ Согласен(на)")
    await dana.wait_for_message(lambda m: "Шаг 1 из 5" in m.content)
    dana.send_text("Сапарова Дана")
    await dana.wait_for_message(lambda m: "Шаг 2 из 5" in m.content)
    dana.press_reply_button("📱 Отправить мой номер")
    await dana.wait_for_message(lambda m: "Шаг 3 из 5" in m.content)

    await bot_process.restart()

    dana.press_reply_button("Пропустить")
    await dana.wait_for_message(lambda m: "Шаг 4 из 5" in m.content)
    dana.press_reply_button("Член общественного совета")
    await dana.wait_for_message(lambda m: "Шаг 5 из 5" in m.content)
    dana.press_reply_button("Бостандыкский район")
    await dana.wait_for_message(lambda m: "Анкета сохранена" in m.content)
    assert dana.chat.reply_keyboard is None, "the form's keyboard is removed at the end"

    with sqlite3.connect(bot_process.database_path) as db:
        row = db.execute(
            "SELECT full_name, phone, category, district FROM users WHERE id = 505"
        ).fetchone()
    assert row == ("Сапарова Дана", dana.profile.phone, "public_council", "bostandyk")
