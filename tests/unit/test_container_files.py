"""The files that run the bot for real, read without building anything: the Dockerfile (slim
Python 3.11, tzdata, not root, the database on the /data volume, no secret in the image), the
compose file, and the systemd unit. Every setting they set is one the bot knows."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continued lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            found.append((name.upper(), rest.strip()))
    return found


def env_of(args: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in shlex.split(args))


def dockerfile() -> list[tuple[str, str]]:
    return instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))


def test_the_image_is_slim_python_with_tzdata_running_the_bot() -> None:
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = " ".join(args for name, args in steps if name == "RUN")
    assert "apt-get install" in runs and "tzdata" in runs
    [cmd] = [args for name, args in steps if name == "CMD"]
    assert cmd == '["python", "-m", "bot"]'
    assert any(name == "HEALTHCHECK" and "/healthz" in args for name, args in steps)


def test_the_bot_runs_as_a_user_and_keeps_its_database_on_the_volume() -> None:
    steps = dockerfile()
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1] not in {"root", "0"}
    last_user = max(i for i, (name, _) in enumerate(steps) if name == "USER")
    assert all(name != "RUN" for name, _ in steps[last_user:]), "nothing runs as root after it"
    [volume] = [args for name, args in steps if name == "VOLUME"]
    assert "/data" in volume
    env: dict[str, str] = {}
    for name, args in steps:
        if name == "ENV":
            env |= env_of(args)
    assert PurePosixPath(env["DATABASE_PATH"]).parent == PurePosixPath("/data")
    settings = {key for key in env if not key.startswith(("PYTHON", "PIP_", "MPL"))}
    assert settings <= Settings.model_fields_upper()


def test_no_secret_goes_into_the_image() -> None:
    steps = dockerfile()
    for name, args in steps:
        if name in {"ENV", "ARG"}:
            assert not any(word in args.upper() for word in SECRET_WORDS), args
        if name in {"COPY", "ADD"}:
            assert ".env" not in args.split()
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored and "*.sqlite3*" in ignored and "data/" in ignored


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_compose_runs_the_bot_with_its_data_volume_and_settings_from_env() -> None:
    spec = compose()
    bot = spec["services"]["bot"]
    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    mounts = dict(volume.split(":", 1) for volume in bot["volumes"])
    assert mounts["data"] == "/data" and "data" in spec["volumes"]
    environment: dict[str, str] = bot["environment"]
    assert set(environment) <= Settings.model_fields_upper()
    assert not any(word in key for key in environment for word in SECRET_WORDS)
    assert PurePosixPath(environment["DATABASE_PATH"]).parent == PurePosixPath("/data")
    assert environment["BACKUP_DIR"] in mounts.values(), "backups on a volume too"
    assert all(port.startswith("127.0.0.1:") for port in bot["ports"]), "published locally"
    assert bot["restart"] == "unless-stopped"


def test_the_systemd_unit_runs_the_bot_unprivileged_and_stops_it_with_sigterm() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((ROOT / "deploy" / "civic-bot.service").read_text(encoding="utf-8"))
    service = unit["Service"]
    assert service["User"] not in {"root", "0"}
    assert service["ExecStart"].endswith("python -m bot")
    assert service["KillSignal"] == "SIGTERM"
    assert service["EnvironmentFile"].startswith("/etc/")
    assert service["Restart"] == "on-failure"
    assert "2" in service["RestartPreventExitStatus"].split(), "a bad setting is not retried"
    state = PurePosixPath("/var/lib") / service["StateDirectory"]
    lines = (ROOT / "deploy" / "civic-bot.service").read_text(encoding="utf-8").splitlines()
    env = dict(
        ln.removeprefix("Environment=").split("=", 1)
        for ln in lines
        if ln.startswith("Environment=")
    )
    assert set(env) <= Settings.model_fields_upper()
    assert PurePosixPath(env["DATABASE_PATH"]).parent == state
    assert unit["Install"]["WantedBy"] == "multi-user.target"
