"""The questionnaire's use cases through the survey service: each outcome says what happened
(the next question, the end, an answer refused and why), and nothing is saved once the
questionnaire is finished or closed. And a double tap on an answer records it once."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SendMessage

from surveys.flow import Answer, Progress
from surveys.service import Asking, Finished, Invalid, Refusal, Refused, SurveyService
from tests.conftest import NOW
from tests.harness import Harness, texts
from tests.unit.test_double_taps import silent, view
from tests.unit.test_survey_flow import ANNA, invitation, seminar_with_survey


def service(harness: Harness) -> SurveyService:
    surveys = harness.app.dispatcher["surveys"]
    assert isinstance(surveys, SurveyService)
    return surveys


async def answers(harness: Harness, event_id: int) -> list[tuple[object, ...]]:
    rows = await harness.db.fetch_all(
        "SELECT a.question_id, a.value_number, a.value_text, a.value_choices "
        "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.event_id = ? ORDER BY a.question_id",
        (event_id,),
    )
    return [tuple(row) for row in rows]


def asked(outcome: object) -> Progress:
    """The place at the next question; fails on any other outcome."""
    assert isinstance(outcome, Asking), outcome
    return outcome.progress


async def test_answers_after_the_questionnaire_is_finished_are_refused(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    surveys = service(harness)
    at = asked(await surveys.start(event_id, ANNA.id, "medeu", None, None))
    assert at.index == 0
    for value in ("5", "4", "4", "3"):
        at = asked(await surveys.answer_button(event_id, ANNA.id, at, at.index, value))
    at = asked(await surveys.answer_text(event_id, ANNA.id, at, "Разбор кейсов"))
    at = asked(await surveys.skip(event_id, ANNA.id, at, at.index))
    topics = asked(await surveys.answer_button(event_id, ANNA.id, at, at.index, "1"))
    ticked = asked(await surveys.answer_button(event_id, ANNA.id, topics, topics.index, "media"))
    assert ticked.chosen == ("media",) and ticked.index == topics.index

    finished = await surveys.finish_choices(event_id, ANNA.id, ticked, ticked.index)
    assert isinstance(finished, Finished)
    assert finished.answers["overall"] == Answer(number=5.0)
    assert finished.answers["topics"] == Answer(choices=("media",))
    assert "improve" not in finished.answers
    saved = await answers(harness, event_id)

    already = Refused(Refusal.ALREADY)
    assert await surveys.answer_button(event_id, ANNA.id, topics, topics.index, "org") == already
    assert await surveys.finish_choices(event_id, ANNA.id, ticked, ticked.index) == already
    assert await surveys.answer_text(event_id, ANNA.id, ticked, "ещё") == already
    assert await surveys.back(event_id, ANNA.id, ticked, ticked.index) == already
    assert await surveys.start(event_id, ANNA.id, "medeu", None, None) == already
    assert await answers(harness, event_id) == saved, "nothing changed after the end"
    responses = await harness.db.fetch_value(
        "SELECT COUNT(*) FROM survey_responses WHERE event_id = ?", (event_id,)
    )
    assert responses == 1, "no second response started"


async def test_a_stale_button_a_wrong_answer_and_a_closed_survey_are_told_apart(
    harness: Harness,
) -> None:
    event_id = await seminar_with_survey(harness)
    surveys = service(harness)
    assert await surveys.start(9999, ANNA.id, None, None, None) == Refused(Refusal.GONE)
    first = asked(await surveys.start(event_id, ANNA.id, "medeu", None, None))

    stale = Refused(Refusal.STALE)
    assert await surveys.answer_button(event_id, ANNA.id, first, 3, "5") == stale
    assert await surveys.answer_button(event_id, ANNA.id, None, 0, "5") == stale
    assert await surveys.answer_text(event_id, ANNA.id, None, "текст") == Refused(Refusal.GONE)
    assert await surveys.answer_text(event_id, ANNA.id, first, "отлично") == Invalid(
        "use_buttons", 1000
    )
    assert await surveys.answer_button(event_id, ANNA.id, first, 0, "9") == Invalid("stale", 1000)
    assert await surveys.skip(event_id, ANNA.id, first, 0) == Invalid("stale", 1000)
    assert await surveys.finish_choices(event_id, ANNA.id, first, 0) == Invalid("stale", 1000)

    harness.clock.set(NOW + timedelta(days=8))
    closed = Refused(Refusal.CLOSED)
    assert await surveys.answer_button(event_id, ANNA.id, first, 0, "5") == closed
    assert await surveys.answer_text(event_id, ANNA.id, first, "поздно") == closed
    assert await answers(harness, event_id) == [], "nothing refused was saved"


async def test_a_double_tap_on_an_answer_records_it_once(harness: Harness) -> None:
    event_id = await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    [opened] = await harness.tap(ANNA, harness.message(invite), "📝 Ответить на анкету")
    first, second = await harness.tap(ANNA, view(harness, opened), "5", times=2)
    assert "Вопрос 2 из 8" in texts(first)[-1]
    assert silent(second), "the second tap neither answers nor shows anything"
    assert await answers(harness, event_id) == [("overall", 5.0, None, None)]

    [third] = await harness.tap(ANNA, view(harness, first), "3")
    assert "Вопрос 3 из 8" in texts(third)[-1], "the second question was still to answer"
    assert not [c for c in first + second + third if isinstance(c, SendMessage)]
    assert await answers(harness, event_id) == [
        ("content", 3.0, None, None),
        ("overall", 5.0, None, None),
    ]
