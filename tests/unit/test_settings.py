"""A missing or malformed setting stops the program with one clear line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in Settings.model_fields_upper()}
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=tmp_path,  # no .env there
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": TOKEN, "DEFAULT_LANGUAGE": "en"}, "DEFAULT_LANGUAGE"),
        ({"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_bad_setting_exits_2_with_one_line_naming_the_key(
    tmp_path: Path, env: dict[str, str], key: str
) -> None:
    result = run_bot(tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert key in lines[0]
    assert "Traceback" not in result.stderr
    assert TOKEN.split(":")[1] not in result.stderr + result.stdout


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    result = run_bot(tmp_path, BOT_TOKEN=TOKEN, DATABASE_PATH=str(tmp_path / "d" / "bot.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "bot.sqlite3").exists()


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", "111, 222")
    settings = Settings(_env_file=None)
    assert settings.admin_ids == {111, 222}
    assert TOKEN not in repr(settings)


def test_env_example_documents_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = {
        line.split("=", 1)[0] for line in example.splitlines() if "=" in line and line[0] != "#"
    }
    assert documented == Settings.model_fields_upper()
    lines = example.splitlines()
    for index, line in enumerate(lines):
        if "=" not in line or line.startswith("#"):
            continue
        # Keys of one group may share the comment above the group.
        above = [ln for ln in lines[:index] if ln.strip() and "=" not in ln.split("#")[0]]
        assert above, f"{line} has no comment"
        assert above[-1].startswith("#"), f"{line} has no comment"
        assert lines[index - 1].startswith("#") or "=" in lines[index - 1], f"{line}: no comment"
