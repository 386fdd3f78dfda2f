"""📜 The change history of a project and of an event, read from the audit log through the
production Dispatcher: who (a coordinator by name, the command line as the system, nobody
else named), when in local time, what in the coordinator's language, newest first, ten a
page, and the way back to the screen it was opened from."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram.methods import TelegramMethod

from bot.events.model import Event, Project
from bot.events.service import COMMAND_LINE
from bot.events.store import NewEvent, list_projects
from bot.people import users
from tests.conftest import NOW
from tests.factories import make_participant
from tests.harness import Harness, button, buttons, texts, tg_user

COORDINATOR = tg_user(1)
HISTORY = {"ru": "📜 История изменений", "kk": "📜 Өзгерістер тарихы"}


async def _project_by_form(harness: Harness, language: str = "ru") -> Project:
    [home] = await harness.send(COORDINATOR, "/admin")
    await harness.press(COORDINATOR, button([home], "➕"))
    skip = harness.app.texts.of(language)("evf.btn.skip")
    for answer in ("Школа гражданского участия", "Азаматтық қатысу мектебі", skip, skip):
        await harness.send(COORDINATOR, answer)
    [project] = await list_projects(harness.db)
    return project


async def _event(harness: Harness, project: Project) -> Event:
    starts = NOW + timedelta(days=3)
    new = NewEvent(
        project_id=project.id,
        title_ru="Семинар для общественных советов",
        title_kk="Қоғамдық кеңестерге арналған семинар",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="ул. Абая 10",
    )
    return await harness.app.events.create(new, COORDINATOR.id)


async def _changes(harness: Harness, language: str) -> tuple[Project, Event]:
    """A project and an event made, a field edited and the event cancelled by the
    coordinator, in `language`."""
    await make_participant(harness.db, COORDINATOR.id, NOW, full_name="Айгерим Сапарова")
    await users.choose_language(harness.db, COORDINATOR.id, language, NOW)
    project = await _project_by_form(harness, language)
    event = await _event(harness, project)
    harness.clock.advance(timedelta(minutes=30))
    await harness.press(COORDINATOR, f"Aef:{event.id}:place")
    await harness.send(COORDINATOR, "ул. Сатпаева 5")
    harness.clock.advance(timedelta(hours=1))
    await harness.press(COORDINATOR, f"Aev:x:{event.id}:0")
    return project, event


def _screen(calls: list[TelegramMethod[Any]]) -> str:
    return [text for text in texts(calls) if "\n" in text][-1]


async def test_the_event_history_in_russian_newest_first(harness: Harness) -> None:
    _, event = await _changes(harness, "ru")
    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    history = await harness.press(COORDINATOR, button(screen, HISTORY["ru"]))
    text = _screen(history)
    assert "История изменений" in text and "Семинар для общественных советов" in text
    cancelled = text.index("11:30</b> · Айгерим Сапарова\nмероприятие отменено, сообщено 0")
    edited = text.index("10:30</b> · Айгерим Сапарова\nизменено: Место")
    created = text.index("<b>09.06.2026 10:00</b> · Айгерим Сапарова\nмероприятие создано")
    assert cancelled < edited < created, "newest first, in Almaty time"
    assert "event." not in text and "place" not in text, "no internal names"

    back = await harness.press(COORDINATOR, button(history, "« Назад", exact=True))
    assert "Семинар для общественных советов" in _screen(back)
    assert button(back, HISTORY["ru"]), "back on the event screen"


async def test_the_project_history_in_kazakh_names_the_events(harness: Harness) -> None:
    project, _ = await _changes(harness, "kk")
    screen = await harness.press(COORDINATOR, f"Apr:o:{project.id}")
    assert f"Командалық жолға арналған ID: {project.id}" in _screen(screen)
    history = await harness.press(COORDINATOR, button(screen, HISTORY["kk"]))
    text = _screen(history)
    assert "Өзгерістер тарихы" in text and "Азаматтық қатысу мектебі" in text
    assert "«Қоғамдық кеңестерге арналған семинар»: өзгертілді: Өтетін орны" in text
    assert "«Қоғамдық кеңестерге арналған семинар»: іс-шара тоқтатылды" in text
    assert text.rstrip().endswith("жоба құрылды"), "the oldest row, the project's own, last"
    back = await harness.press(COORDINATOR, button(history, "« Артқа", exact=True))
    assert f"ID: {project.id}" in _screen(back)


async def test_the_project_screen_shows_its_id_for_the_command_line(harness: Harness) -> None:
    project = await _project_by_form(harness)
    screen = await harness.press(COORDINATOR, f"Apr:o:{project.id}")
    assert f"ID для командной строки: {project.id}" in _screen(screen)


async def test_ten_a_page_and_the_way_back(harness: Harness) -> None:
    await make_participant(harness.db, COORDINATOR.id, NOW, full_name="Айгерим Сапарова")
    project = await _project_by_form(harness)
    event = await _event(harness, project)
    for _ in range(12):  # each toggle is a row: 13 with the creation
        await harness.press(COORDINATOR, f"Aev:w:{event.id}:0")
    screen = await harness.press(COORDINATOR, f"Aev:o:{event.id}:0")
    first = await harness.press(COORDINATOR, button(screen, HISTORY["ru"]))
    text = _screen(first)
    assert text.count("09.06.2026 10:00") == 10 and "Страница 1 из 2" in text
    labels = [label for call in first for label, _ in buttons(call)]
    assert "‹" not in labels and "›" in labels
    second = await harness.press(COORDINATOR, button(first, "›", exact=True))
    text = _screen(second)
    assert text.count("09.06.2026 10:00") == 3 and "Страница 2 из 2" in text
    assert text.endswith("мероприятие создано\n\nСтраница 2 из 2")
    assert "разрешено приходить без регистрации" in text
    again = await harness.press(COORDINATOR, button(second, "‹", exact=True))
    assert "Страница 1 из 2" in _screen(again)
    back = await harness.press(COORDINATOR, button(again, "« Назад", exact=True))
    assert "Семинар для общественных советов" in _screen(back)


async def test_the_system_and_participants_are_not_named_and_unknown_kinds_read(
    harness: Harness,
) -> None:
    await make_participant(harness.db, 900, NOW, full_name="Ким Андрей")
    project = await _project_by_form(harness)
    event = await _event(harness, project)
    await harness.app.events.import_plan(project.id, [], COMMAND_LINE)
    await harness.db.execute(
        "INSERT INTO audit_log (actor_id, action, object, details, at) "
        "VALUES (900, 'future.kind', ?, '{}', '2026-06-09 05:00:00')",
        (f"event:{event.id}",),
    )
    screen = await harness.press(COORDINATOR, f"Apr:o:{project.id}")
    text = _screen(await harness.press(COORDINATOR, button(screen, HISTORY["ru"])))
    assert "· система\nимпортирован план: 0 мероприятий" in text
    assert "· участник\n«Семинар для общественных советов»: другое изменение" in text
    assert "Ким" not in text and "future" not in text
    assert "· координатор\nпроект создан" in text, "a coordinator with no name yet"
