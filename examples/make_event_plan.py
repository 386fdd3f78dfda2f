"""Builds examples/event-plan.xlsx: an event plan modelled on the seeds (a year of a civic
participation project in Almaty), its events on the sheet "Мероприятия" and the project's
planned figures (events and reach per format, for the whole project and per district) on the
sheet "План", which replaces the plan typed in the project form when the file is sent to the
bot. Run `python examples/make_event_plan.py` to rebuild it; import the events with
`python -m bot events import examples/event-plan.xlsx --project ID`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = (
    "Название", "Название (каз.)", "Тип", "Начало", "Окончание", "Место", "Район", "Мест",
    "Регистрация", "Анкета", "Анонимность", "Описание", "Описание (каз.)",
)  # fmt: skip
SEMINAR_ABOUT = (
    "Как работают общественные советы, как вносить вопросы в повестку и следить за бюджетом "
    "района. Для членов советов и информационных групп.",
    "Қоғамдық кеңестер қалай жұмыс істейді, күн тәртібіне мәселені қалай енгізу және аудан "
    "бюджетін қалай бақылау керек. Кеңес мүшелері мен ақпараттық топтарға арналған.",
)
DISTRICTS = [
    ("Алатауский район", "Алатау ауданы"),
    ("Алмалинский район", "Алмалы ауданы"),
    ("Ауэзовский район", "Әуезов ауданы"),
    ("Бостандыкский район", "Бостандық ауданы"),
    ("Жетысуский район", "Жетісу ауданы"),
    ("Медеуский район", "Медеу ауданы"),
    ("Наурызбайский район", "Наурызбай ауданы"),
]


def rows() -> list[tuple[object, ...]]:
    plan: list[tuple[object, ...]] = []
    for day, (ru, kk) in enumerate(DISTRICTS):
        plan.append((
            f"Семинар для общественных советов и информационных групп ({ru})",
            f"Қоғамдық кеңестер мен ақпараттық топтарға арналған семинар ({kk})",
            "Семинар", datetime(2027, 3, 2 + day * 3, 10, 0), datetime(2027, 3, 2 + day * 3, 13, 0),
            f"Акимат района, актовый зал ({ru})", ru, 40, "открытая",
            "Анкета участника семинара", "анонимная", *SEMINAR_ABOUT,
        ))  # fmt: skip
    plan.append((
        "Ознакомительная поездка в Астану: опыт общественных советов столицы",
        "Астанаға танысу сапары: елорда қоғамдық кеңестерінің тәжірибесі",
        "Ознакомительная поездка", datetime(2027, 4, 12, 8, 0), datetime(2027, 4, 14, 20, 0),
        "г. Астана", "", 15, "по заявкам",
        "Анкета участника ознакомительной поездки", "именная",
        "Встречи с общественными советами столицы и акиматом. Проезд и проживание за счёт "
        "проекта; в заявке расскажите, чем поездка поможет вашему совету.",
        "Елорда қоғамдық кеңестерімен және әкімдігімен кездесулер. Жол мен тұру жоба есебінен; "
        "өтінімде сапар кеңесіңізге қалай көмектесетінін жазыңыз.",
    ))  # fmt: skip
    for number, (ru, _) in enumerate(DISTRICTS[:3], start=1):
        plan.append((
            f"Рабочая встреча с трудовым коллективом №{number}", None, "Рабочая встреча",
            datetime(2027, 5, 4 + number * 2, 15, 0), datetime(2027, 5, 4 + number * 2, 16, 30),
            "Предприятие-партнёр", ru, 30, "открытая", "без анкеты", "", None, None,
        ))  # fmt: skip
    plan.append((
        "Итоговая конференция проекта", "Жобаның қорытынды конференциясы", "Конференция",
        datetime(2027, 11, 20, 10, 0), datetime(2027, 11, 20, 17, 0),
        "Дом дружбы, ул. Абая 48", "Алмалинский район", 150, "открытая",
        "Анкета участника семинара", "анонимная", None, None,
    ))  # fmt: skip
    return plan


TARGET_HEADERS = ("Формат", "Район", "Мероприятий", "Охват")


def targets() -> list[tuple[object, ...]]:
    """The whole project's figures first (an empty district), then each district's seminar."""
    plan: list[tuple[object, ...]] = [
        ("Семинар", None, 7, 280),
        ("Ознакомительная поездка", None, 1, 15),
        ("Рабочая встреча", None, 3, 90),
        ("Конференция", None, 1, 150),
        (None, None, None, 450),  # unique people in all formats: many come more than once
    ]
    plan += [("Семинар", ru, 1, 40) for ru, _ in DISTRICTS]
    return plan


def build(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Мероприятия"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows():
        sheet.append(row)
    for column in ("D", "E"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD.MM.YYYY HH:MM"
    widths = {
        "A": 60,
        "B": 60,
        "C": 24,
        "D": 18,
        "E": 18,
        "F": 40,
        "G": 24,
        "H": 8,
        "I": 14,
        "J": 40,
        "K": 14,
        "L": 60,
        "M": 60,
    }
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    planned = workbook.create_sheet("План")
    planned.append(TARGET_HEADERS)
    for cell in planned[1]:
        cell.font = Font(bold=True)
    for row in targets():
        planned.append(row)
    for column, width in {"A": 28, "B": 24, "C": 14, "D": 10}.items():
        planned.column_dimensions[column].width = width
    planned.freeze_panes = "A2"
    workbook.save(path)


if __name__ == "__main__":
    build(Path(__file__).with_name("event-plan.xlsx"))
