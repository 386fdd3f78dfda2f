"""Coordinators reach the panel with a name only; the profile waits for an event."""

from __future__ import annotations

from bot.deeplinks import DeepLink, LinkKind
from handlers.ui.callbacks import EventAction, EventCallback
from tests.conftest import NOW
from tests.factories import make_event
from tests.harness import Harness, buttons, texts, tg_user


async def test_invited_coordinator_gives_a_name_and_reaches_admin(harness: Harness) -> None:
    invite = await harness.app.people.invite_coordinator(1)
    colleague = tg_user(1911, language_code="kk")
    joined = await harness.send(colleague, f"/start {DeepLink(LinkKind.INVITE, invite).payload}")
    assert "Атыңыз кім?" in texts(joined)[-1]
    ready = await harness.send(colleague, "Сапарова Әйгерім")
    assert "Дайын, Сапарова Әйгерім!" in texts(ready)[0]
    assert "келісім" not in " ".join(texts(joined + ready))
    panel = await harness.send(colleague, "/admin")
    assert "нет прав" not in texts(panel)[0] and "құқығыңыз жоқ" not in texts(panel)[0]
    again = await harness.send(colleague, "/start")
    assert "Дайын, Сапарова Әйгерім!" in texts(again)[0]

    event = await make_event(harness.db, NOW)
    calls = await harness.press(
        colleague, EventCallback(action=EventAction.REGISTER, event_id=event.id).pack()
    )
    assert any("Дербес деректерді" in text for text in texts(calls))


async def test_super_coordinator_without_language_is_asked_only_the_name(harness: Harness) -> None:
    admin = tg_user(1)
    [ask] = await harness.send(admin, "/start")

    calls = await harness.press(admin, dict(buttons(ask))["✓ Русский"])
    assert "Как вас зовут?" in texts(calls)[-1]
    assert not any("Согласие" in text for text in texts(calls))
    ready = await harness.send(admin, "Ким Ан")
    assert "Панель координатора — /admin" in texts(ready)[0]
