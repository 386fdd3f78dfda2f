"""The demo project, modelled on the funder's report in the seeds (shared/seeds/004): seminars
for members of information groups in seven districts of Almaty, a study tour to Astana by
application and a final conference. Five seminars are long past, with their attendance (the
report's own figures), walk-ins and answered questionnaires; one ended half an hour ago, so an
hour of time travel brings its questionnaire; one is the day after tomorrow, with seats left;
the study tour takes applications, and the conference is open.

Everything is written through the feature services (and the survey store, as the
questionnaire's answers are given one by one in the chat), each at the moment it happened on
a FrozenClock, so the data is what the bot itself would have made. Nothing here queues a
notice: the bot starts quiet."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.checkin.rules import CheckinMethod, CheckinResult
from bot.clock import FrozenClock
from bot.config import Settings
from bot.demo.personas import (
    COORDINATOR,
    KAZAKH_PARTICIPANT,
    PERSONAS,
    RUSSIAN_PARTICIPANT,
    Persona,
)
from bot.events.model import EventStatus, EventType, NewProject
from bot.events.store import NewEvent
from bot.people.profile import ProfileField
from bot.platform.db import Database
from bot.registration.rules import RegistrationStatus
from bot.services import Services, build_services
from surveys import store as survey_store
from surveys.flow import Answer
from surveys.templates import Question, QuestionKind, SurveyTemplate, load_templates

# The crowd's Telegram ids start here; the personas' are below.
CROWD_FIRST_ID = 200_001
KAZAKH_SHARE = 0.4
ANSWER_SHARE = 0.7


@dataclass(frozen=True)
class Seminar:
    district: str
    name_ru: str  # the district, as the title says it
    name_kk: str
    place: str
    attended: int  # the seed report's figure (for the past ones)
    day: int  # days from today
    score: float  # the district's mean rating, so "by district" shows differences


SEMINARS = (
    Seminar(
        "auezov",
        "Ауэзовский район",
        "Әуезов ауданы",
        "Акимат Ауэзовского района, актовый зал",
        31,
        -40,
        4.6,
    ),
    Seminar(
        "bostandyk",
        "Бостандыкский район",
        "Бостандық ауданы",
        "Акимат Бостандыкского района, конференц-зал",
        63,
        -33,
        4.1,
    ),
    Seminar(
        "zhetysu",
        "Жетысуский район",
        "Жетісу ауданы",
        "Акимат Жетысуского района, актовый зал",
        33,
        -26,
        4.4,
    ),
    Seminar(
        "medeu",
        "Медеуский район",
        "Медеу ауданы",
        "Акимат Медеуского района, конференц-зал",
        40,
        -19,
        3.8,
    ),
    Seminar(
        "almaly",
        "Алмалинский район",
        "Алмалы ауданы",
        "Алматинский колледж полиграфии, конференц-зал, 1 этаж",
        33,
        -12,
        4.3,
    ),
    Seminar(
        "turksib",
        "Турксибский район",
        "Түрксіб ауданы",
        "ул. Зорге 11, мажилис зал, 1 этаж",
        42,
        0,
        4.5,
    ),
    Seminar(
        "alatau",
        "Алатауский район",
        "Алатау ауданы",
        "Акимат Алатауского района, конференц-зал, 5 этаж",
        26,
        2,
        4.0,
    ),
)
# The one that ended half an hour before the demo starts, and the one still to come.
JUST_ENDED = "turksib"
UPCOMING = "alatau"
UPCOMING_SIGNED_UP = 17
ANONYMOUS_SURVEY = "medeu"

FEMALE = (
    "Әйгерім",
    "Айгүл",
    "Дана",
    "Гүлнар",
    "Мадина",
    "Жанна",
    "Елена",
    "Ольга",
    "Сәуле",
    "Асель",
    "Наталья",
    "Динара",
)
MALE = (
    "Ерлан",
    "Тимур",
    "Асқар",
    "Дмитрий",
    "Нұрлан",
    "Бауыржан",
    "Сергей",
    "Арман",
    "Данияр",
    "Олжас",
    "Руслан",
    "Марат",
)
# Surnames that take -а for a woman, and those that do not change.
GENDERED = (
    "Сапаров",
    "Оспанов",
    "Ахметов",
    "Касымов",
    "Абдрахманов",
    "Сериков",
    "Жумабаев",
    "Исмаилов",
    "Тулегенов",
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Байжанов",
    "Омаров",
)
PLAIN = ("Ким", "Пак", "Цой", "Шевченко", "Тен")
ORGANISATIONS = (
    "Акимат района",
    "ОФ «Азамат»",
    "Молодёжный ресурсный центр",
    "Поликлиника №16",
    "ОО «Ассамблея народа Казахстана г. Алматы»",
    "Колледж полиграфии",
    None,
)
CATEGORIES = ("info_group",) * 6 + (
    "public_council",
    "ngo",
    "civic_activist",
    "civil_servant",
    "youth",
)
USEFUL = (
    "Разбор реальных случаев из практики района",
    "Методическое пособие и презентация",
    "Ответы на вопросы жителей",
    "Тәжірибелік мысалдар мен топтық жұмыс",
    "Спикердің түсіндіруі өте нақты болды",
)
IMPROVE = (
    "Больше времени на вопросы",
    "Раздаточный материал на казахском языке",
    "Материал по здравоохранению и правоохранительным органам",
    "Залда микрофон жетіспеді",
    "Көбірек тәжірибелік тапсырма керек",
)
MOTIVATIONS = (
    "Член общественного совета района, хочу перенять опыт работы с госорганами.",
    "Веду молодёжный клуб, расскажу коллегам о поездке.",
    "Қоғамдық кеңестің мүшесімін, мемлекеттік органдармен жұмыс тәжірибесін білгім келеді.",
    "Работаю с обращениями граждан в НПО, нужен диалог с Мажилисом.",
    "ҮЕҰ өкілімін, азаматтық бастамалар бойынша байланыс орнатқым келеді.",
)


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str
    last_name: str
    language: str
    district: str
    category: str


def persona_person(persona: Persona, district: str) -> Person:
    return Person(
        persona.user_id,
        persona.first_name,
        persona.last_name,
        persona.language_code,
        district,
        "info_group",
    )


# The seeded participants among the personas, and the seminars (by district) they signed up for.
PERSONA_HISTORY: tuple[tuple[Person, tuple[str, ...]], ...] = (
    (persona_person(RUSSIAN_PARTICIPANT, "auezov"), ("auezov", "almaly", "turksib", "alatau")),
    (persona_person(KAZAKH_PARTICIPANT, "zhetysu"), ("zhetysu", "bostandyk", "turksib")),
)


@dataclass
class DemoProject:
    project_id: int
    events: dict[str, int] = field(default_factory=dict)  # by district, "study_tour", "conference"
    # Everyone seeded (the personas with a history among them), to exist in the emulator.
    people: list[Person] = field(default_factory=list)


class Seeder:
    """Writes the demo through the services, moving their clock to each moment in turn."""

    def __init__(self, db: Database, settings: Settings, now: datetime) -> None:
        self.db = db
        self.now = now
        self.tz = settings.tz
        self.clock = FrozenClock(now)
        self.services: Services = build_services(settings, db, self.clock)
        self.templates: dict[str, SurveyTemplate] = load_templates()
        # Seeded, so every demo tells the same story.
        self.random = random.Random(15)
        self.next_id = CROWD_FIRST_ID

    def local(self, day: int, at: time) -> datetime:
        """`at` local time, `day` days from the demo's today."""
        today = self.now.astimezone(self.tz).date()
        return datetime.combine(today + timedelta(days=day), at, self.tz).astimezone(
            self.now.tzinfo
        )

    async def person(self, person: Person, phone: str, organisation: str | None) -> None:
        """Someone who chose a language, consented and filled in the profile, as onboarding."""
        await self.services.people.choose_language(person.user_id, person.language)
        await self.services.people.give_consent(person.user_id, person.language)
        values: dict[ProfileField, str | None] = {
            ProfileField.FULL_NAME: f"{person.last_name} {person.first_name}",
            ProfileField.PHONE: phone,
            ProfileField.ORGANISATION: organisation,
            ProfileField.CATEGORY: person.category,
            ProfileField.DISTRICT: person.district,
        }
        await self.services.people.finish_profile(person.user_id, values)

    async def crowd(self, district: str, count: int) -> list[Person]:
        """`count` new people of one district, in both languages."""
        people = []
        for _ in range(count):
            female = self.random.random() < 0.55
            surname = self.random.choice(GENDERED + PLAIN)
            if female and surname in GENDERED:
                surname += "а"
            person = Person(
                self.next_id,
                self.random.choice(FEMALE if female else MALE),
                surname,
                "kk" if self.random.random() < KAZAKH_SHARE else "ru",
                district,
                self.random.choice(CATEGORIES),
            )
            self.next_id += 1
            await self.person(
                person, f"+7701{person.user_id:07d}", self.random.choice(ORGANISATIONS)
            )
            people.append(person)
        return people

    async def event(self, new: NewEvent) -> int:
        self.clock.set(new.starts_at - timedelta(days=21))
        event = await self.services.events.create(new, COORDINATOR.user_id)
        return event.id

    async def sign_up(self, event_id: int, people: list[Person], at: datetime) -> None:
        for index, person in enumerate(people):
            self.clock.set(at + timedelta(minutes=7 * index))
            await self.services.registration.register(event_id, person.user_id)

    async def attend(self, event_id: int, people: list[Person], starts_at: datetime) -> None:
        """Each scanned the QR code at the entrance (a few typed the code) as they came in."""
        for index, person in enumerate(people):
            self.clock.set(starts_at - timedelta(minutes=15) + timedelta(seconds=40 * index))
            method = CheckinMethod.CODE if index % 7 == 3 else CheckinMethod.QR
            result = await self.services.checkin.check_in(event_id, person.user_id, method)
            assert result is CheckinResult.OK, result

    async def walk_ins(self, event_id: int, district: str, count: int, at: datetime) -> None:
        """People without Telegram, typed in by the coordinator at the door."""
        self.clock.set(at)
        for _ in range(count):
            female = self.random.random() < 0.5
            surname = self.random.choice(GENDERED)
            name = (
                f"{surname}{'а' if female else ''} {self.random.choice(FEMALE if female else MALE)}"
            )
            await self.services.checkin.add_walkin(
                event_id, name, "info_group", district, COORDINATOR.user_id
            )

    async def answer(
        self, event_id: int, template: SurveyTemplate, person: Person, score: float, anonymous: bool
    ) -> None:
        """One completed questionnaire, given the day after the event."""
        now = self.clock.now()
        async with self.db.write() as conn:
            response = await survey_store.start_response(
                conn,
                event_id,
                template.id,
                None if anonymous else person.user_id,
                person.district,
                person.category,
                now,
            )
            for question in template.questions:
                given = self.answer_to(question, score)
                if given is not None:
                    await survey_store.save_answer(conn, response, question.id, given)
            await survey_store.complete(
                conn, response, event_id, person.user_id, now, anonymous=anonymous
            )

    def answer_to(self, question: Question, score: float) -> Answer | None:
        if question.kind is QuestionKind.SCALE:
            value = round(score + self.random.uniform(-1.2, 1.0))
            return Answer(float(min(max(value, question.scale_min), question.scale_max)))
        if question.kind is QuestionKind.YESNO:
            return Answer(1.0 if self.random.random() < score / 5 else 0.0)
        if question.kind is QuestionKind.TEXT:
            texts = USEFUL if question.id == "useful" else IMPROVE
            return Answer(text=self.random.choice(texts)) if self.random.random() < 0.3 else None
        options = [option.id for option in question.options]
        if question.kind is QuestionKind.SINGLE:
            return Answer(choices=(self.random.choice(options),))
        return Answer(choices=tuple(sorted(self.random.sample(options, 2))))


async def seed(db: Database, settings: Settings, now: datetime) -> DemoProject:
    """Write the demo project into a migrated, empty database; `now` is the demo's start."""
    seeder = Seeder(db, settings, now)
    seeder.clock.set(now - timedelta(days=60))
    for person, _ in PERSONA_HISTORY:
        persona = next(p for p in PERSONAS if p.user_id == person.user_id)
        await seeder.person(person, persona.phone, "ОФ «Азамат»")
    project = await seeder.services.events.create_project(
        NewProject(
            title_ru="Разъяснение Стратегии «Казахстан-2050»",
            title_kk="«Қазақстан-2050» стратегиясын түсіндіру",
            funder="Управление общественного развития г. Алматы",
            starts_on=seeder.local(-50, time(0)).date(),
            ends_on=seeder.local(30, time(0)).date(),
        ),
        COORDINATOR.user_id,
    )
    demo = DemoProject(project.id)
    for seminar in SEMINARS:
        await seminar_with_people(seeder, demo, seminar)
    await study_tour(seeder, demo)
    await conference(seeder, demo)
    return demo


async def seminar_with_people(seeder: Seeder, demo: DemoProject, seminar: Seminar) -> None:
    if seminar.district == JUST_ENDED:
        ends_at = seeder.now - timedelta(minutes=30)
        starts_at = ends_at - timedelta(hours=3)
    else:
        starts_at = seeder.local(seminar.day, time(10, 0))
        ends_at = starts_at + timedelta(hours=3)
    upcoming = seminar.district == UPCOMING
    event_id = await seeder.event(
        NewEvent(
            project_id=demo.project_id,
            title_ru=f"Семинар-тренинг для членов ИПГ: {seminar.name_ru}",
            title_kk=f"АНТ мүшелеріне арналған семинар-тренинг: {seminar.name_kk}",
            description_ru="Разъяснение основных приоритетов Послания Главы государства. "
            "Каждому участнику — методическое пособие.",
            description_kk="Мемлекет басшысы Жолдауының негізгі басымдықтарын түсіндіру. "
            "Әр қатысушыға әдістемелік құрал беріледі.",
            starts_at=starts_at,
            ends_at=ends_at,
            type=EventType.SEMINAR,
            place=seminar.place,
            district=seminar.district,
            capacity=seminar.attended + 10,
            status=EventStatus.PUBLISHED,
            survey_template="seminar",
            survey_anonymous=seminar.district == ANONYMOUS_SURVEY,
            walkins_allowed=True,
            created_by=COORDINATOR.user_id,
        )
    )
    demo.events[seminar.district] = event_id
    walk_ins = 0 if upcoming else 2
    no_shows = 0 if upcoming else 1 + seminar.attended // 10
    personas = personas_at(seminar.district)
    # The report's figure counts everyone present: the personas and the walk-ins among them.
    coming = UPCOMING_SIGNED_UP if upcoming else seminar.attended - walk_ins - len(personas)
    people = personas + await seeder.crowd(seminar.district, coming + no_shows)
    demo.people += [p for p in people if p.user_id >= CROWD_FIRST_ID]
    await seeder.sign_up(event_id, people, starts_at - timedelta(days=10))
    if upcoming:
        return
    present = people[: len(people) - no_shows]
    await seeder.attend(event_id, present, starts_at)
    await seeder.walk_ins(event_id, seminar.district, walk_ins, starts_at + timedelta(minutes=20))
    if seminar.district == JUST_ENDED:
        return  # its questionnaire opens an hour after the end: time travel brings it
    seeder.clock.set(ends_at + timedelta(hours=20))
    template = seeder.templates["seminar"]
    for person in present:
        if person.user_id < CROWD_FIRST_ID or seeder.random.random() < ANSWER_SHARE:
            anonymous = seminar.district == ANONYMOUS_SURVEY
            await seeder.answer(event_id, template, person, seminar.score, anonymous)


def personas_at(district: str) -> list[Person]:
    """The two participants' history: each came to two past seminars and today's; the Russian
    speaker is signed up for the one to come, the Kazakh speaker is left to sign up."""
    return [person for person, districts in PERSONA_HISTORY if district in districts]


async def study_tour(seeder: Seeder, demo: DemoProject) -> None:
    """Three days in Astana for a delegation of fifteen, by application: nine have applied."""
    starts_at = seeder.local(10, time(8, 0))
    event_id = await seeder.event(
        NewEvent(
            project_id=demo.project_id,
            title_ru="Ознакомительная поездка в Астану (Study Tour)",
            title_kk="Астанаға танысу сапары (Study Tour)",
            description_ru="Три дня: встречи в Сенате и Мажилисе Парламента, в Министерстве "
            "культуры и информации, лекция о стратегическом развитии регионов.",
            description_kk="Үш күн: Парламент Сенаты мен Мәжілісіндегі, Мәдениет және ақпарат "
            "министрлігіндегі кездесулер, өңірлерді стратегиялық дамыту туралы дәріс.",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(days=2, hours=12),
            type=EventType.STUDY_TOUR,
            place="Астана",
            capacity=15,
            registration_deadline=seeder.local(6, time(18, 0)),
            by_application=True,
            status=EventStatus.PUBLISHED,
            survey_template="study_tour",
            created_by=COORDINATOR.user_id,
        )
    )
    demo.events["study_tour"] = event_id
    applicants = seeder.random.sample([p for p in demo.people if p.category != "youth"], 9)
    for index, person in enumerate(applicants):
        seeder.clock.set(seeder.now - timedelta(days=5, hours=-3 * index))
        outcome = await seeder.services.registration.register(
            event_id, person.user_id, MOTIVATIONS[index % len(MOTIVATIONS)]
        )
        assert outcome.status is RegistrationStatus.APPLIED, outcome


async def conference(seeder: Seeder, demo: DemoProject) -> None:
    """The closing event: open registration, a good part of the seminars' people signed up."""
    starts_at = seeder.local(16, time(10, 0))
    event_id = await seeder.event(
        NewEvent(
            project_id=demo.project_id,
            title_ru="Итоговая конференция: институты гражданского общества в разъяснении Послания",
            title_kk="Қорытынды конференция: Жолдауды түсіндірудегі азаматтық қоғам институттары",
            description_ru="Итоги проекта, выступления экспертов и членов ИПГ, рекомендации для "
            "государственных органов.",
            description_kk="Жоба қорытындысы, сарапшылар мен АНТ мүшелерінің баяндамалары, "
            "мемлекеттік органдарға ұсыныстар.",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=4),
            type=EventType.CONFERENCE,
            place="Дом дружбы, конференц-зал",
            district="almaly",
            capacity=150,
            status=EventStatus.PUBLISHED,
            survey_template="seminar",
            created_by=COORDINATOR.user_id,
        )
    )
    demo.events["conference"] = event_id
    guests = [p for p in demo.people if seeder.random.random() < 0.15]
    await seeder.sign_up(event_id, guests, seeder.now - timedelta(days=3))
