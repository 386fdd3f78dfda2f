"""Walk-ins in the coordinator's participant list (marked, counted, the same "present" as the
event screen, paging on), and the walk-in form: it speaks of the person, not of "you", and
takes a district typed by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import ReplyKeyboardMarkup, User

from bot.checkin.rules import CheckinMethod, CheckinResult
from bot.events.model import Event
from tests.conftest import NOW
from tests.factories import check_in_at, make_event, make_participant, sign_up, walk_in
from tests.harness import Harness, button, buttons, texts, tg_user

COORDINATOR = tg_user(1)


def reply_labels(calls: list[TelegramMethod[Any]]) -> list[str]:
    """The reply keyboard's buttons of the newest call that carries one."""
    for call in reversed(calls):
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, ReplyKeyboardMarkup):
            return [b.text for row in markup.keyboard for b in row]
    raise AssertionError(f"no reply keyboard in {texts(calls)}")


def inline_labels(calls: list[TelegramMethod[Any]]) -> list[str]:
    return [label for call in calls for label, _ in buttons(call)]


async def kazakh_coordinator(harness: Harness) -> User:
    coordinator = tg_user(1, "kk")
    await make_participant(harness.db, coordinator.id, NOW, language="kk")
    return coordinator


async def an_event_with_everyone(harness: Harness) -> Event:
    """Registered and absent (501), registered and present (502), in by QR without a
    registration (503), registered but cancelled and then in by code (504), and one added by
    name without Telegram."""
    event = await make_event(
        harness.db, NOW, starts_at=NOW + timedelta(minutes=30), walkins_allowed=True
    )
    people = (
        (501, "Отсутствующая Алия"),
        (502, "Пришедший Ерлан"),
        (503, "Гостья Дана"),
        (504, "Передумавший Арман"),
    )
    for user_id, name in people:
        await make_participant(harness.db, user_id, NOW, full_name=name, category="civic_activist")
    for user_id in (501, 502, 504):
        await sign_up(harness.db, event.id, user_id, NOW)
    assert await check_in_at(harness.db, event.id, 502, CheckinMethod.QR, NOW) is CheckinResult.OK
    assert (
        await check_in_at(harness.db, event.id, 503, CheckinMethod.QR, NOW) is CheckinResult.WALKIN
    )
    await harness.db.execute(
        "UPDATE registrations SET status = 'cancelled' WHERE event_id = ? AND user_id = 504",
        (event.id,),
    )
    assert (
        await check_in_at(harness.db, event.id, 504, CheckinMethod.CODE, NOW)
        is CheckinResult.WALKIN
    )
    await walk_in(harness.db, event.id, "Ахметова Роза", "civic_activist", "turksib", NOW, by=1)
    return event


async def test_walk_ins_are_listed_marked_and_counted_as_on_the_event_screen(
    harness: Harness,
) -> None:
    event = await an_event_with_everyone(harness)
    screen = texts(await harness.press(COORDINATOR, f"Aev:o:{event.id}:0"))[0]
    assert "Присутствуют: 4" in screen

    listing = await harness.press(COORDINATOR, f"Aev:l:{event.id}:0")
    text = texts(listing)[0]
    assert "(всего 5)" in text
    assert "Присутствуют: 4 · из них без регистрации: 3" in text
    assert "▫️ 1. Отсутствующая Алия — зарегистрирован(а)" in text
    assert "✅ 2. Пришедший Ерлан — зарегистрирован(а)" in text
    assert "✅ 3. Гостья Дана — 🚶 без регистрации" in text
    assert "✅ 4. Передумавший Арман — 🚶 без регистрации" in text
    assert (
        "✅ 5. Ахметова Роза — 🚶 без Telegram\n     Гражданский активист, Турксибский район"
        in (text)
    )
    labels = inline_labels(listing)
    assert "▫️ 1. Отсутствующая Алия" in labels
    assert not [label for label in labels if "Дана" in label or "Роза" in label], (
        "a walk-in is present already and has no card"
    )

    cards = await harness.press(COORDINATOR, button(listing, "🔎 Карточки"))
    card_labels = inline_labels(cards)
    assert "✅ 2. Пришедший Ерлан" in card_labels
    assert "Ахметова Роза" in texts(cards)[0]
    assert not [label for label in card_labels if "Роза" in label]


async def test_walk_ins_in_the_list_in_kazakh(harness: Harness) -> None:
    coordinator = await kazakh_coordinator(harness)
    event = await an_event_with_everyone(harness)
    screen = texts(await harness.press(coordinator, f"Aev:o:{event.id}:0"))[0]
    assert "Қатысып отырғандар: 4" in screen
    text = texts(await harness.press(coordinator, f"Aev:l:{event.id}:0"))[0]
    assert "(барлығы 5)" in text
    assert "Қатысып отырғандар: 4 · оның ішінде тіркелусіз: 3" in text
    assert "✅ 3. Гостья Дана — 🚶 тіркелусіз" in text
    assert "✅ 5. Ахметова Роза — 🚶 Telegram-сыз\n     Азаматтық белсенді, Түрксіб ауданы" in text


async def test_a_long_list_with_walk_ins_keeps_paging(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(minutes=30))
    for user_id in range(601, 610):
        await make_participant(harness.db, user_id, NOW, full_name=f"Участник {user_id}")
        await sign_up(harness.db, event.id, user_id, NOW)
    await check_in_at(harness.db, event.id, 601, CheckinMethod.QR, NOW)
    for name in ("Гость Первый", "Гость Второй", "Гость Третий"):
        await walk_in(harness.db, event.id, name, None, None, NOW, by=1)

    first = await harness.press(COORDINATOR, f"Aev:l:{event.id}:0")
    text = texts(first)[0]
    assert "(всего 12)" in text and "Присутствуют: 4 · из них без регистрации: 3" in text
    assert "9. Участник 609" in text and "10. Гость Первый — 🚶 без Telegram" in text
    assert "Гость Второй" not in text
    second = await harness.press(COORDINATOR, button(first, "Далее ›"))
    text = texts(second)[0]
    assert "(всего 12)" in text and "Присутствуют: 4 · из них без регистрации: 3" in text
    assert "11. Гость Второй" in text and "12. Гость Третий" in text
    assert "Участник 6" not in text and "Гость Первый" not in text
    assert "Далее ›" not in inline_labels(second)
    screen = texts(await harness.press(COORDINATOR, f"Aev:o:{event.id}:0"))[0]
    assert "Присутствуют: 4" in screen


async def start_form(harness: Harness, coordinator: User, event: Event, name: str) -> None:
    screen = await harness.press(coordinator, f"Aev:o:{event.id}:0")
    await harness.press(coordinator, button(screen, "➕"))
    await harness.send(coordinator, name)


async def test_the_walk_in_form_asks_about_the_person_and_takes_a_typed_district(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(minutes=30))
    await start_form(harness, COORDINATOR, event, "Ахметова Роза")
    asked = await harness.send(COORDINATOR, "Гражданский активист")
    assert "район или город этого участника" in texts(asked)[0]
    assert "ваш" not in texts(asked)[0].lower()
    assert "Другой — напишу сам(а)" in reply_labels(asked)

    typing = await harness.send(COORDINATOR, "Другой — напишу сам(а)")
    assert "населённого пункта этого участника" in texts(typing)[0]
    short = await harness.send(COORDINATOR, "Ш")
    assert "от 2 до 60 символов" in texts(short)[0]
    done = await harness.send(COORDINATOR, "  с.  Шамалган ")
    assert "Ахметова Роза отмечен(а)" in texts(done)[0]
    stored = await harness.db.fetch_value(
        "SELECT walkin_district FROM checkins WHERE event_id = ?", (event.id,)
    )
    assert stored == "other:с. Шамалган"
    listing = texts(await harness.press(COORDINATOR, f"Aev:l:{event.id}:0"))[0]
    assert "Гражданский активист, с. Шамалган" in listing


async def test_the_walk_in_form_asks_about_the_person_in_russian(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    await harness.press(COORDINATOR, button(screen, "➕ Пришёл без Telegram"))
    asked = await harness.send(COORDINATOR, "Ахметова Роза")
    assert "Выберите категорию этого участника." in texts(asked)[0]
    assert "Гражданский активист" in reply_labels(asked)
    done = await harness.send(COORDINATOR, "Гражданский активист")
    done = await harness.send(COORDINATOR, "Турксибский район")
    assert "Ахметова Роза отмечен(а)" in texts(done)[0]


async def test_the_walk_in_form_in_kazakh(harness: Harness) -> None:
    coordinator = await kazakh_coordinator(harness)
    event = await make_event(harness.db, NOW)
    screen = await harness.press(coordinator, f"Aev:o:{event.id}:0")
    await harness.press(coordinator, button(screen, "➕ Telegram-сыз келген"))
    asked = await harness.send(coordinator, "Ахметова Роза")
    assert "Осы қатысушының санатын таңдаңыз." in texts(asked)[0]
    assert "санатыңызды" not in texts(asked)[0]
    asked = await harness.send(coordinator, "Азаматтық белсенді")
    assert "Осы қатысушының ауданын немесе қаласын" in texts(asked)[0]
    assert "Ауданыңызды" not in texts(asked)[0]
    assert "Басқа — өзім жазамын" in reply_labels(asked)
    typing = await harness.send(coordinator, "Басқа — өзім жазамын")
    assert "Осы қатысушының ауданының немесе елді мекенінің" in texts(typing)[0]
    done = await harness.send(coordinator, "Шамалған ауылы")
    assert "Ахметова Роза «" in texts(done)[0]
    stored = await harness.db.fetch_value(
        "SELECT walkin_district FROM checkins WHERE event_id = ?", (event.id,)
    )
    assert stored == "other:Шамалған ауылы"
