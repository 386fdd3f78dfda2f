"""A project with hundreds of events (a plan import allows 500 rows) and a panel with many
projects: every screen is a page within Telegram's limits, paging shows the right events, and
an event opened from a page leads back to that page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardMarkup, Message

from bot.events.model import Event, Project
from bot.people import users
from bot.platform.telegram_text import utf16_len
from handlers.admin.callbacks import PanelAction, PanelCallback
from tests.conftest import NOW
from tests.factories import make_event, make_project
from tests.harness import Harness, tg_user

COORDINATOR = tg_user(1)
KAZAKH = tg_user(1, "kk")
PER_PAGE = 12
# The longest title the form takes (200 characters), in Kazakh, numbered to tell them apart.
LONG_KK = "Азаматтық қоғам институттарын дамыту және жергілікті өзін-өзі басқаруды нығайту "


def kk_title(n: int) -> str:
    return f"№{n:03} {LONG_KK * 3}"[:200]


def ru_title(n: int) -> str:
    return f"№{n:03} Семинар для общественных советов и местного самоуправления"


async def big_project(h: Harness, count: int) -> tuple[Project, list[Event]]:
    project = await make_project(h.db, NOW, title_kk="Үлкен жоба")
    made = [
        await make_event(
            h.db,
            NOW,
            project=project,
            starts_at=NOW + timedelta(days=1, hours=n),
            title_ru=ru_title(n),
            title_kk=kk_title(n),
        )
        for n in range(1, count + 1)
    ]
    return project, made


def within_limits(calls: list[TelegramMethod[Any]], h: Harness) -> None:
    """What Telegram checks: at most 100 buttons, 64 bytes of data each, 4096 characters."""
    for call in calls:
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            pressed = [b for row in markup.inline_keyboard for b in row]
            assert len(pressed) <= 100
            assert all(len((b.callback_data or "").encode()) <= 64 for b in pressed)
        if isinstance(getattr(call, "text", None), str):
            assert utf16_len(h.message(call).text or "") <= 4096


def labels(message: Message) -> list[str]:
    markup = message.reply_markup
    assert markup is not None
    return [b.text for row in markup.inline_keyboard for b in row]


def shown(calls: list[TelegramMethod[Any]], h: Harness) -> Message:
    within_limits(calls, h)
    [screen] = [c for c in calls if isinstance(getattr(c, "text", None), str)]
    return h.message(screen)


def numbers_on(message: Message) -> list[int]:
    """The event numbers (№…) listed on a project page, in order."""
    return [int(word[1:4]) for word in (message.text or "").split() if word.startswith("№")]


async def test_a_project_with_500_events_pages_forward_and_back_in_both_languages(
    harness: Harness,
) -> None:
    project, _ = await big_project(harness, 500)
    pages = -(-500 // PER_PAGE)
    for user, next_label, prev_label, page_line in (
        (COORDINATOR, "Далее ›", "‹ Назад", "Страница {} из {} · всего мероприятий: 500"),
        (KAZAKH, "Әрі қарай ›", "‹ Артқа", "{1} беттің {0}-беті · барлық іс-шара: 500"),
    ):
        await users.choose_language(harness.db, 1, user.language_code or "ru", NOW)
        screen = shown(await harness.press(user, f"Apr:o:{project.id}:0:0"), harness)
        assert numbers_on(screen) == list(range(1, PER_PAGE + 1))
        assert page_line.format(1, pages) in (screen.text or "")
        assert prev_label not in labels(screen)
        for page in range(1, pages):
            [calls] = await harness.tap(user, screen, next_label)
            screen = shown(calls, harness)
            first = page * PER_PAGE + 1
            assert numbers_on(screen) == list(range(first, min(first + PER_PAGE, 501)))
            assert page_line.format(page + 1, pages) in (screen.text or "")
        assert next_label not in labels(screen), "the last page has no Next"
        assert numbers_on(screen)[-1] == 500
        [calls] = await harness.tap(user, screen, prev_label)
        back = shown(calls, harness)
        first = (pages - 2) * PER_PAGE + 1
        assert numbers_on(back) == list(range(first, first + PER_PAGE))


async def test_the_buttons_of_a_page_open_its_events_with_long_kazakh_titles(
    harness: Harness,
) -> None:
    project, made = await big_project(harness, 30)
    await users.choose_language(harness.db, 1, "kk", NOW)
    screen = shown(await harness.press(KAZAKH, f"Apr:o:{project.id}:1:0"), harness)
    event_buttons = [text for text in labels(screen) if text[0].isdigit()]
    assert [int(text.split(".")[0]) for text in event_buttons] == list(range(13, 25))
    assert all(len(text) <= 40 for text in event_buttons)
    [calls] = await harness.tap(KAZAKH, screen, "13. ")
    assert kk_title(13)[:60] in (shown(calls, harness).text or "")
    assert made[12].title_kk == kk_title(13)


async def test_an_event_opened_from_page_3_leads_back_to_page_3(harness: Harness) -> None:
    project, _ = await big_project(harness, 60)
    screen = shown(await harness.press(COORDINATOR, f"Apr:o:{project.id}:2:0"), harness)
    assert numbers_on(screen)[0] == 2 * PER_PAGE + 1
    [calls] = await harness.tap(COORDINATOR, screen, f"{2 * PER_PAGE + 3}. ")
    event_screen = shown(calls, harness)
    assert ru_title(2 * PER_PAGE + 3) in (event_screen.text or "")
    [calls] = await harness.tap(COORDINATOR, event_screen, "« К проекту")
    back = shown(calls, harness)
    assert numbers_on(back) == list(range(2 * PER_PAGE + 1, 3 * PER_PAGE + 1))
    assert "Страница 3 из 5" in (back.text or "")


async def test_a_project_button_sent_before_pages_existed_still_opens_the_project(
    harness: Harness,
) -> None:
    project, _ = await big_project(harness, 14)
    screen = shown(await harness.press(COORDINATOR, f"Apr:o:{project.id}"), harness)
    assert numbers_on(screen) == list(range(1, PER_PAGE + 1))
    assert "Далее ›" in labels(screen)
    projects = shown(await harness.press(COORDINATOR, "Ap:p"), harness)
    assert "Школа гражданского участия" in labels(projects)


async def test_a_page_past_the_end_shows_the_last_and_a_small_project_has_no_paging(
    harness: Harness,
) -> None:
    project, _ = await big_project(harness, 30)
    screen = shown(await harness.press(COORDINATOR, f"Apr:o:{project.id}:9:0"), harness)
    assert numbers_on(screen) == list(range(25, 31))
    small, _ = await big_project(harness, 3)
    screen = shown(await harness.press(COORDINATOR, f"Apr:o:{small.id}:0:0"), harness)
    assert numbers_on(screen) == [1, 2, 3]
    assert "Страница" not in (screen.text or "")
    assert not {"Далее ›", "‹ Назад"} & set(labels(screen))


async def test_many_projects_are_listed_page_by_page(harness: Harness) -> None:
    for n in range(1, 46):
        await make_project(harness.db, NOW, title_ru=f"Проект {n:02}")
    listed: list[str] = []
    screen = shown(
        await harness.press(COORDINATOR, PanelCallback(action=PanelAction.PROJECTS).pack()),
        harness,
    )
    assert "Страница 1 из 3" in (screen.text or "")
    while True:
        listed += [text for text in labels(screen) if text.startswith("Проект ")]
        if "Далее ›" not in labels(screen):
            break
        [calls] = await harness.tap(COORDINATOR, screen, "Далее ›")
        screen = shown(calls, harness)
    assert listed == [f"Проект {n:02}" for n in range(45, 0, -1)], "newest first, each once"
    assert "Страница 3 из 3" in (screen.text or "")
    [calls] = await harness.tap(COORDINATOR, screen, "‹ Назад")
    assert "Страница 2 из 3" in (shown(calls, harness).text or "")
