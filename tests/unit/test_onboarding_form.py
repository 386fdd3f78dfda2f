"""Onboarding on the form engine (handlers/ui/forms.py), as a newcomer goes through it: a
finished or cancelled form leaves no FSM row in the default destiny; the answers given are
kept in the profile, so /start after Cancel (or after a restart) asks the question the person
stopped at; the link a newcomer came with opens once the profile is done; editing one field
from /profile keeps its Back and its own words for Cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import ReplyKeyboardMarkup, User

from bot.deeplinks import DeepLink, LinkKind
from bot.people import users
from bot.platform.db import Database
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness, button, buttons, contact_update, make_harness, texts, tg_user

NEWCOMER = tg_user(801)


async def fsm_rows(db: Database, user_id: int = NEWCOMER.id) -> dict[str, tuple[str | None, str]]:
    """The person's FSM rows by destiny: (state, data)."""
    found = await db.fetch_all(
        "SELECT key, state, data FROM fsm_state WHERE user_id = ?", (user_id,)
    )
    return {row["key"].rsplit(":", 1)[-1]: (row["state"], row["data"]) for row in found}


def reply_buttons(calls: list[TelegramMethod[Any]]) -> list[list[str]]:
    """The rows of the reply keyboard under the last message."""
    last = [call for call in calls if isinstance(call, SendMessage)][-1]
    markup = last.reply_markup
    assert isinstance(markup, ReplyKeyboardMarkup), last
    return [[b.text for b in row] for row in markup.keyboard]


async def agree(harness: Harness, user: User, start: str = "/start") -> list[TelegramMethod[Any]]:
    """Language, then consent: the calls that ask the first question."""
    [ask] = await harness.send(user, start)
    chosen = await harness.press(user, dict(buttons(ask))["✓ Русский"])
    return await harness.press(user, button(chosen, "✅ Согласен"))


async def say(harness: Harness, *answers: str, user: User = NEWCOMER) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(user, answer)
    return calls


async def test_a_finished_profile_leaves_no_fsm_row(harness: Harness) -> None:
    await agree(harness, NEWCOMER)
    await say(harness, "Сапарова Айгерим")
    assert "default" in await fsm_rows(harness.db), "the step is kept while the form is on"
    await harness.feed(contact_update(NEWCOMER, "77011234567"))
    done = await say(harness, "Пропустить", "Представитель НПО", "Алмалинский район")
    assert "Анкета сохранена" in texts(done)[0]
    assert await fsm_rows(harness.db) == {}
    record = await users.get(harness.db, NEWCOMER.id)
    assert record is not None and record.profile_done_at is not None
    assert record.organisation is None, "a skipped organisation is stored as none"


async def test_cancel_at_the_district_keeps_name_and_category(harness: Harness) -> None:
    await agree(harness, NEWCOMER)
    await say(harness, "Сапарова Айгерим", "+7 701 123 45 67", "Пропустить")
    asked = await say(harness, "Студент, молодёжь")
    assert "Шаг 5 из 5" in texts(asked)[0]
    cancelled = await say(harness, "Отмена")
    assert "приостановлено" in texts(cancelled)[0]
    assert await fsm_rows(harness.db) == {}, "Cancel leaves no draft in the FSM"
    kept = await users.get(harness.db, NEWCOMER.id)
    assert kept is not None and kept.profile_done_at is None
    assert (kept.full_name, kept.category) == ("Сапарова Айгерим", "youth")

    resumed = await say(harness, "/start")
    assert "Продолжим анкету" in texts(resumed)[0]
    assert "Шаг 5 из 5" in texts(resumed)[1] and "район" in texts(resumed)[1]
    assert reply_buttons(resumed)[-1] == ["« Назад", "Отмена"]
    back = await say(harness, "« Назад")
    assert "Шаг 4 из 5" in texts(back)[0], "Back walks the order from the resumed step"
    await say(harness, "Представитель НПО")
    await say(harness, "Медеуский район")
    record = await users.get(harness.db, NEWCOMER.id)
    assert record is not None and record.profile_done_at is not None
    assert (record.full_name, record.phone) == ("Сапарова Айгерим", "+77011234567")
    assert (record.organisation, record.category, record.district) == (None, "ngo", "medeu")
    assert await fsm_rows(harness.db) == {}


async def test_a_skipped_organisation_is_not_asked_again_after_cancel(harness: Harness) -> None:
    await agree(harness, NEWCOMER)
    await say(harness, "Сапарова Айгерим", "+77011234567", "Пропустить", "Отмена")
    resumed = await say(harness, "/start")
    assert "Шаг 4 из 5" in texts(resumed)[1], "the category, the question Cancel was pressed at"


async def test_cancel_then_a_restart_resumes_at_the_same_step(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW):
        await agree(first, NEWCOMER)
        await say(first, "Сапарова Айгерим")
        await say(first, "Отмена")
    async for second in make_harness(tmp_path, NOW):
        resumed = await say(second, "/start")
        assert "Шаг 2 из 5" in texts(resumed)[1]
        await second.feed(contact_update(NEWCOMER, "77011234567"))
        await say(second, "ОФ «Азамат»", "Представитель НПО", "Алмалинский район")
        record = await users.get(second.db, NEWCOMER.id)
        assert record is not None and record.profile_done_at is not None
        assert (record.full_name, record.organisation) == ("Сапарова Айгерим", "ОФ «Азамат»")


async def test_the_typed_district_detour_survives_a_restart(tmp_path: Path) -> None:
    async for first in make_harness(tmp_path, NOW):
        await agree(first, NEWCOMER)
        await say(first, "Сапарова Айгерим", "+77011234567", "Пропустить", "Другое")
        typed = await say(first, "Другой — напишу сам(а)")
        assert "Напишите название вашего района" in texts(typed)[0]
        assert "Шаг" not in texts(typed)[0], "the detour is not a numbered step"
        assert reply_buttons(typed) == [["« Назад", "Отмена"]]
    async for second in make_harness(tmp_path, NOW):
        resumed = await say(second, "/start")
        assert "Напишите название вашего района" in texts(resumed)[1]
        back = await say(second, "« Назад")
        assert "Шаг 5 из 5" in texts(back)[0], "Back from the detour is the district list"
        await say(second, "Другой — напишу сам(а)")
        done = await say(second, "г. Актау, 14 мкр")
        assert "Анкета сохранена" in texts(done)[0]
        record = await users.get(second.db, NEWCOMER.id)
        assert record is not None and record.district == "other:г. Актау, 14 мкр"
        assert await fsm_rows(second.db) == {}


async def test_a_newcomer_from_an_event_link_lands_on_the_card_after_a_restart(
    tmp_path: Path,
) -> None:
    async for first in make_harness(tmp_path, NOW):
        event = await make_event(first.db, NOW)
        link = f"/start {DeepLink(LinkKind.EVENT, event.code).payload}"
        await agree(first, NEWCOMER, link)
        await say(first, "Сапарова Айгерим")
    async for second in make_harness(tmp_path, NOW):
        await second.feed(contact_update(NEWCOMER, "77011234567"))
        done = await say(second, "Пропустить", "Представитель НПО", "Алмалинский район")
        assert "Анкета сохранена" in texts(done)[0]
        assert "Семинар для общественных советов" in texts(done)[1], "the event card"
        assert await fsm_rows(second.db) == {}


async def test_an_event_link_opened_again_after_cancel_opens_after_onboarding(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW)
    link = f"/start {DeepLink(LinkKind.EVENT, event.code).payload}"
    await agree(harness, NEWCOMER)
    await say(harness, "Сапарова Айгерим", "Отмена")
    resumed = await say(harness, link)
    assert "Шаг 2 из 5" in texts(resumed)[-1]
    await harness.feed(contact_update(NEWCOMER, "77011234567"))
    done = await say(harness, "Пропустить", "Представитель НПО", "Алмалинский район")
    assert "Семинар для общественных советов" in texts(done)[1]


async def test_editing_one_field_keeps_back_and_its_own_cancel(harness: Harness) -> None:
    user = tg_user(802)
    await make_participant(harness.db, user.id, NOW)
    profile = await harness.send(user, "/profile")
    ask = await harness.press(user, button(profile, "✏️ Телефон"))
    assert "Шаг" not in texts(ask)[0], "editing one field shows no progress"
    assert reply_buttons(ask) == [["📱 Отправить мой номер"], ["« Назад", "Отмена"]]
    for leave in ("« Назад", "Отмена", "/cancel"):
        cancelled = await say(harness, leave, user=user)
        assert texts(cancelled) == ["Изменение отменено, профиль прежний."], leave
        assert await fsm_rows(harness.db, user.id) == {}
        await harness.press(user, button(profile, "✏️ Телефон"))
    saved = await say(harness, "8 701 765 43 21", user=user)
    assert texts(saved)[0] == "Сохранено." and "+77017654321" in texts(saved)[1]
    assert await fsm_rows(harness.db, user.id) == {}
    record = await users.get(harness.db, user.id)
    assert record is not None and record.phone == "+77017654321"
