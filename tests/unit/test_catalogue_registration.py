"""/events, the event card, signing up, cancelling, offers and /my, as a participant sees them."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SendDocument, SendMessage

from bot.deeplinks import DeepLink, LinkKind
from bot.events.model import EventStatus, EventType
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant, sign_up
from tests.harness import Harness, button, buttons, texts, tg_user


async def test_catalogue_lists_upcoming_published_events_nearest_first(harness: Harness) -> None:
    db = harness.db
    later = await make_event(db, NOW, starts_at=NOW + timedelta(days=9), title_ru="Форум НПО")
    sooner = await make_event(db, NOW, capacity=20, title_ru="Семинар в Алмалинском районе")
    await make_event(db, NOW, title_ru="Черновик", status=EventStatus.DRAFT)
    await make_event(
        db, NOW - timedelta(days=2), starts_at=NOW - timedelta(hours=1), title_ru="Прошедшее"
    )
    await make_participant(db, 700, NOW)
    [reply] = await harness.send(tg_user(700), "/events")
    text = texts([reply])[0]
    assert text.index(sooner.title_ru) < text.index(later.title_ru)
    assert "Черновик" not in text and "Прошедшее" not in text
    assert "12.06.2026 10:00–12:00" in text, "local time, Asia/Almaty"
    assert "Осталось 20 мест" in text
    assert "Алмалинский район" in text


async def test_catalogue_in_kazakh_shows_kazakh_titles(harness: Harness) -> None:
    await make_event(harness.db, NOW, capacity=21)
    await make_participant(harness.db, 701, NOW, language="kk")
    [reply] = await harness.send(tg_user(701, "kk"), "/events")
    text = texts([reply])[0]
    assert "Қоғамдық кеңестерге арналған семинар" in text
    assert "21 орын қалды" in text


async def test_long_catalogue_pages_and_filters(harness: Harness) -> None:
    for day in range(7):
        district = "medeu" if day % 2 else "almaly"
        await make_event(
            harness.db,
            NOW,
            starts_at=NOW + timedelta(days=day + 1),
            title_ru=f"Семинар {day + 1}",
            district=district,
        )
    user = tg_user(702)
    await make_participant(harness.db, 702, NOW)
    first = await harness.send(user, "/events")
    assert "(1–5 из 7)" in texts(first)[0]
    second = await harness.press(user, button(first, "Далее ›"))
    assert "(6–7 из 7)" in texts(second)[0]
    picker = await harness.press(user, button(first, "📍 Район"))
    assert "Выберите район" in texts(picker)[0]
    medeu = await harness.press(user, button(picker, "Медеуский район"))
    text = texts(medeu)[0]
    assert "Фильтр: Медеуский район" in text
    assert "(1–3 из 3)" in text


async def test_register_with_confirmation_then_cancel_promotes_the_next(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(days=10))
    first, second = tg_user(710), tg_user(711, "kk")
    await make_participant(harness.db, 710, NOW)
    await make_participant(harness.db, 711, NOW, language="kk")

    listing = await harness.send(first, "/events")
    card = await harness.press(first, button(listing, "1. Семинар для общественных советов"))
    ask = await harness.press(first, button(card, "✅ Зарегистрироваться"))
    assert "Зарегистрироваться на «Семинар для общественных советов»" in texts(ask)[0]
    done = await harness.press(first, button(ask, "Да, зарегистрироваться"))
    assert "Вы зарегистрированы" in texts(done)[0]

    kk_listing = await harness.send(second, "/events")
    kk_card = await harness.press(second, button(kk_listing, "1. Қоғамдық кеңестерге"))
    kk_ask = await harness.press(second, button(kk_card, "✅ Тіркелу"))
    waiting = await harness.press(second, button(kk_ask, "Иә, тіркелемін"))
    assert "күту тізімінде 1-орындасыз" in texts(waiting)[0]

    my_card = await harness.press(first, button(done, "Отменить регистрацию"))
    cancelled = await harness.press(first, button(my_card, "Да, отменить"))
    assert "отменена" in texts(cancelled)[0]
    assert not [c for c in cancelled if getattr(c, "chat_id", None) == 711], "sent by the outbox"
    told = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert [c.chat_id for c in told] == [711] and "Орын босады" in told[0].text
    mine = await registrations.get(harness.db, event.id, 711)
    assert mine is not None and mine.status is RegistrationStatus.CONFIRMED


async def test_offer_near_the_start_can_be_accepted(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1, starts_at=NOW + timedelta(hours=30))
    for user_id in (720, 721):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)
    card = await harness.send(tg_user(720), "/my")
    opened = await harness.press(tg_user(720), button(card, "1. Семинар для общественных"))
    ask = await harness.press(tg_user(720), button(opened, "Отменить регистрацию"))
    await harness.press(tg_user(720), button(ask, "Да, отменить"))
    [offer] = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert offer.chat_id == 721
    assert "Подтвердите участие до 09.06.2026 22:00" in offer.text
    taken = await harness.press(tg_user(721), button([offer], "✅ Беру место"))
    assert "Место за вами" in texts(taken)[0]
    mine = await registrations.get(harness.db, event.id, 721)
    assert mine is not None and mine.status is RegistrationStatus.CONFIRMED

    # The same push message still has its Decline button: it must not undo the seat now.
    stale = await harness.press(tg_user(721), button([offer], "Отказаться"))
    assert "ваша регистрация не изменилась" in texts(stale)[0]
    mine = await registrations.get(harness.db, event.id, 721)
    assert mine is not None and mine.status is RegistrationStatus.CONFIRMED


async def test_application_needs_a_motivation(harness: Harness) -> None:
    event = await make_event(
        harness.db,
        NOW,
        by_application=True,
        capacity=15,
        type=EventType.STUDY_TOUR,
        title_ru="Поездка в Астану",
    )
    user = tg_user(730)
    await make_participant(harness.db, 730, NOW)
    listing = await harness.send(user, "/events")
    card = await harness.press(user, button(listing, "1. Поездка в Астану"))
    assert "Участие по заявкам" in texts(card)[0]
    ask = await harness.press(user, button(card, "📝 Подать заявку"))
    assert "почему вы хотите участвовать" in texts(ask)[0]
    short = await harness.send(user, "хочу")
    assert "Слишком коротко" in texts(short)[0]
    done = await harness.send(user, "Хочу изучить опыт общественных советов столицы")
    assert "на рассмотрении" in texts(done)[0]
    mine = await registrations.get(harness.db, event.id, 730)
    assert mine is not None and mine.status is RegistrationStatus.APPLIED
    my = await harness.send(user, "/my")
    assert "заявка на рассмотрении" in texts(my)[0]


async def test_registration_needs_a_profile_first(harness: Harness) -> None:
    await make_event(harness.db, NOW)
    user = tg_user(740)
    [ask] = await harness.send(user, "/start")
    await harness.press(user, buttons(ask)[0][1])
    listing = await harness.send(user, "/events")
    card = await harness.press(user, button(listing, "1. Семинар для общественных советов"))
    calls = await harness.press(user, button(card, "✅ Зарегистрироваться"))
    assert any("Согласие на обработку" in text for text in texts(calls))
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM registrations") == 0


async def test_deep_link_opens_the_card_and_calendar_file(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=5)
    user = tg_user(750)
    await make_participant(harness.db, 750, NOW)
    link = DeepLink(LinkKind.EVENT, event.code).payload
    card = await harness.send(user, f"/start {link}")
    assert "Семинар для общественных советов" in texts(card)[0]
    ask = await harness.press(user, button(card, "✅ Зарегистрироваться"))
    done = await harness.press(user, button(ask, "Да, зарегистрироваться"))
    calls = await harness.press(user, button(done, "📅 Добавить в календарь"))
    [document] = [c for c in calls if isinstance(c, SendDocument)]
    ics = document.document.data.decode()  # type: ignore[union-attr]
    assert "DTSTART:20260612T050000Z" in ics and "DTEND:20260612T070000Z" in ics
    assert f"UID:{event.code}@" in ics

    wrong = await harness.send(user, "/start e_doesnotexist")
    assert "Ссылка недействительна" in texts(wrong)[0]
