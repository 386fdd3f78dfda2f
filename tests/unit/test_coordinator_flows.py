"""The coordinator side through the production Dispatcher: roles, projects, the event form,
edits and cancellation with notices, the participant list and the three check-in paths."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import PhotoSize

from bot.events.model import EventStatus
from bot.events.store import get_event, list_events, list_projects
from bot.notices import NoticeKind
from bot.registration import store as registrations
from bot.registration.rules import DecisionResult, RegistrationStatus
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, sign_up
from tests.harness import Harness, button, buttons, message_update, texts, tg_user

COORDINATOR = tg_user(1)
SEND = SendMessage(chat_id=0, text="x")


async def say(harness: Harness, *answers: str) -> list[TelegramMethod[Any]]:
    calls: list[TelegramMethod[Any]] = []
    for answer in answers:
        calls = await harness.send(COORDINATOR, answer)
    return calls


async def test_participants_cannot_use_coordinator_commands_or_buttons(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, status=EventStatus.DRAFT)
    await make_participant(harness.db, 50, NOW)
    [reply] = await harness.send(tg_user(50), "/admin")
    assert "нет прав координатора" in texts([reply])[0]
    forged = await harness.press(tg_user(50), f"Aev:p:{event.id}:0")
    assert "нет прав координатора" in texts(forged)[0]
    unchanged = await get_event(harness.db, event.id)
    assert unchanged is not None and unchanged.status is EventStatus.DRAFT


async def test_coordinator_creates_a_project_and_an_event_with_bad_input_on_the_way(
    harness: Harness,
) -> None:
    [home] = await harness.send(COORDINATOR, "/admin")
    ask = await harness.press(COORDINATOR, button([home], "➕ Новый проект"))
    assert "Название проекта" in texts(ask)[0]
    calls = await say(harness, "Школа гражданского участия", "Пропустить", "УОР г. Алматы")
    calls = await say(harness, "с июня по ноябрь")
    assert "01.06.2026 - 30.11.2026" in texts(calls)[0]
    calls = await say(harness, "01.06.2026 - 30.11.2026")
    assert "создан" in texts(calls)[0]
    [project] = await list_projects(harness.db)
    assert project.funder == "УОР г. Алматы"

    calls = await harness.press(COORDINATOR, button(calls, "➕ Новое мероприятие"))
    assert "Шаг 1 из 16" in texts(calls)[0]
    await say(harness, "Семинар в Алмалинском районе", "Пропустить", "Пропустить", "Пропустить")
    await say(harness, "Семинар")
    bad = [
        ("12/06/2026", "Не понял дату"),
        ("31.06.2026 10:00", "Такой даты"),
        ("01.06.2026 10:00", "уже прошло"),
    ]
    for answer, reason in bad:
        assert reason in texts(await say(harness, answer))[0]
    await say(harness, "12.06.2026 10:00")
    assert "позже начала" in texts(await say(harness, "09:00"))[0]
    await say(harness, "13:00", "ул. Абая 10", "Алмалинский район")
    assert "цифрами" in texts(await say(harness, "двадцать"))[0]
    await say(harness, "25")
    assert "до начала" in texts(await say(harness, "13.06.2026 10:00"))[0]
    await say(harness, "11.06.2026 18:00", "Открытое")
    assert "Пример: 24ч, 2ч" in texts(await say(harness, "завтра"))[0]
    await say(harness, "24ч, 3ч", "Анкета участника семинара", "Анонимная")
    await say(harness, "📢 Опубликовать")
    calls = await say(harness, "✅ Сохранить")
    assert "создано и опубликовано" in texts(calls)[0]

    [event] = await list_events(harness.db, project.id)
    assert event.status is EventStatus.PUBLISHED
    assert (event.capacity, event.reminder_minutes) == (25, (1440, 180))
    assert (event.survey_template, event.survey_anonymous) == ("seminar", True)
    assert event.starts_at == NOW + timedelta(days=3)
    assert event.ends_at == NOW + timedelta(days=3, hours=3)
    assert event.registration_deadline == NOW + timedelta(days=2, hours=8)
    audit = await harness.db.fetch_value("SELECT COUNT(*) FROM audit_log WHERE actor_id = 1")
    assert audit == 2

    await make_participant(harness.db, 60, NOW)
    [listing] = await harness.send(tg_user(60), "/events")
    assert "Семинар в Алмалинском районе" in texts([listing])[0]


async def test_moving_an_event_tells_everyone_signed_up(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, capacity=1)
    await make_participant(harness.db, 70, NOW)
    await make_participant(harness.db, 71, NOW, language="kk")
    await sign_up(harness.db, event.id, 70, NOW)
    await sign_up(harness.db, event.id, 71, NOW)

    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    edit = await harness.press(COORDINATOR, button(screen, "✏️ Изменить"))
    ask = await harness.press(COORDINATOR, button(edit, "Начало"))
    assert "13.06.2026 10:00" in texts(ask)[0]
    calls = await say(harness, "14.06.2026 11:00")
    assert "сообщается 2 участникам" in " ".join(texts(calls))
    moved = await get_event(harness.db, event.id)
    assert moved is not None and moved.ends_at - moved.starts_at == timedelta(hours=2)

    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    told = {c.chat_id: c.text for c in harness.session.calls[start:] if isinstance(c, SendMessage)}
    assert "14.06.2026 11:00" in told[70]
    assert "өзгерістер" in told[71]


async def test_cancelling_an_event_tells_participants_in_their_language(harness: Harness) -> None:
    event = await make_event(harness.db, NOW)
    await make_participant(harness.db, 80, NOW, language="kk")
    await sign_up(harness.db, event.id, 80, NOW)
    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    ask = await harness.press(COORDINATOR, button(screen, "❌ Отменить мероприятие"))
    done = await harness.press(COORDINATOR, button(ask, "Да, отменить"))
    assert "отменено" in texts(done)[0]
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    [notice] = [c for c in harness.session.calls[start:] if isinstance(c, SendMessage)]
    assert notice.chat_id == 80 and "тоқтатылды" in notice.text
    [card] = await harness.send(tg_user(80, "kk"), f"/start e_{event.code}")
    assert "Іс-шара тоқтатылды" in texts([card])[0]


async def test_three_check_in_paths(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    event = await make_event(
        harness.db, NOW, project=project, starts_at=NOW + timedelta(minutes=30)
    )
    for user_id in (90, 91, 92, 93):
        await make_participant(harness.db, user_id, NOW, full_name=f"Участник Номер{user_id}")
    for user_id in (90, 91, 92):
        await sign_up(harness.db, event.id, user_id, NOW)

    qr = await harness.press(COORDINATOR, f"Aev:q:{event.id}:0")
    [photo] = [c for c in qr if isinstance(c, SendPhoto)]
    assert event.checkin_code and event.checkin_code in (photo.caption or "")
    assert f"start=c_{event.code}-{event.checkin_code}" in (photo.caption or "")

    harness.clock.set(NOW - timedelta(minutes=31))  # opens an hour before the start
    early = await harness.send(tg_user(90), f"/start c_{event.code}-{event.checkin_code}")
    assert "откроется" in texts(early)[0]
    harness.clock.set(NOW + timedelta(minutes=10))
    # The registration link's code alone is public: it is not a way to be marked from home.
    forged = await harness.send(tg_user(91), f"/start c_{event.code}")
    assert "Вы отмечены" not in texts(forged)[0]
    assert await harness.db.fetch_value("SELECT COUNT(*) FROM checkins WHERE user_id = 91") == 0
    assert (
        "Вы отмечены"
        in texts(await harness.send(tg_user(90), f"/start c_{event.code}-{event.checkin_code}"))[0]
    )
    assert (
        "уже отмечены"
        in texts(await harness.send(tg_user(90), f"/start c_{event.code}-{event.checkin_code}"))[0]
    )
    stranger = await harness.send(tg_user(93), f"/start c_{event.code}-{event.checkin_code}")
    assert "не зарегистрированы" in texts(stranger)[0]

    await harness.send(tg_user(91), "/checkin")
    assert "шесть цифр" in texts(await harness.send(tg_user(91), "12ab"))[0]
    typed = await harness.send(tg_user(91), event.checkin_code or "")
    assert "Вы отмечены" in texts(typed)[0]

    listing = await harness.press(COORDINATOR, f"Aev:l:{event.id}:0")
    marked = await harness.press(COORDINATOR, button(listing, "▫️ 3. Участник Номер92"))
    assert "Отмечен(а)" in texts(marked)
    assert "✅ 3. Участник Номер92 — зарегистрирован(а)" in texts(marked)[0]
    rows = await harness.db.fetch_all(
        "SELECT user_id, method FROM checkins WHERE event_id = ? ORDER BY user_id", (event.id,)
    )
    assert [tuple(row) for row in rows] == [(90, "qr"), (91, "code"), (92, "list")]

    harness.clock.set(NOW + timedelta(hours=5))
    late = await harness.send(tg_user(93), f"/start c_{event.code}-{event.checkin_code}")
    assert "закрылась" in texts(late)[0]


async def test_applications_approved_within_capacity_and_applicants_told(harness: Harness) -> None:
    tour = await make_event(
        harness.db, NOW, by_application=True, capacity=2, title_ru="Поездка в Астану"
    )
    for user_id, language in ((101, "ru"), (102, "kk"), (103, "ru"), (104, "ru")):
        await make_participant(
            harness.db, user_id, NOW, language=language, full_name=f"Заявитель Номер{user_id}"
        )
        await sign_up(harness.db, tour.id, user_id, NOW, "Хочу изучить опыт")

    screen = await harness.press(COORDINATOR, f"Aev:o:{tour.id}:0")
    apps = await harness.press(COORDINATOR, button(screen, "📝 Заявки"))
    text = texts(apps)[0]
    assert "Заявитель Номер101" in text and "«Хочу изучить опыт»" in text
    calls = await harness.press(COORDINATOR, button(apps, "1. ✅"))
    assert "Готово" in " ".join(texts(calls))
    calls = await harness.press(COORDINATOR, button(calls, "1. ✖️"))  # 102 is first now
    calls = await harness.press(COORDINATOR, button(calls, "1. 🕓"))  # 103 to reserve
    ask = await harness.press(COORDINATOR, button(calls, "✅ Одобрить первые N"))
    assert "Свободных мест: 1" in texts(ask)[0]
    beyond = await say(harness, "2")
    assert "Нельзя одобрить 2: свободных мест только 1" in texts(beyond)[0]
    everyone = await say(harness, "1")
    assert "Одобрена 1 заявка\nОдобрены: Заявитель Номер104" in texts(everyone)
    full = await harness.press(COORDINATOR, button(everyone, "1. ✅"))  # 103 from reserve
    assert any("Места закончились" in text for text in texts(full))

    statuses = {
        row["user_id"]: row["status"]
        for row in await harness.db.fetch_all(
            "SELECT user_id, status FROM registrations WHERE event_id = ?", (tour.id,)
        )
    }
    assert statuses == {101: "confirmed", 102: "rejected", 103: "reserve", 104: "confirmed"}

    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    told = {c.chat_id: c.text for c in harness.session.calls[start:] if isinstance(c, SendMessage)}
    assert "одобрена" in told[101]
    assert "мақұлданбады" in told[102]
    assert "в резерве" in told[103]
    assert "одобрена" in told[104]


async def test_invitation_link_makes_a_coordinator_once(harness: Harness) -> None:
    [home] = await harness.send(COORDINATOR, "/admin")
    team = await harness.press(COORDINATOR, button([home], "👤 Координаторы"))
    calls = await harness.press(COORDINATOR, button(team, "➕ Пригласить"))
    link = next(word for word in texts(calls)[0].split() if "start=i_" in word)
    payload = link.split("start=", 1)[1]

    colleague = tg_user(200)
    await make_participant(harness.db, 200, NOW, full_name="Коллега Новая")
    assert "нет прав" in texts(await harness.send(colleague, "/admin"))[0]
    joined = await harness.send(colleague, f"/start {payload}")
    assert "стали координатором" in texts(joined)[0]
    assert "Панель координатора" in texts(await harness.send(colleague, "/admin"))[0]

    stranger = tg_user(201)
    await make_participant(harness.db, 201, NOW)
    reused = await harness.send(stranger, f"/start {payload}")
    assert "недействительно" in texts(reused)[0]

    # Only super-coordinators manage the team; and a removal takes effect at once.
    denied = await harness.press(colleague, "Ac:l:0")
    assert "только администраторы" in texts(denied)[0]
    listing = await harness.press(COORDINATOR, "Ac:l:0")
    await harness.press(COORDINATOR, button(listing, "Убрать: Коллега Новая"))
    assert "нет прав" in texts(await harness.send(colleague, "/admin"))[0]


async def test_message_to_registered_participants_with_preview_and_counts(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW, capacity=2)
    for user_id, language in ((301, "ru"), (302, "kk"), (303, "ru")):
        await make_participant(harness.db, user_id, NOW, language=language)
        await sign_up(harness.db, event.id, user_id, NOW)

    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    who = await harness.press(COORDINATOR, button(screen, "✉️ Сообщение участникам"))
    ask = await harness.press(COORDINATOR, button(who, "Зарегистрированным (2)"))
    assert "до 3500 символов" in texts(ask)[0]
    too_long = await harness.send(COORDINATOR, "я" * 3501)
    assert "Слишком длинно" in texts(too_long)[0]
    preview = await harness.send(COORDINATOR, "Начало в 10:00, <регистрация> с 9:30")
    assert "&lt;регистрация&gt;" in texts(preview)[1], "the coordinator's text stays text"
    assert "Отправить 2 участникам?" in texts(preview)[2]

    harness.session.failures = {
        302: [TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user")]
    }
    sent = await harness.press(COORDINATOR, button(preview, "📨 Отправить"))
    assert "в очереди: 2" in texts(sent)[0]
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    got = [c.chat_id for c in harness.session.calls[start:] if isinstance(c, SendMessage)]
    assert got == [301, 302] and 303 not in got, "the waiting list was not in this audience"
    done = harness.message(sent[0])
    assert "Доставлено: 1 из 2; заблокировали бота: 1" in (done.text or ""), "it updated itself"


async def test_walk_ins_by_qr_when_allowed_and_by_name_without_telegram(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(minutes=30))
    await make_participant(harness.db, 400, NOW, full_name="Гость Без Регистрации")
    refused = await harness.send(tg_user(400), f"/start c_{event.code}-{event.checkin_code}")
    assert "не зарегистрированы" in texts(refused)[0]

    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    screen = await harness.press(COORDINATOR, button(screen, "🚶 Пускать без регистрации"))
    assert "🚶 Только зарегистрированные" in [text for text, _ in buttons(screen[0])]
    welcomed = await harness.send(tg_user(400), f"/start c_{event.code}-{event.checkin_code}")
    assert "без предварительной регистрации" in texts(welcomed)[0]

    await harness.press(COORDINATOR, button(screen, "➕ Пришёл без Telegram"))
    assert "два слова" in " ".join(texts(await say(harness, "Бабушка")))
    await say(harness, "Ахметова Роза", "Гражданский активист")
    done = await say(harness, "Турксибский район")
    assert "Ахметова Роза отмечен(а)" in texts(done)[0]
    rows = await harness.db.fetch_all(
        "SELECT user_id, walkin_name, walkin_district, method FROM checkins WHERE event_id = ?",
        (event.id,),
    )
    assert sorted((tuple(row) for row in rows), key=str) == sorted(
        [(400, None, None, "qr"), (None, "Ахметова Роза", "turksib", "walkin")], key=str
    )


async def test_participant_card_from_the_list(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, by_application=True, capacity=5)
    await make_participant(harness.db, 500, NOW, full_name="Карточкина Анна", phone="+77015550000")
    await sign_up(harness.db, event.id, 500, NOW, "Хочу участвовать в совете")
    listing = await harness.press(COORDINATOR, f"Aev:l:{event.id}:0")
    cards = await harness.press(COORDINATOR, button(listing, "🔎 Карточки"))
    card = await harness.press(COORDINATOR, button(cards, "▫️ 1. Карточкина Анна"))
    text = texts(card)[0]
    assert "Телефон: +77015550000" in text
    assert "Мотивация: «Хочу участвовать в совете»" in text
    assert "Зарегистрирован(а): 09.06.2026 10:00" in text
    marked = await harness.press(COORDINATOR, button(card, "✅ Отметить присутствие"))
    assert "Отмечен(а)" in texts(marked)
    again = await harness.press(COORDINATOR, button(cards, "▫️ 1. Карточкина Анна"))
    assert "Присутствие: 09.06.2026 10:00 (по списку)" in texts(again)[0]


async def test_survey_timing_is_configurable_per_event(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, survey_template="seminar")
    await harness.press(COORDINATOR, f"Aef:{event.id}:survey_timing")
    assert "через запятую" in texts(await say(harness, "завтра"))[0]
    assert "позже приглашения" in texts(await say(harness, "2ч, 24ч, 1д"))[0]
    await say(harness, "2ч, 48ч, 10д")
    changed = await get_event(harness.db, event.id)
    assert changed is not None
    assert (
        changed.survey_delay_minutes,
        changed.survey_nudge_minutes,
        changed.survey_close_minutes,
    ) == (120, 2880, 14400)


async def test_check_in_window_is_configurable(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, starts_at=NOW + timedelta(hours=2))
    await make_participant(harness.db, 600, NOW)
    await sign_up(harness.db, event.id, 600, NOW)
    early = await harness.send(tg_user(600), f"/start c_{event.code}-{event.checkin_code}")
    assert "откроется" in texts(early)[0], "an hour before the start by default"
    await harness.press(COORDINATOR, f"Aef:{event.id}:checkin_margin_minutes")
    assert "не больше 24 часов" in texts(await say(harness, "два часа"))[0]
    await say(harness, "2ч")
    welcomed = await harness.send(tg_user(600), f"/start c_{event.code}-{event.checkin_code}")
    assert "Вы отмечены" in texts(welcomed)[0]


async def test_an_invitation_expires_after_three_days(harness: Harness) -> None:
    [home] = await harness.send(COORDINATOR, "/admin")
    team = await harness.press(COORDINATOR, button([home], "👤 Координаторы"))
    calls = await harness.press(COORDINATOR, button(team, "➕ Пригласить"))
    link = next(word for word in texts(calls)[0].split() if "start=i_" in word)
    payload = link.split("start=", 1)[1]
    await make_participant(harness.db, 210, NOW, full_name="Опоздавший Коллега")

    harness.clock.advance(timedelta(days=3, seconds=1))
    late = await harness.send(tg_user(210), f"/start {payload}")
    assert "недействительно" in texts(late)[0]
    assert "нет прав" in texts(await harness.send(tg_user(210), "/admin"))[0]


async def test_a_project_can_be_corrected_after_it_was_created(harness: Harness) -> None:
    project = await make_project(harness.db, NOW, title_ru="Школа гражданского учасия")
    screen = await harness.press(COORDINATOR, f"Apr:o:{project.id}")
    choose = await harness.press(COORDINATOR, button(screen, "✏️ Изменить проект"))
    assert "Что изменить в проекте «Школа гражданского учасия»?" in texts(choose)[0]

    ask = await harness.press(COORDINATOR, button(choose, "Название на русском"))
    assert "Название проекта на русском" in texts(ask)[0]
    saved = await harness.send(COORDINATOR, "Школа гражданского участия")
    assert texts(saved)[0] == "Сохранено."
    assert "<b>Школа гражданского участия</b>" in texts(saved)[1]

    choose = await harness.press(COORDINATOR, f"Apr:d:{project.id}")
    await harness.press(COORDINATOR, button(choose, "Период реализации"))
    wrong = await harness.send(COORDINATOR, "с июня по ноябрь")
    assert texts(wrong)[0] == "Напишите период так: 01.06.2026 - 30.11.2026."
    backwards = await harness.send(COORDINATOR, "30.11.2026 - 01.06.2026")
    assert texts(backwards)[0] == "Конец периода раньше начала."
    saved = await harness.send(COORDINATOR, "01.06.2026 - 30.11.2026")
    assert "Период: 01.06.2026 – 30.11.2026" in texts(saved)[1]

    choose = await harness.press(COORDINATOR, f"Apr:d:{project.id}")
    await harness.press(COORDINATOR, button(choose, "Заказчик"))
    cancelled = await harness.send(COORDINATOR, "Отмена")
    assert texts(cancelled)[0] == "Отменено, ничего не сохранено."
    [kept] = await list_projects(harness.db)
    assert (kept.title_ru, kept.funder) == ("Школа гражданского участия", "УОР г. Алматы")
    assert (f"{kept.starts_on:%d.%m}", f"{kept.ends_on:%d.%m}") == ("01.06", "30.11")
    changes = await harness.db.fetch_all(
        "SELECT details FROM audit_log WHERE action = 'project.edit' ORDER BY id"
    )
    assert len(changes) == 2, "every change is in the audit log, the cancelled one is not"


async def test_participants_cannot_edit_projects(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    await make_participant(harness.db, 55, NOW)
    refused = await harness.press(tg_user(55), f"Apf:{project.id}:title_ru")
    assert "нет прав координатора" in texts(refused)[0]
    [kept] = await list_projects(harness.db)
    assert kept.title_ru == project.title_ru


async def write_message(harness: Harness, event_id: int) -> None:
    """The coordinator opens the message form for the event's registered people."""
    screen = await harness.press(COORDINATOR, f"Aev:o:{event_id}:0")
    who = await harness.press(COORDINATOR, button(screen, "✉️ Сообщение участникам"))
    await harness.press(COORDINATOR, button(who, "Зарегистрированным"))


async def preview_message(harness: Harness, event_id: int, text: str) -> list[Any]:
    await write_message(harness, event_id)
    return await harness.send(COORDINATOR, text)


async def preview_long_photo_message(harness: Harness, user_id: int) -> list[Any]:
    """A photo whose caption plus the heading is too long for one caption: it goes out as the
    photo, then the text, to one registered participant."""
    event = await make_event(harness.db, NOW, title_ru="Семинар")
    await make_participant(harness.db, user_id, NOW)
    await sign_up(harness.db, event.id, user_id, NOW)
    await write_message(harness, event.id)
    photo = [PhotoSize(file_id="AgADphoto", file_unique_id="u", width=800, height=600)]
    return await harness.feed(message_update(COORDINATOR, None, photo=photo, caption="я" * 1020))


async def test_send_under_an_older_preview_never_sends_another_events_text(
    harness: Harness,
) -> None:
    project = await make_project(harness.db, NOW)
    alpha = await make_event(harness.db, NOW, project=project, title_ru="Альфа")
    beta = await make_event(harness.db, NOW, project=project, title_ru="Бета")
    for user_id, event in ((801, alpha), (802, beta)):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)

    old = await preview_message(harness, beta.id, "Текст для Беты")
    await preview_message(harness, alpha.id, "Текст для Альфы")
    refused = await harness.press(COORDINATOR, button(old, "📨 Отправить"))
    assert "устарела" in texts(refused)[0] or "устарел" in texts(refused)[0]
    await harness.app.outbox.drain(harness.bot)
    assert not [c for c in harness.session.calls if isinstance(c, SendMessage) and c.chat_id == 802]


async def test_an_old_publish_button_does_not_revive_a_cancelled_event(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, status=EventStatus.DRAFT)
    await harness.press(COORDINATOR, f"Aev:x:{event.id}:0")
    await harness.press(COORDINATOR, f"Aev:p:{event.id}:0")
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.status is EventStatus.CANCELLED


async def test_no_decisions_on_applications_once_the_event_is_cancelled(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, by_application=True, capacity=5)
    await make_participant(harness.db, 820, NOW)
    await sign_up(harness.db, event.id, 820, NOW, motivation="Хочу участвовать")
    mine = await registrations.get(harness.db, event.id, 820)
    assert mine is not None
    await harness.db.execute("UPDATE events SET status = 'cancelled' WHERE id = ?", (event.id,))
    service = harness.app.registration
    decision = await service.decide(mine.id, RegistrationStatus.CONFIRMED, actor=1)
    assert decision.result is DecisionResult.CLOSED
    assert await service.approve_first(event.id, 5, actor=1) == []
    kept = await registrations.get(harness.db, event.id, 820)
    assert kept is not None and kept.status is RegistrationStatus.APPLIED


async def test_capacity_never_below_the_seats_held_and_new_seats_go_to_the_waiting_list(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW, capacity=2)
    for user_id in (840, 841, 842):
        await make_participant(harness.db, user_id, NOW)
        await sign_up(harness.db, event.id, user_id, NOW)

    await harness.press(COORDINATOR, f"Aef:{event.id}:capacity")
    refused = await harness.send(COORDINATOR, "1")
    assert texts(refused)[0].startswith("Уже занято мест: 2. Меньше нельзя")
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.capacity == 2

    saved = await harness.send(COORDINATOR, "3")
    assert "Сохранено." in texts(saved)
    told = [c for c in await harness.woken_sends() if isinstance(c, SendMessage)]
    assert [c.chat_id for c in told] == [842]
    assert told and "Освободилось место" in told[0].text
    moved = await registrations.get(harness.db, event.id, 842)
    assert moved is not None and moved.status is RegistrationStatus.CONFIRMED


async def test_a_429_on_the_text_after_a_photo_does_not_send_the_photo_twice(
    harness: Harness,
) -> None:
    preview = await preview_long_photo_message(harness, 850)

    flood = TelegramRetryAfter(SEND, "Too Many Requests: retry after 0", retry_after=0)
    harness.session.failures = {850: [None, flood]}
    await harness.press(COORDINATOR, button(preview, "📨 Отправить"))
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    to_her = [
        type(c).__name__ for c in harness.session.calls[start:] if getattr(c, "chat_id", 0) == 850
    ]
    assert to_her == ["SendPhoto", "SendMessage", "SendMessage"], "the text again, not the photo"


async def test_an_application_event_stays_one_while_applications_wait(harness: Harness) -> None:
    event = await make_event(harness.db, NOW, by_application=True, capacity=5)
    await make_participant(harness.db, 860, NOW)
    await sign_up(harness.db, event.id, 860, NOW, motivation="Хочу поехать")
    await harness.press(COORDINATOR, f"Aef:{event.id}:by_application")
    refused = await harness.send(COORDINATOR, "Открытое")
    assert texts(refused)[0].startswith("Сначала рассмотрите заявки: 1 ждёт решения")
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.by_application


async def test_moving_an_event_before_its_deadline_lets_registration_run_to_the_start(
    harness: Harness,
) -> None:
    starts = NOW + timedelta(days=10)
    event = await make_event(
        harness.db, NOW, starts_at=starts, registration_deadline=starts - timedelta(days=1)
    )
    await harness.press(COORDINATOR, f"Aef:{event.id}:starts_at")
    earlier = (NOW + timedelta(days=5)).astimezone(harness.app.settings.tz)
    saved = await harness.send(COORDINATOR, f"{earlier:%d.%m.%Y %H:%M}")
    assert "Сохранено." in texts(saved)
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.registration_deadline is None


async def test_a_cancellation_is_saved_only_together_with_its_notice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await make_event(harness.db, NOW)
    await make_participant(harness.db, 870, NOW)
    await sign_up(harness.db, event.id, 870, NOW)

    async def disk_full(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("bot.platform.outbox.store.create_job", disk_full)
    await harness.press(COORDINATOR, f"Aev:x:{event.id}:0")
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.status is EventStatus.PUBLISHED, "not cancelled silently"

    monkeypatch.undo()
    await harness.press(COORDINATOR, f"Aev:x:{event.id}:0")
    fresh = await get_event(harness.db, event.id)
    assert fresh is not None and fresh.status is EventStatus.CANCELLED
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    told = [c for c in harness.session.calls[start:] if getattr(c, "chat_id", 0) == 870]
    assert told, "the participant is told"


async def test_a_network_error_on_the_text_after_a_photo_retries_only_the_text(
    harness: Harness,
) -> None:
    preview = await preview_long_photo_message(harness, 851)

    harness.session.failures = {851: [None, TelegramNetworkError(SEND, "connection reset")]}
    await harness.press(COORDINATOR, button(preview, "📨 Отправить"))
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    harness.clock.advance(timedelta(minutes=1))  # past the retry delay
    await harness.app.outbox.drain(harness.bot)
    calls = harness.session.calls[start:]
    to_her = [type(c).__name__ for c in calls if getattr(c, "chat_id", 0) == 851]
    assert to_her == ["SendPhoto", "SendMessage", "SendMessage"], "the text again, not the photo"


async def test_a_retry_rendered_shorter_sends_the_missing_text_without_the_photo(
    harness: Harness,
) -> None:
    """The photo went out, the text failed; since then the text got short enough to be a
    caption. The retry must send the text alone, not a second photo, and not nothing."""
    event = await make_event(harness.db, NOW, title_ru="Семинар")
    await make_participant(harness.db, 852, NOW)
    draft = {"event_id": event.id, "group": "registered", "text": "Коротко", "photo": "AgADp"}
    job = await harness.app.queue.submit(NoticeKind.COORDINATOR_MESSAGE, draft, [852], urgent=True)
    await harness.db.execute("UPDATE outbox_deliveries SET parts_sent = 1 WHERE job_id = ?", (job,))
    start = len(harness.session.calls)
    await harness.app.outbox.drain(harness.bot)
    sent = [c for c in harness.session.calls[start:] if getattr(c, "chat_id", 0) == 852]
    assert [type(c).__name__ for c in sent] == ["SendMessage"]
    assert "Коротко" in sent[0].text  # type: ignore[attr-defined]
