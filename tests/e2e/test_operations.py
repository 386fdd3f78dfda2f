"""The real `python -m bot` as an operator runs it: /healthz and /metrics beside polling, JSON
logs, the daily backup, a backup taken while it runs, and restore refused until it stops."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import sys
from pathlib import Path

from aiohttp import ClientSession

from tests.e2e.conftest import ROOT, BotProcess, newcomer
from tgemu import Emulator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def cli(bot: BotProcess, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={**bot.base_env(), **bot.env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def names(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT language FROM users")}


async def test_health_metrics_json_logs_and_backups_of_the_running_bot(
    emulator: Emulator, bot_process: BotProcess, tmp_path: Path
) -> None:
    port = free_port()
    backups = tmp_path / "backups"
    await bot_process.start(HEALTH_PORT=str(port), LOG_FORMAT="json", BACKUP_DIR=str(backups))
    user = newcomer(emulator, 601, language_code="kk")
    user.send_command("start")
    await user.wait_for_message(lambda m: "Дербес деректер" in m.content)
    user.press("✅ Келісемін")
    await user.wait_for_message(lambda m: "5 қадамның 1-қадамы" in m.content)

    async with ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            body = await response.json()
            assert (response.status, body["database"], body["polling"]) == (200, "ok", "ok")
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            metrics = await response.text()
    assert 'civic_updates_total{outcome="handled",type="callback_query"} 1.0' in metrics

    copy = tmp_path / "copy.sqlite3"
    assert (await cli(bot_process, "backup", str(copy)))[0] == 0
    assert names(copy) == {"kk"}
    code, output = await cli(bot_process, "restore", str(copy))
    assert code == 1 and "is running on" in output

    assert await bot_process.stop() == 0
    [daily] = listing(backups)
    assert re.fullmatch(r"bot-\d{4}-\d\d-\d\d\.sqlite3", daily), "the day's copy, at start"
    code, output = await cli(bot_process, "restore", str(copy))
    assert code == 0, output
    for line in bot_process.log().splitlines():
        if line and not line.startswith("--- start"):
            assert "level" in json.loads(line), line
