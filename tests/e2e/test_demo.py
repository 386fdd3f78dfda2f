"""The demo, `python -m bot.demo` (what `python3 dev.py run` starts without a token), as one
uses it: through its chat page. In headless Chromium a brand-new person onboards and registers
for the upcoming seminar, and the coordinator finds them in the participant list and downloads
the attendance sheet; through the page's API, time travel brings the questionnaire of the
seminar that just ended and the reminder of the one to come. Ctrl+C then stops the launcher
and the bot process cleanly.

The browser test is skipped, with the reason, where selenium, Chromium or its driver is
missing (.ci/run installs them)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from bot.demo.personas import COORDINATOR, KAZAKH_PARTICIPANT, NEWCOMER, RUSSIAN_PARTICIPANT

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90.0
# Generous: CI machines run other suites alongside; a pass takes well under a second a step.
STEP_SECONDS = 30.0
STOP_SECONDS = 40.0
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> tuple[str, str]:
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.skip(
            "Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
        )
    return browser, driver


@dataclass
class RunningDemo:
    url: str
    bot_pid: int
    process: subprocess.Popen[str]
    output: list[str]

    def call(self, path: str, body: dict[str, Any] | None = None, seconds: float = 10) -> Any:
        """The chat page's API: GET, or POST with a JSON body."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=seconds) as response:
            return json.load(response)

    def chat_until(
        self, persona: int, found: Callable[[list[dict[str, Any]]], Any], what: str
    ) -> Any:
        """Long-polls the persona's chat (as the page does) until `found(messages)` holds."""
        deadline = time.monotonic() + STEP_SECONDS
        state = self.call(f"api/state?persona={persona}")
        while not (result := found(state["chat"]["messages"])):
            assert time.monotonic() < deadline, f"no {what}: {state['chat']['messages'][-3:]}"
            since = urllib.parse.quote(state["etag"])
            state = self.call(f"api/state?persona={persona}&since={since}", seconds=40)
        return result

    def stop(self) -> None:
        """Ctrl+C: the launcher stops the bot and itself, both cleanly."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(STOP_SECONDS) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(self.bot_pid, 0)


def read_lines(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


@pytest.fixture
def demo() -> Iterator[RunningDemo]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DEMO", "DATABASE_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.demo", "--port", "0", "--verbose"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=read_lines, args=(process, lines), daemon=True).start()
    output: list[str] = []
    url = pid = None
    try:
        while url is None or pid is None:
            line = lines.get(timeout=START_SECONDS)
            assert line is not None, "the demo exited before it was ready:\n" + "".join(output)
            output.append(line)
            if found := re.search(r"open (http://127\.0\.0\.1:\d+/chat/)", line):
                url = found[1]
            if found := re.search(r"bot process (\d+)", line):
                pid = int(found[1])
        yield RunningDemo(url, pid, process, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # Shown by pytest when the test failed: the launcher's and the bot's log.
        while (line := lines.get(timeout=STOP_SECONDS)) is not None:
            output.append(line)
        print("".join(output))


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(tmp_path: Path, downloads: Path) -> Iterator[webdriver.Chrome]:
    binary, driver = chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,900")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    chrome = webdriver.Chrome(service=webdriver.ChromeService(driver), options=options)
    try:
        yield chrome
    finally:
        # How the page looked at the end, next to the test's other files.
        chrome.save_screenshot(str(tmp_path / "last.png"))
        chrome.quit()


class Page:
    """What a person does on the chat page, by what they see on it."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def until(self, condition: Callable[[], Any], what: str, seconds: float = STEP_SECONDS) -> Any:
        def check(_: Any) -> Any:
            try:
                return condition()
            except StaleElementReferenceException:  # re-rendered meanwhile: look again
                return None

        return WebDriverWait(self.driver, seconds).until(check, f"waited for {what}\n{self.chat()}")

    def click(self, find: Callable[[], Any], what: str, seconds: float = STEP_SECONDS) -> None:
        """Finds and clicks in one try, tried again until it works: the page re-renders as
        messages come in, and an element found a moment ago may be gone when clicked."""

        def found_and_clicked() -> bool:
            element = find()
            if not element:
                return False
            element.click()
            return True

        self.until(found_and_clicked, what, seconds)

    def chat(self) -> str:
        """The last messages as shown, for a failure's message."""
        script = (
            "return [...document.querySelectorAll('#messages .message')].slice(-6)"
            ".map(m => m.innerText).join('\\n---\\n')"
        )
        return str(self.driver.execute_script(script))

    def play(self, persona_id: int, name: str) -> None:
        self.click(
            lambda: next(
                iter(self.driver.find_elements(By.CSS_SELECTOR, f'[data-persona="{persona_id}"]')),
                None,
            ),
            f"persona {persona_id} in the list",
        )
        self.until(lambda: name in self.driver.find_element(By.ID, "chat-who").text, name)

    def bot_says(self, text: str) -> str:
        """The text of the newest bot message showing `text`."""

        def found() -> str | None:
            messages = self.driver.find_elements(By.CSS_SELECTOR, "#messages .message.in")
            shown = (m.text for m in reversed(messages))
            return next((t for t in shown if text in t), None)

        return str(self.until(found, f"a bot message with {text!r}"))

    def press(self, label: str, exact: bool = True) -> None:
        """The newest inline button with this label (or starting with it)."""

        def button() -> Any:
            buttons = self.driver.find_elements(By.CSS_SELECTOR, ".inline-button")
            matches = [b for b in buttons if (b.text == label if exact else label in b.text)]
            return matches[-1] if matches else None

        self.click(button, f"the button {label!r}")

    def reply(self, label: str) -> None:
        self.click(
            lambda: next(
                (
                    b
                    for b in self.driver.find_elements(By.CSS_SELECTOR, "#reply-keyboard button")
                    if b.text == label
                ),
                None,
            ),
            f"the keyboard button {label!r}",
        )

    def send(self, text: str) -> None:
        field = self.driver.find_element(By.ID, "text")
        field.send_keys(text)
        self.driver.find_element(By.ID, "send").click()

    def command(self, name: str) -> None:
        """From the command menu, as a tap on ☰ and then on the command."""
        self.driver.find_element(By.ID, "menu-button").click()
        self.click(
            lambda: next(
                (
                    item
                    for item in self.driver.find_elements(By.CSS_SELECTOR, "#command-menu button")
                    if item.text.startswith(f"/{name}")
                ),
                None,
            ),
            f"/{name} in the menu",
        )


def test_newcomer_registers_and_coordinator_downloads_the_attendance_sheet(
    demo: RunningDemo, browser: webdriver.Chrome, downloads: Path
) -> None:
    page = Page(browser)
    browser.get(demo.url)
    newcomer = f"{NEWCOMER.last_name} {NEWCOMER.first_name}"

    page.play(NEWCOMER.user_id, NEWCOMER.first_name)
    page.click(
        lambda: next(
            (b for b in browser.find_elements(By.ID, "start-button") if b.is_displayed()), None
        ),
        "Start",
    )
    # Her Telegram says Russian, so the bot starts in it: consent comes first.
    page.bot_says("персональных данных")
    page.press("✅ Согласен(на)")
    page.bot_says("Шаг 1 из 5")
    page.send(newcomer)
    page.bot_says("Шаг 2 из 5")
    page.reply("📱 Отправить мой номер")
    page.until(
        lambda: (
            NEWCOMER.phone in browser.find_element(By.CSS_SELECTOR, ".message.out .contact").text
        ),
        "the shared contact",
    )
    page.bot_says("Шаг 3 из 5")
    page.send("Молодёжный ресурсный центр")
    page.bot_says("Шаг 4 из 5")
    page.reply("Студент, молодёжь")
    page.bot_says("Шаг 5 из 5")
    page.reply("Алатауский район")

    page.command("events")
    # Buttons carry the title clipped by the bot; the seminar to come is the first event.
    page.press("1. Семинар-тренинг для членов ИПГ", exact=False)
    page.bot_says("Алатауский район")
    page.press("✅ Зарегистрироваться")
    page.press("Да, зарегистрироваться")
    page.bot_says("Вы зарегистрированы")

    page.play(COORDINATOR.user_id, COORDINATOR.first_name)
    page.command("admin")
    page.press("📁 Проекты")
    page.press("Разъяснение Стратегии «Казахстан-2050»")
    page.press("7. Семинар-тренинг для членов ИПГ", exact=False)
    page.bot_says("Алатауский район")
    page.press("👥 Участники")
    page.bot_says("Участники: Семинар-тренинг для членов ИПГ: Алатауский район (всего 19)")
    # Ten a page, in the order they signed up: the newcomer is the last, on the second page.
    page.press("Далее ›")
    assert "19. " + newcomer in page.bot_says(newcomer)
    page.press("« К мероприятию")
    page.press("📄 Лист посещаемости (Excel)")

    page.click(
        lambda: next(
            (
                d
                for d in browser.find_elements(By.CSS_SELECTOR, ".message.in a.document")
                if ".xlsx" in d.text
            ),
            None,
        ),
        "the attendance sheet",
        seconds=40,
    )
    sheet = page.until(
        lambda: next((f for f in downloads.glob("*.xlsx") if f.stat().st_size), None),
        "the download",
    )
    book = load_workbook(io.BytesIO(sheet.read_bytes()))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert newcomer in cells

    demo.stop()


def bot_message(text: str) -> Callable[[list[dict[str, Any]]], Any]:
    return lambda messages: next(
        (m for m in reversed(messages) if not m["out"] and text in m["text"]), None
    )


def test_time_travel_brings_the_questionnaire_and_the_reminder(demo: RunningDemo) -> None:
    # The Turksib seminar ended half an hour ago; its questionnaire opens an hour after the end.
    assert not demo.call(f"api/state?persona={RUSSIAN_PARTICIPANT.user_id}")["chat"]["messages"]
    assert demo.call("api/clock", {"seconds": 3600})["clock_offset"] == 3600
    invitation = demo.chat_until(
        RUSSIAN_PARTICIPANT.user_id, bot_message("Турксибский район"), "survey invitation"
    )
    assert invitation["buttons"] == [
        [{"text": "📝 Ответить на анкету", "callback": True, "url": None}]
    ]
    demo.chat_until(
        KAZAKH_PARTICIPANT.user_id, bot_message("Түрксіб ауданы"), "survey invitation in Kazakh"
    )
    # The Alatau seminar is the day after tomorrow at 10:00: a day on, the reminder is due.
    demo.call("api/clock", {"seconds": 86400})
    reminder = demo.chat_until(
        RUSSIAN_PARTICIPANT.user_id, bot_message("Напоминание"), "the reminder"
    )
    assert "Алатауский район" in reminder["text"]
    # Someone who never wrote to the bot hears nothing from it.
    assert not demo.call(f"api/state?persona={NEWCOMER.user_id}")["chat"]["messages"]
    demo.stop()
