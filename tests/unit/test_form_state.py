"""A form that is finished or cancelled leaves nothing of its draft behind (the FSM row goes),
while a questionnaire in progress keeps its own namespace and survives any other form."""

from __future__ import annotations

from typing import Any

from bot.events.model import EventType
from bot.platform.db import Database
from tests.conftest import NOW
from tests.factories import make_event, make_participant
from tests.harness import Harness, button, tg_user
from tests.unit.test_survey_flow import ANNA, invitation, seminar_with_survey
from tests.unit.test_survey_flow import button as exact_button


async def rows(db: Database, user_id: int) -> dict[str, Any]:
    found = await db.fetch_all(
        "SELECT key, state, data FROM fsm_state WHERE user_id = ?", (user_id,)
    )
    return {row["key"].rsplit(":", 1)[-1]: (row["state"], row["data"]) for row in found}


async def test_an_application_sent_leaves_no_draft(harness: Harness) -> None:
    await make_event(harness.db, NOW, by_application=True, type=EventType.STUDY_TOUR)
    user = tg_user(760)
    await make_participant(harness.db, 760, NOW)
    listing = await harness.send(user, "/events")
    card = await harness.press(user, button(listing, "1. "))
    await harness.press(user, button(card, "📝 Подать заявку"))
    assert "default" in await rows(harness.db, 760), "the draft is kept while it is written"
    await harness.send(user, "Хочу изучить опыт общественных советов столицы")
    assert await rows(harness.db, 760) == {}


async def test_a_cancelled_or_finished_profile_edit_leaves_no_draft(harness: Harness) -> None:
    user = tg_user(761)
    await make_participant(harness.db, 761, NOW)
    profile = await harness.send(user, "/profile")
    await harness.press(user, button(profile, "✏️ Организация"))
    await harness.send(user, "/cancel")
    assert await rows(harness.db, 761) == {}
    profile = await harness.send(user, "/profile")
    await harness.press(user, button(profile, "✏️ Организация"))
    await harness.send(user, "Фонд «Шаңырақ»")
    assert await rows(harness.db, 761) == {}


async def test_a_questionnaire_in_progress_keeps_its_own_namespace(harness: Harness) -> None:
    await seminar_with_survey(harness)
    [invite] = await invitation(harness)
    calls = await harness.press(ANNA, exact_button([invite], "📝 Ответить на анкету"))
    await harness.press(ANNA, exact_button(calls, "5"))
    profile = await harness.send(ANNA, "/profile")
    await harness.press(ANNA, button(profile, "✏️ Организация"))
    await harness.send(ANNA, "/cancel")
    left = await rows(harness.db, ANNA.id)
    assert set(left) == {"survey"}, "the profile form left nothing; the answers so far stay"
    assert '"response"' in left["survey"][1]
