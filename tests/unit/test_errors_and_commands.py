"""Unexpected failures are logged and explained; the command menu is published per language."""

from __future__ import annotations

import logging

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault

from bot.platform.commands import publish_commands
from tests.harness import Harness, buttons, message_update, tg_user


def _boom(*_: object, **__: object) -> str:
    raise RuntimeError("injected failure")


async def test_a_failing_message_handler_is_logged_and_the_user_told(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("handlers.start.help_lines", _boom)
    update = message_update(tg_user(900), "/help")
    with caplog.at_level(logging.ERROR):
        calls = await harness.feed(update)
    [reply] = calls
    assert isinstance(reply, SendMessage)
    assert reply.text.startswith("Что-то пошло не так")
    assert f"Update {update.update_id} failed" in caplog.text
    assert "injected failure" in caplog.text
    # The bot keeps working for the next update.
    monkeypatch.undo()
    [reply] = await harness.send(tg_user(900), "/help")
    assert "Что умеет бот" in reply.text  # type: ignore[attr-defined]


async def test_a_failing_button_gets_one_alert_in_the_users_language(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tg_user(901, language_code="kk")
    [ask] = await harness.send(user, "/start")
    monkeypatch.setattr("bot.people.users.choose_language", _async_boom)
    calls = await harness.press(user, dict(buttons(ask))["✓ Қазақша"])
    answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
    assert len(answers) == 1
    assert answers[0].show_alert is True
    assert (answers[0].text or "").startswith("Бірдеңе дұрыс болмады")


async def _async_boom(*_: object, **__: object) -> None:
    raise RuntimeError("injected failure")


async def test_command_menu_in_both_languages_and_coordinator_scope(harness: Harness) -> None:
    start = len(harness.session.calls)
    await publish_commands(harness.bot, harness.app.texts, "ru", {1})
    calls = [c for c in harness.session.calls[start:] if isinstance(c, SetMyCommands)]
    by_scope = {(type(c.scope).__name__, c.language_code): c.commands for c in calls}
    ru = by_scope[(BotCommandScopeDefault.__name__, "ru")]
    kk = by_scope[(BotCommandScopeDefault.__name__, "kk")]
    assert {c.command for c in ru} == {c.command for c in kk}
    assert "admin" not in {c.command for c in ru}
    assert any(c.description == "Сменить язык" for c in ru)
    assert any(c.description == "Тілді ауыстыру" for c in kk)
    staff = by_scope[(BotCommandScopeChat.__name__, "kk")]
    assert "admin" in {c.command for c in staff}
    assert {c.command for c in kk} <= {c.command for c in staff}
