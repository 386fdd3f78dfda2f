"""First contact: language choice, switching language, help, unknown input."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.people import users
from tests.harness import Harness, buttons, texts, tg_user


async def test_first_start_without_a_known_language_asks_for_it(harness: Harness) -> None:
    for user_id, code in ((501, None), (502, "en")):
        [ask] = await harness.send(tg_user(user_id, language_code=code), "/start")
        assert isinstance(ask, SendMessage)
        assert ask.text == "Выберите язык · Тілді таңдаңыз"
        assert [text for text, _ in buttons(ask)] == ["✓ Русский", "Қазақша"]
        # Nothing about the person is stored before they choose.
        assert await users.get(harness.db, user_id) is None


async def test_choosing_kazakh_stores_it_and_answers_in_kazakh(harness: Harness) -> None:
    user = tg_user(503)
    [ask] = await harness.send(user, "/start")
    kk_data = dict(buttons(ask))["Қазақша"]
    calls = await harness.press(user, kk_data)
    record = await users.get(harness.db, 503)
    assert record is not None and record.language == "kk" and record.language_chosen
    edited = [c for c in calls if isinstance(c, EditMessageText)]
    assert edited
    assert "Тіл ауыстырылды" in (edited[0].text or "")
    # A newcomer goes on to the consent, already in the chosen language.
    assert any("Дербес деректерді өңдеуге келісім" in text for text in texts(calls))
    assert sum(isinstance(c, AnswerCallbackQuery) for c in calls) == 1


async def test_choosing_the_language_already_shown_does_not_say_it_switched(
    harness: Harness,
) -> None:
    user = tg_user(508)
    [ask] = await harness.send(user, "/start")
    calls = await harness.press(user, dict(buttons(ask))["✓ Русский"])
    assert texts(calls)[0].startswith("Язык: русский.")
    assert not any("переключён" in text for text in texts(calls))
    [ask] = await harness.send(user, "/language")
    calls = await harness.press(user, dict(buttons(ask))["✓ Русский"])
    assert texts(calls) == ["Язык: русский. Сменить его можно в любой момент командой /language."]
    [ask] = await harness.send(user, "/language")
    await harness.press(user, dict(buttons(ask))["Қазақша"])
    [ask] = await harness.send(user, "/language")
    calls = await harness.press(user, dict(buttons(ask))["✓ Қазақша"])
    assert texts(calls)[0].startswith("Тіл: қазақша.")
    assert not any("ауыстырылды" in text for text in texts(calls))


async def test_language_can_be_switched_any_time(harness: Harness) -> None:
    user = tg_user(504)
    [ask] = await harness.send(user, "/start")
    await harness.press(user, dict(buttons(ask))["✓ Русский"])
    [ask] = await harness.send(user, "/language")
    calls = await harness.press(user, dict(buttons(ask))["Қазақша"])
    assert "Тіл ауыстырылды" in texts(calls)[0]
    # Switching is not a first start: no second consent.
    assert not any("келісім" in text for text in texts(calls))
    [reply] = await harness.send(user, "/help")
    assert "Бот не істей алады" in reply.text  # type: ignore[attr-defined]


async def test_unknown_command_and_stray_text_get_a_polite_hint(harness: Harness) -> None:
    user = tg_user(505)
    [reply] = await harness.send(user, "/nonsense")
    assert reply.text == "Такой команды нет. Список команд — /help."  # type: ignore[attr-defined]
    [reply] = await harness.send(user, "привет")
    assert "/help" in reply.text  # type: ignore[attr-defined]


async def test_unknown_button_gets_an_alert_not_an_exception(harness: Harness) -> None:
    calls = await harness.press(tg_user(506), "gone:123")
    [answer] = calls
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.show_alert is True
    assert answer.text is not None and "устарела" in answer.text


async def test_forged_language_code_is_refused_without_change(harness: Harness) -> None:
    user = tg_user(507)
    calls = await harness.press(user, "lang:en")
    assert isinstance(calls[-1], AnswerCallbackQuery) and calls[-1].show_alert
    assert await users.get(harness.db, 507) is None
