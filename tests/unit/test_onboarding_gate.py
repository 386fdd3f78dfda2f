"""The gate: signing up, checking in and the profile wait for a finished profile, and the
person lands where they were going once it is done."""

from __future__ import annotations

from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import User

from bot.deeplinks import DeepLink, LinkKind
from bot.people.profile import ProfileField
from handlers.ui.callbacks import EventAction, EventCallback, ProfileEditCallback
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness, answers, button, buttons, contact_update, texts, tg_user

CONSENT = "Согласие на обработку"


async def _with_language(harness: Harness, user: User) -> None:
    [ask] = await harness.send(user, "/start")
    await harness.press(user, dict(buttons(ask))["✓ Русский"])


async def _onboard(harness: Harness, user: User, calls: list[TelegramMethod[Any]]) -> list[Any]:
    """Agree to the consent these calls offer and fill in the form; the calls of the last step."""
    await harness.press(user, button(calls, "✅ Согласен"))
    await harness.send(user, "Сапарова Айгерим")
    await harness.feed(contact_update(user, "77011234567"))
    await harness.send(user, "Пропустить")
    await harness.send(user, "Представитель НПО")
    return await harness.send(user, "Алмалинский район")


async def _registrations(harness: Harness) -> object:
    return await harness.db.fetch_value("SELECT COUNT(*) FROM registrations")


async def test_a_newcomer_who_taps_register_fills_the_profile_and_is_back_at_the_card(
    harness: Harness,
) -> None:
    await make_event(harness.db, NOW, capacity=10)
    user = tg_user(760)
    await _with_language(harness, user)
    listing = await harness.send(user, "/events")
    card = await harness.press(user, button(listing, "1. Семинар для общественных советов"))
    calls = await harness.press(user, button(card, "✅ Зарегистрироваться"))
    assert [a.text for a in answers(calls)] == ["Сначала заполните короткую анкету"]
    assert any(CONSENT in text for text in texts(calls))
    assert await _registrations(harness) == 0

    done = await _onboard(harness, user, calls)
    assert "Анкета сохранена" in texts(done)[0]
    assert "Семинар для общественных советов" in texts(done)[1], "the card again"
    ask = await harness.press(user, button(done, "✅ Зарегистрироваться"))
    registered = await harness.press(user, button(ask, "Да, зарегистрироваться"))
    assert "Вы зарегистрированы" in texts(registered)[0]
    assert await _registrations(harness) == 1


async def test_old_confirm_and_apply_buttons_also_wait_for_the_profile(harness: Harness) -> None:
    seminar = await make_event(harness.db, NOW)
    tour = await make_event(harness.db, NOW, by_application=True, title_ru="Поездка в Астану")
    user = tg_user(761)
    await _with_language(harness, user)
    for event_id, action in ((seminar.id, EventAction.CONFIRM), (tour.id, EventAction.APPLY)):
        calls = await harness.press(user, EventCallback(action=action, event_id=event_id).pack())
        assert [a.text for a in answers(calls)] == ["Сначала заполните короткую анкету"]
        assert any(CONSENT in text for text in texts(calls))
    assert await _registrations(harness) == 0
    # The last button pressed is where the person goes back to.
    done = await _onboard(harness, user, calls)
    assert "Поездка в Астану" in texts(done)[1]


async def test_checkin_and_profile_wait_for_the_profile(harness: Harness) -> None:
    user = tg_user(762)
    await _with_language(harness, user)
    for calls in (
        await harness.send(user, "/checkin"),
        await harness.send(user, "/profile"),
        await harness.press(user, ProfileEditCallback(field=ProfileField.PHONE).pack()),
    ):
        assert any(CONSENT in text for text in texts(calls))
    await harness.press(user, button(calls, "✅ Согласен"))
    # Half-way through the form, the same commands take the person back to their step.
    resumed = await harness.send(user, "/checkin")
    assert "Продолжим анкету" in texts(resumed)[0]
    assert "фамилию и имя" in texts(resumed)[1]

    await make_participant(harness.db, 763, NOW)
    ask = await harness.send(tg_user(763), "/checkin")
    assert "шестизначный код" in texts(ask)[0]


async def test_an_erased_participant_is_asked_for_consent_again(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    await make_participant(harness.db, 764, NOW)
    user = tg_user(764)
    confirm = await harness.send(user, "/delete_me")
    await harness.press(user, button(confirm, "Да, удалить"))
    calls = await harness.press(
        user, EventCallback(action=EventAction.REGISTER, event_id=event.id).pack()
    )
    assert any(CONSENT in text for text in texts(calls))
    assert await _registrations(harness) == 0


async def test_links_that_need_no_profile_open_for_a_newcomer(harness: Harness) -> None:
    """An event link waits for the profile (and for the language before it); a coordinator's
    invitation opens at once."""
    event = await make_event(harness.db, NOW)
    user = tg_user(765)
    [ask] = await harness.send(user, f"/start {DeepLink(LinkKind.EVENT, event.code).payload}")
    calls = await harness.press(user, dict(buttons(ask))["✓ Русский"])
    done = await _onboard(harness, user, calls)
    assert "Семинар для общественных советов" in texts(done)[1]

    newcomer = tg_user(766)
    await _with_language(harness, newcomer)
    invite = await harness.app.people.invite_coordinator(1)
    joined = await harness.send(newcomer, f"/start {DeepLink(LinkKind.INVITE, invite).payload}")
    assert "стали координатором" in texts(joined)[0]
