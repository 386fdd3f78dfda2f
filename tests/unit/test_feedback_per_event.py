"""Feedback per event as well as by district (the respondent's and the event's), on the
seed-shaped project; anonymous answers from fewer than three people are merged into a wider
group, named ones never are."""

from __future__ import annotations

from typing import Any

from surveys import store
from surveys.flow import Answer
from tests.conftest import NOW
from tests.generated_project import SeedShaped, generate_seed_shaped
from tests.harness import Harness
from tests.unit.test_project_report import export, rows
from tests.unit.test_survey_flow import ANNA, button, invitation, seminar_with_survey

OVERALL = "Как вы оцениваете семинар в целом?"
MERGED_EVENTS = "другие мероприятия (меньше 3 ответов)"
MERGED_DISTRICTS = "другие районы (меньше 3 ответов)"
FEW = "Мало времени на вопросы"


async def answers(
    harness: Harness, event_id: int, district: str, ratings: list[int], anonymous: bool
) -> None:
    """Questionnaires from people the seed put at the event, each with its rating."""
    people = await harness.db.fetch_all(
        "SELECT user_id FROM checkins WHERE event_id = ? ORDER BY id LIMIT ?",
        (event_id, len(ratings)),
    )
    for person, rating in zip(people, ratings, strict=True):
        user_id = person["user_id"]
        async with harness.db.write() as conn:
            response = await store.start_response(
                conn, event_id, "seminar", None if anonymous else user_id, district, "ngo", NOW
            )
            await store.save_answer(conn, response, "overall", Answer(rating))
            if rating == 1:
                await store.save_answer(conn, response, "improve", Answer(text=FEW))
            await store.complete(conn, response, event_id, user_id, NOW, anonymous=anonymous)


async def seed_with_surveys(harness: Harness) -> SeedShaped:
    """The seed's named questionnaires at the first seminar (ratings 5, 5, 4, 4, 3), two
    anonymous ones in Bostandyk, four anonymous ones in Zhetysu and one named in Medeu."""
    seed = await generate_seed_shaped(harness.db)
    bostandyk, zhetysu, medeu = seed.seminars[1:4]
    await harness.db.execute(
        "UPDATE events SET survey_anonymous = 1 WHERE id IN (?, ?)", (bostandyk, zhetysu)
    )
    await answers(harness, bostandyk, "bostandyk", [5, 1], anonymous=True)
    await answers(harness, zhetysu, "zhetysu", [4, 4, 5, 3], anonymous=True)
    await answers(harness, medeu, "medeu", [2], anonymous=False)
    return seed


def table(
    cells: list[list[Any]], heading: str, first_column: str, occurrence: int = 0
) -> dict[str, list[Any]]:
    """The rows of the `occurrence`th table headed `first_column` under the question."""
    start = next(i for i, line in enumerate(cells) if line[0] == heading)
    heads = [i for i, line in enumerate(cells[start:]) if line[0] == first_column]
    found: dict[str, list[Any]] = {}
    for line in cells[start + heads[occurrence] + 1 :]:
        found[line[0]] = line[1:8]
        if line[0] in ("Все районы", "Все мероприятия"):
            return found
    raise AssertionError("no totals row")


async def test_every_question_per_event_with_small_anonymous_events_merged(
    harness: Harness,
) -> None:
    seed = await seed_with_surveys(harness)
    _, book, _, _ = await export(harness, seed.project_id)

    per_event = rows(book["Анкеты по мероприятиям"], 1)
    assert any(line[0] and "меньше 3" in line[0] for line in per_event[:4]), "the sheet says so"
    assert table(per_event, OVERALL, "Мероприятие") == {
        "13.04.2026, Семинар для членов ИПГ": [5, 4.2, 0, 0, 1, 2, 2],
        "25.04.2026, Семинар для членов ИПГ": [4, 4.0, 0, 0, 1, 2, 1],
        "01.05.2026, Семинар для членов ИПГ": [1, 2.0, 0, 1, 0, 0, 0],  # named: never merged
        MERGED_EVENTS: [2, 3.0, 1, 0, 0, 0, 1],  # the two in Bostandyk on 19.04
        "Все мероприятия": [12, 3.75, 1, 1, 2, 4, 4],
    }
    recommend = table(per_event, "Порекомендуете ли вы такой семинар коллегам?", "Мероприятие")
    assert recommend["13.04.2026, Семинар для членов ИПГ"][:4] == [5, 4, 1, 80.0]


async def test_by_district_gives_the_respondents_and_the_events_district(
    harness: Harness,
) -> None:
    seed = await seed_with_surveys(harness)
    # One from Auezov answered at the Medeu seminar: the two blocks now differ.
    await harness.db.execute(
        "UPDATE survey_responses SET district = 'auezov' WHERE event_id = ?", (seed.seminars[3],)
    )
    _, book, _, _ = await export(harness, seed.project_id)

    cells = rows(book["Анкеты"], 1)
    assert table(cells, OVERALL, "Район участника") == {
        "Ауэзовский район": [6, 3.83, 0, 1, 1, 2, 2],
        "Жетысуский район": [4, 4.0, 0, 0, 1, 2, 1],
        MERGED_DISTRICTS: [2, 3.0, 1, 0, 0, 0, 1],
        "Все районы": [12, 3.75, 1, 1, 2, 4, 4],
    }
    assert table(cells, OVERALL, "Район мероприятия", 0) == {
        "Ауэзовский район": [5, 4.2, 0, 0, 1, 2, 2],
        "Жетысуский район": [4, 4.0, 0, 0, 1, 2, 1],
        "Медеуский район": [1, 2.0, 0, 1, 0, 0, 0],
        MERGED_DISTRICTS: [2, 3.0, 1, 0, 0, 0, 1],
        "Все районы": [12, 3.75, 1, 1, 2, 4, 4],
    }
    assert not any(line[0] == "Бостандыкский район" for line in cells)


async def test_the_few_anonymous_answers_are_listed_apart_from_their_event(
    harness: Harness,
) -> None:
    seed = await seed_with_surveys(harness)
    _, book, _, _ = await export(harness, seed.project_id)

    _, *lines = rows(book["Ответы"], 2)
    merged = [line for line in lines if line[1] == MERGED_EVENTS]
    assert {line[0] for line in merged} == {11, 12}, "two questionnaires, numbered last"
    assert lines[-len(merged) :] == merged, "after every other event's answers"
    assert all(line[2] is None and line[3] is None for line in merged), "no date, no district"
    assert [line[7] for line in merged if line[6] == "Что стоит улучшить?"] == [FEW]
    zhetysu = [line for line in lines if line[5] == "анонимно" and line[1] != MERGED_EVENTS]
    assert len({line[0] for line in zhetysu}) == 4, "four answers are enough to show the event"


async def test_the_events_sheet_gives_no_rating_of_a_few_anonymous_answers(
    harness: Harness,
) -> None:
    seed = await seed_with_surveys(harness)
    _, book, _, _ = await export(harness, seed.project_id)

    header, *lines = rows(book["Мероприятия"], 2)
    rating = header.index("Средняя оценка")
    by_day = {line[1].strftime("%d.%m"): line for line in lines if line[1] is not None}
    assert by_day["19.04"][rating] == "—", "two anonymous questionnaires"
    assert by_day["25.04"][rating] == 4.0, "four anonymous ones are enough"
    assert by_day["01.05"][rating] == 2.0, "a named one is never hidden"
    assert by_day["13.04"][rating] == 4.2
    notes = [line[0] for line in lines if isinstance(line[0], str)]
    assert any(note.startswith("«—» в столбце «Средняя оценка»") for note in notes)


async def test_a_questionnaire_counts_in_the_district_of_the_check_in(harness: Harness) -> None:
    """She moved house between the check-in and the questionnaire: it counts where reach
    counts her, in the district she had at the event."""
    event_id = await seminar_with_survey(harness, anonymous=True)
    await harness.db.execute(
        "UPDATE checkins SET district_at = 'auezov', category_at = 'ngo' WHERE event_id = ?",
        (event_id,),
    )
    [invite] = await invitation(harness)
    await harness.press(ANNA, button([invite], "📝 Ответить на анкету"))
    stored = await harness.db.fetch_one(
        "SELECT user_id, district, category FROM survey_responses WHERE event_id = ?", (event_id,)
    )
    assert stored is not None
    assert tuple(stored) == (None, "auezov", "ngo")


async def test_without_a_check_in_the_profile_district_is_kept(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    await harness.db.execute("DELETE FROM checkins WHERE event_id = ?", (event_id,))
    # No check-in, no snapshot: the profile as it is now is all there is.
    surveys = harness.app.dispatcher["surveys"]
    await surveys.start(event_id, ANNA.id, "medeu", "youth", None)
    district = await harness.db.fetch_value(
        "SELECT district FROM survey_responses WHERE event_id = ?", (event_id,)
    )
    assert district == "medeu"
