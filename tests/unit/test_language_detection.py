"""A newcomer whose Telegram speaks Russian or Kazakh starts in it, with a one-tap switch."""

from __future__ import annotations

from bot.people import users
from tests.harness import Harness, buttons, texts, tg_user


async def test_kazakh_telegram_starts_in_kazakh_and_can_switch_in_place(harness: Harness) -> None:
    user = tg_user(1901, language_code="kk-KZ")
    [offer] = await harness.send(user, "/start")
    assert "Дербес деректерді өңдеуге келісім" in (offer.text or "")  # type: ignore[attr-defined]
    assert [text for text, _ in buttons(offer)][2:] == ["✓ Қазақша", "Русский"]
    assert await users.get(harness.db, 1901) is None
    [switched] = await harness.tap(user, harness.message(offer), "Русский")
    assert "Согласие на обработку" in (harness.message(offer).text or "")
    assert "Язык переключён" in texts(switched)[-1]
    record = await users.get(harness.db, 1901)
    assert record is not None and record.language == "ru"


async def test_confirming_the_shown_language_says_nothing_switched(harness: Harness) -> None:
    user = tg_user(1902, language_code="ru-RU")
    [offer] = await harness.send(user, "/start")
    [kept] = await harness.tap(user, harness.message(offer), "✓ Русский")
    assert not any("переключён" in text for text in texts(kept))
    assert [text for text, _ in buttons(kept[0])] in ([], ["✅ Согласен(на)", "Не согласен(на)"])
    calls = await harness.press(user, buttons(offer)[0][1])
    assert "Шаг 1 из 5" in texts(calls)[-1]
    record = await users.get(harness.db, 1902)
    assert record is not None and record.language_chosen and record.language == "ru"
