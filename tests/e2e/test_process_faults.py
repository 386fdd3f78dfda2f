"""The bot process under faults: an unreadable update among good ones, an update Telegram sends
again after a kill, a database it cannot write, a second process on the same token."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.platform.updates import NEWCOMER_CONFLICTS
from tests.e2e.conftest import ROOT, BotProcess, newcomer, saw
from tgemu import ApiCall, Emulator, EmuUser, Update

# A bot that cannot start should say so at once; this is only how long a test waits for it.
EXIT_TIMEOUT = 60.0
HELP = "Что умеет бот"


def unreadable_message(emulator: Emulator, user: EmuUser) -> Update:
    """A message with a field of a type aiogram does not expect (as a newer Bot API might
    send): `entities` is a list in the Bot API."""
    return emulator.push_update(
        "message",
        {
            "message_id": user.chat.next_message_id(),
            "from": user.profile.to_json(),
            "chat": user.chat.to_json(),
            "date": emulator.now(),
            "text": "hello",
            "entities": "bold",
        },
    )


def skip_lines(bot: BotProcess, update: Update) -> list[str]:
    return [line for line in bot.log().splitlines() if f"Update {update.update_id} (" in line]


async def test_an_unreadable_update_among_good_ones_stops_nobody_getting_answers(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    aset, bota = newcomer(emulator, 1801), newcomer(emulator, 1802)
    # One batch: the bad update between two good ones.
    aset.send_command("help")
    between = unreadable_message(emulator, aset)
    bota.send_command("help")
    await saw(aset, HELP)
    await saw(bota, HELP)
    # The last of its batch: the next getUpdates still confirms it.
    last = unreadable_message(emulator, bota)
    await emulator.wait_until(
        lambda: last not in emulator.pending_updates, describe=bot_process.describe
    )
    bota.send_command("help")
    await bota.wait_for_message(lambda m: HELP in m.content)

    for update in (between, last):
        [line] = skip_lines(bot_process, update)
        assert "cannot be read and is skipped: message.entities" in line
    assert "Traceback" not in bot_process.log()


async def test_an_update_sent_again_after_a_kill_has_no_second_effect(
    emulator: Emulator, bot_process: BotProcess
) -> None:
    await bot_process.start()
    dana = newcomer(emulator, 1803, language_code=None)  # asked for a language
    dana.send_command("start")
    await dana.wait_for_message()
    dana.press("✓ Русский")
    press = emulator.updates[-1]
    await dana.wait_for_message(lambda m: "персональных данных" in m.content)
    dana.send_command("help")
    command = emulator.updates[-1]
    await dana.wait_for_message(lambda m: HELP in m.content)
    # Her updates are handled in turn: once this one is answered, the two above are noted.
    dana.send_text("привет")
    await dana.wait_for_message(lambda m: "/help" in m.content)

    await bot_process.kill()
    # The confirmation of both never reached Telegram: the next process gets them again.
    emulator.redeliver(press)
    emulator.redeliver(command)
    await bot_process.start()
    # Answered after whatever came before it from her.
    dana.send_command("language")
    await dana.wait_for_message(lambda m: "Қазақша" in m.button_texts())

    assert sum("персональных данных" in m.content for m in dana.messages()) == 1
    assert sum(HELP in m.content for m in dana.messages()) == 1
    assert [q.answered for q in dana.callback_queries()] == [True]
    for update in (press, command):
        assert f"Update {update.update_id} came again" in bot_process.log()


@pytest.fixture
def unprivileged() -> list[str]:
    """What to run the bot under so file permissions stop it: as root, without the capability
    that overrides them (root could write a read-only file otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions would not stop the bot")
    drop = [setpriv, "--bounding-set=-dac_override", "--"]
    if subprocess.run([*drop, "true"], check=False).returncode != 0:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE: permissions bind nobody")
    return drop


async def exit_of(bot: BotProcess, prefix: list[str]) -> tuple[int, list[str]]:
    """Run the bot until it exits by itself; its exit code and what it printed."""
    process = await asyncio.create_subprocess_exec(
        *prefix,
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=bot.base_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), EXIT_TIMEOUT)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        raise AssertionError(
            f"the bot did not exit within {EXIT_TIMEOUT} s:\n{output.decode()[-3000:]}"
        ) from None
    assert process.returncode is not None
    return process.returncode, output.decode().splitlines()


def read_only(path: Path) -> None:
    path.chmod(0o555 if path.is_dir() else 0o444)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A folder for the database, writable again at the end so it can be removed."""
    path = tmp_path / "data"
    path.mkdir()
    yield path
    path.chmod(0o755)
    for child in path.iterdir():
        child.chmod(0o755 if child.is_dir() else 0o644)


async def test_a_read_only_database_file_stops_the_bot_with_one_line(
    bot_process: BotProcess, folder: Path, unprivileged: list[str]
) -> None:
    bot_process.database_path = folder / "bot.sqlite3"
    async with bot_process.database():
        pass
    read_only(bot_process.database_path)

    code, printed = await exit_of(bot_process, unprivileged)
    assert code == 1
    assert printed == [
        f"The bot will not start: cannot write the database {bot_process.database_path}: "
        "the file is read-only"
    ]


async def test_a_read_only_folder_stops_the_bot_with_one_line(
    bot_process: BotProcess, folder: Path, unprivileged: list[str]
) -> None:
    bot_process.database_path = folder / "bot.sqlite3"
    async with bot_process.database():
        pass
    read_only(folder)

    code, printed = await exit_of(bot_process, unprivileged)
    assert code == 1
    assert printed == [
        f"The bot will not start: cannot write the database {bot_process.database_path}: "
        "its folder is read-only (SQLite creates the -wal and -shm files next to it)"
    ]


async def test_a_folder_where_the_database_file_should_be_stops_the_bot_with_one_line(
    bot_process: BotProcess, folder: Path
) -> None:
    # Unlike permissions, this stops root too.
    bot_process.database_path = folder / "bot.sqlite3"
    bot_process.database_path.mkdir()

    code, printed = await exit_of(bot_process, [])
    assert code == 1
    assert printed == [
        f"The bot will not start: cannot write the database {bot_process.database_path}: "
        "it is a folder"
    ]


def conflict(call: ApiCall) -> bool:
    return call.method == "getUpdates" and call.error is not None and call.error.error_code == 409


async def test_a_second_process_on_the_same_token_stops_and_the_first_goes_on(
    emulator: Emulator, bot_process: BotProcess, tmp_path: Path
) -> None:
    # Telegram ends the waiting getUpdates of one with 409 whenever the other polls.
    bot_process.expected_refusals.append(conflict)
    await bot_process.start()
    user = newcomer(emulator, 1806)
    user.send_command("help")
    await user.wait_for_message(lambda m: HELP in m.content)

    (tmp_path / "second").mkdir()
    second = BotProcess(emulator, tmp_path / "second")
    await second.start()
    assert second.process is not None
    try:
        code = await asyncio.wait_for(second.process.wait(), EXIT_TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"the second process kept running\n{second.describe()}") from None
    finally:
        if second.process.returncode is None:
            second.process.kill()
            await second.process.wait()

    assert code == 1
    printed = second.log().splitlines()
    assert printed[-1].startswith(
        "The bot stopped: another process is using this bot token (Telegram answered getUpdates "
        f"with 409 Conflict {NEWCOMER_CONFLICTS} times)"
    ), printed[-5:]
    assert "Traceback" not in second.log()
    assert any(conflict(call) for call in emulator.calls)

    user.send_command("help")
    await user.wait_for_message(lambda m: HELP in m.content, timeout=20)
    assert bot_process.process is not None and bot_process.process.returncode is None
