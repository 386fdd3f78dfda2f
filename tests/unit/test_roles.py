"""Coordinator-only commands and buttons refuse participants on the server side."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage

from tests.harness import Harness, tg_user


async def test_participant_sending_a_coordinator_command_is_refused(harness: Harness) -> None:
    [reply] = await harness.send(tg_user(777), "/admin")
    assert isinstance(reply, SendMessage)
    assert reply.text == "У вас нет прав координатора для этого действия."


async def test_forged_coordinator_button_gets_an_alert(harness: Harness) -> None:
    [answer] = await harness.press(tg_user(777), "Aev:1:publish")
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.show_alert is True
    assert "нет прав" in (answer.text or "")
