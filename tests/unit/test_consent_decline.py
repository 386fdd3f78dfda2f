"""Declining consent leaves only the Telegram id and the language."""

from __future__ import annotations

from tests.harness import Harness, button, buttons, texts, tg_user


async def test_decline_after_a_half_filled_form_keeps_only_id_and_language(
    harness: Harness,
) -> None:
    user = tg_user(1921, language_code="kk")
    [offer] = await harness.send(user, "/start")
    await harness.press(user, buttons(offer)[0][1])
    await harness.send(user, "Сапарова Әйгерім")
    await harness.send(user, "+77011234567")
    calls = await harness.press(user, button([offer], "Келіспеймін"))
    assert "тек Telegram-дағы ID-іңізді және таңдалған тілді" in texts(calls)[0]
    row = await harness.db.fetch_one("SELECT * FROM users WHERE id = 1921")
    assert row is not None and row["language"] == "kk"
    personal = ("consent_at", "full_name", "phone", "organisation", "category", "district")
    assert {column: row[column] for column in personal} == dict.fromkeys(personal)
    assert await harness.db.fetch_one("SELECT * FROM fsm_state WHERE user_id = 1921") is None
    again = await harness.send(user, "/start")
    assert "Дербес деректерді" in texts(again)[0]


async def test_russian_decline_text(harness: Harness) -> None:
    user = tg_user(1922)
    [ask] = await harness.send(user, "/start")
    calls = await harness.press(user, dict(buttons(ask))["✓ Русский"])
    calls = await harness.press(user, button(calls, "Не согласен"))
    assert "только ваш ID в Telegram и выбранный язык" in texts(calls)[0]
