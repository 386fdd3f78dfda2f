"""The project's everyday commands, runnable with nothing but Python 3.11+.

    python3 dev.py run     # set up .venv on first use, apply migrations, start the bot;
                           # with no BOT_TOKEN (environment or .env): the demo instead
    python3 dev.py demo    # the demo: the bot without Telegram, in the browser
    python3 dev.py test    # set up .venv on first use, run ruff, mypy, the import
                           # contracts and the whole test suite

Extra arguments after `run` go to `python -m bot`, after `demo` to `python -m bot.demo`
(--port N), after `test` to pytest.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    """Create the virtual environment and (re)install when pyproject.toml changed."""
    if not venv_python().exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("Installing dependencies into .venv ...", flush=True)
        pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)
    return venv_python()


def run(python: Path, *args: str) -> int:
    """Run and wait. Ctrl+C reaches the child from the terminal and it stops cleanly, so here
    it only waits on (subprocess.call would kill the child mid-shutdown); SIGTERM is passed on."""
    with subprocess.Popen([str(python), *args], cwd=ROOT) as child:
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue


def has_token() -> bool:
    """BOT_TOKEN set in the environment or in .env, as the bot's settings read it."""
    if os.environ.get("BOT_TOKEN", "").strip():
        return True
    env_file = ROOT / ".env"
    if not env_file.exists():
        return False
    for line in env_file.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() == "BOT_TOKEN" and value.strip().strip("'\"").strip():
            return True
    return False


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py is what an old Python would run first
        print(f"Python 3.11 or newer is required, this is {sys.version.split()[0]}")
        return 2
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in {"run", "demo", "test"}:
        print(__doc__)
        return 2
    python = ensure_venv()
    if command == "run" and not rest and not has_token():
        print(
            "No BOT_TOKEN (in the environment or .env), so this is the demo: the bot without "
            "Telegram.\nFor the real bot: cp .env.example .env, put the token from @BotFather "
            "into BOT_TOKEN, run this again.",
            flush=True,
        )
        command = "demo"
    if command == "demo":
        return run(python, "-m", "bot.demo", *rest)
    if command == "run":
        return run(python, "-m", "bot", *rest)
    for step in (
        ["-m", "ruff", "check", "."],
        ["-m", "ruff", "format", "--check", "."],
        ["-m", "mypy", "."],
        # import-linter has no `python -m` entry; its console script is this call
        ["-c", "from importlinter.cli import lint_imports_command as lint; lint(['--no-cache'])"],
    ):
        if code := run(python, *step):
            return code
    # one worker per core; `python3 dev.py test -n 0` runs in this process (for pdb)
    return run(python, "-m", "pytest", "-n", "auto", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
