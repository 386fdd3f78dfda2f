"""Coordinator screens change in place, keep a way back, and a typed answer leaves one live
screen; approving several applicants says who; through the production Dispatcher."""

from __future__ import annotations

from typing import Any

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage, TelegramMethod
from aiogram.types import Message

from bot.people.users import choose_language
from bot.platform.telegram_text import MESSAGE_LIMIT, utf16_len
from bot.registration.service import Approved
from bot.texts import Html
from handlers.admin.applications import approved_names
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, buttons, texts, tg_user

COORDINATOR = tg_user(1)


def sent(calls: list[TelegramMethod[Any]]) -> list[SendMessage]:
    return [call for call in calls if isinstance(call, SendMessage)]


def edited(calls: list[TelegramMethod[Any]]) -> list[EditMessageText]:
    return [call for call in calls if isinstance(call, EditMessageText)]


def labels(message: Message) -> list[str]:
    markup = message.reply_markup
    return [b.text for row in markup.inline_keyboard for b in row] if markup else []


async def screen_of(harness: Harness, data: str) -> Message:
    """A screen as the chat shows it, opened by a button that carries `data`."""
    [shown] = edited(await harness.press(COORDINATOR, data))
    return harness.message(shown)


async def in_kazakh(harness: Harness) -> None:
    await choose_language(harness.db, COORDINATOR.id, "kk", NOW)


async def tap(harness: Harness, message: Message, label: str) -> list[TelegramMethod[Any]]:
    [calls] = await harness.tap(COORDINATOR, message, label)
    return calls


async def applicants(harness: Harness, count: int, name: str = "Заявитель") -> int:
    tour = await make_event(harness.db, NOW, by_application=True, title_ru="Поездка в Туркестан")
    for user_id in range(500, 500 + count):
        await make_participant(harness.db, user_id, NOW, full_name=f"{name} {user_id}")
        await sign_up(harness.db, tour.id, user_id, NOW, "Хочу")
    return tour.id


async def approve_screen(
    harness: Harness, event_id: int, label: str = "✅ Одобрить первые N"
) -> Message:
    """The "how many?" question, asked in place of the applications screen."""
    apps = await screen_of(harness, f"Aas:{event_id}:0")
    [ask] = edited(await tap(harness, apps, label))
    assert ask.message_id == apps.message_id, "asked in place, not as a new message"
    return harness.message(ask)


async def test_approving_the_first_n_names_them_and_leaves_one_live_screen(
    harness: Harness,
) -> None:
    event_id = await applicants(harness, 3)
    ask = await approve_screen(harness, event_id)
    assert "« К заявкам" in labels(ask)

    calls = await harness.send(COORDINATOR, "2")
    assert "Одобрено 2 заявки\nОдобрены: Заявитель 500, Заявитель 501" in texts(calls)
    retired = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert [c.message_id for c in retired] == [ask.message_id]
    assert harness.message(retired[0]).reply_markup is None, "the question has no live buttons"
    [result, screen] = sent(calls)
    assert not buttons(result) and "Заявитель 502" in screen.text


async def test_kazakh_coordinator_reads_who_was_approved_in_kazakh(harness: Harness) -> None:
    event_id = await applicants(harness, 2, name="Өтініш")
    await in_kazakh(harness)
    ask = await approve_screen(harness, event_id, "✅ Алғашқы N өтінімді мақұлдау")
    assert "« Өтінімдерге" in labels(ask)
    calls = await harness.send(COORDINATOR, "2")
    assert "2 өтінім мақұлданды\nМақұлданғандар: Өтініш 500, Өтініш 501" in texts(calls)


async def test_back_from_how_many_returns_to_the_applications_and_stops_waiting_for_a_number(
    harness: Harness,
) -> None:
    event_id = await applicants(harness, 2)
    ask = await approve_screen(harness, event_id)
    [back] = edited(await tap(harness, ask, "« К заявкам"))
    assert "Заявитель 500" in (back.text or "") and back.message_id == ask.message_id
    await harness.send(COORDINATOR, "2")
    statuses = await harness.db.fetch_all(
        "SELECT status FROM registrations WHERE event_id = ?", (event_id,)
    )
    assert {row["status"] for row in statuses} == {"applied"}, "the number was not taken"


def test_many_names_are_clipped_with_how_many_more_and_fit_a_message(harness: Harness) -> None:
    t = harness.app.texts.of("ru")
    people = [Approved(n, f"Участница С Очень Длинной Фамилией <{n}> & Ко") for n in range(300)]
    text = approved_names(t, people)
    shown = text.count("&lt;")
    assert 0 < shown < 300 and text.endswith(f"и ещё {300 - shown}")
    assert "<1>" not in text, "names are escaped"
    whole = t.plural("app.approved_n", 300) + "\n" + t("app.approved_who", names=Html(text))
    assert utf16_len(whole) <= MESSAGE_LIMIT
    kk = approved_names(harness.app.texts.of("kk"), people)
    assert kk.endswith(f"және тағы {300 - shown}")


async def test_approving_many_through_the_bot_stays_within_one_message(
    harness: Harness,
) -> None:
    event_id = await applicants(harness, 120, name="Участник С Длинным Именем Для Проверки")
    await approve_screen(harness, event_id)
    calls = await harness.send(COORDINATOR, "120")
    [result, _] = sent(calls)
    assert result.text.startswith("Одобрено 120 заявок\nОдобрены: ")
    assert "и ещё " in result.text and utf16_len(result.text) <= MESSAGE_LIMIT


async def test_a_cancelled_event_leaves_a_way_back(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    screen = await screen_of(harness, f"Aev:o:{event.id}:0")
    [ask] = edited(await tap(harness, screen, "❌ Отменить мероприятие"))
    [done] = edited(await tap(harness, harness.message(ask), "Да, отменить"))
    assert done.message_id == screen.message_id
    after = harness.message(done)
    assert "отменено" in (after.text or "")
    assert labels(after) == ["« К мероприятию", "« К проекту"]
    [project] = edited(await tap(harness, after, "« К проекту"))
    assert "Семинар для общественных советов" in (project.text or "")


async def test_editing_a_project_field_leaves_one_live_project_screen(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    screen = await screen_of(harness, f"Apr:o:{event.project_id}:0:0")
    [which] = edited(await tap(harness, screen, "✏️"))
    await tap(harness, harness.message(which), "Заказчик")
    calls = await harness.send(COORDINATOR, "Фонд Сорос-Казахстан")
    retired = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert [c.message_id for c in retired] == [screen.message_id]
    assert harness.message(retired[0]).reply_markup is None
    screens = [call for call in sent(calls) if buttons(call)]
    assert len(screens) == 1 and "Фонд Сорос-Казахстан" in screens[0].text


async def test_the_message_screens_change_in_place_and_lead_back(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    screen = await screen_of(harness, f"Aev:o:{event.id}:0")
    [who] = edited(await tap(harness, screen, "✉️ Сообщение участникам"))
    assert who.message_id == screen.message_id
    assert "« К мероприятию" in labels(harness.message(who))
    [ask] = edited(await tap(harness, harness.message(who), "Зарегистрированным"))
    [dropped] = edited(await tap(harness, harness.message(ask), "Не отправлять"))
    assert "не отправлено" in (dropped.text or "")
    [back] = edited(await tap(harness, harness.message(dropped), "« К мероприятию"))
    assert "Семинар для общественных советов" in (back.text or "")


async def test_a_typed_message_leaves_only_the_preview_live(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    await make_participant(harness.db, 601, NOW)
    await sign_up(harness.db, event.id, 601, NOW)
    screen = await screen_of(harness, f"Aev:o:{event.id}:0")
    [who] = edited(await tap(harness, screen, "✉️ Сообщение участникам"))
    [ask] = edited(await tap(harness, harness.message(who), "Зарегистрированным"))
    calls = await harness.send(COORDINATOR, "Начало в 10:00")
    retired = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert [c.message_id for c in retired] == [ask.message_id]
    assert "Отправить 1 участнику?" in texts(calls)[-1]


async def test_editing_an_event_field_leaves_one_live_event_screen(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    screen = await screen_of(harness, f"Aev:o:{event.id}:0")
    [which] = edited(await tap(harness, screen, "✏️ Изменить"))
    await tap(harness, harness.message(which), "Место")
    calls = await harness.send(COORDINATOR, "Дом дружбы, ул. Абая 48")
    retired = [c for c in calls if isinstance(c, EditMessageReplyMarkup)]
    assert [c.message_id for c in retired] == [screen.message_id]
    assert harness.message(retired[0]).reply_markup is None, "«which field?» is no longer live"
    live = [call for call in sent(calls) if buttons(call)]
    assert len(live) == 1 and "Дом дружбы" in live[0].text
