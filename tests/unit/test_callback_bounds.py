"""Button data is the client's to forge. A number out of range, negative or not a number at all
gets the "button is outdated" alert in the person's language, and nothing else happens: no
message, no edit, no failure (SQLite cannot bind a number beyond 64 bits)."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery

from bot.registration import store as registrations
from handlers.admin.callbacks import (
    ApplicationCallback,
    ApplicationsCallback,
    CardCallback,
    Decision,
    EditFieldCallback,
    EventAdminAction,
    EventAdminCallback,
    EventField,
    ExportCallback,
    HistoryCallback,
    HistoryScope,
    MarkCallback,
    MessageCallback,
    MessageStep,
    PanelAction,
    PanelCallback,
    ProjectAction,
    ProjectCallback,
    ProjectExportCallback,
    ProjectField,
    ProjectFieldCallback,
    ShareAction,
    ShareCallback,
    SurveyResultsCallback,
    TeamAction,
    TeamCallback,
)
from handlers.ui.callbacks import (
    AttendAnswer,
    AttendCallback,
    CatalogueCallback,
    EventAction,
    EventCallback,
    SurveyCallback,
)
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project, sign_up
from tests.harness import Harness, texts, tg_user
from tests.unit.test_callback_data import INT_FIELDS, int_bounds

COORDINATOR = tg_user(1)  # admin_ids in the harness fixture
PARTICIPANT = tg_user(700, "kk")
OUTDATED = {"ru": "Эта кнопка устарела", "kk": "Бұл батырма ескірген"}


def forged_numbers(factory: type[CallbackData], field: str) -> list[str]:
    low, high = int_bounds(list(factory.model_fields[field].metadata), field)
    # The example, just past each bound, past SQLite's range both ways, and junk.
    return ["999999999999999999999", str(low - 1), str(high + 1), str(-(2**63) - 1), "1e3", "x"]


async def real_values(harness: Harness) -> dict[str, int]:
    """Numbers that name things that exist, so a forged field is the only thing wrong."""
    project = await make_project(harness.db, NOW)
    event = await make_event(harness.db, NOW, project=project, survey_template="seminar")
    trip = await make_event(harness.db, NOW, project=project, by_application=True)
    await make_participant(harness.db, PARTICIPANT.id, NOW, language="kk")
    ids = {"event_id": event.id, "project_id": project.id, "user_id": PARTICIPANT.id}
    for key, applied_to in (("registration_id", event), ("application_id", trip)):
        await sign_up(harness.db, applied_to.id, PARTICIPANT.id, NOW, "Хочу")
        registration = await registrations.get(harness.db, applied_to.id, PARTICIPANT.id)
        assert registration is not None
        ids[key] = registration.id
    return ids


def real_buttons(real: dict[str, int]) -> dict[type[CallbackData], CallbackData]:
    """A button the bot shows, for every factory with a number, naming things that exist."""
    event, project, registration = real["event_id"], real["project_id"], real["registration_id"]
    buttons: list[CallbackData] = [
        EventCallback(action=EventAction.REGISTER, event_id=event),
        CatalogueCallback(page=0, district=0),
        SurveyCallback(event_id=event, index=0, value="1"),
        AttendCallback(answer=AttendAnswer.COMING, event_id=event),
        ProjectCallback(action=ProjectAction.OPEN, project_id=project),
        PanelCallback(action=PanelAction.PROJECTS, page=0),
        ProjectFieldCallback(project_id=project, field=ProjectField.FUNDER),
        EventAdminCallback(action=EventAdminAction.LIST, event_id=event, page=0),
        EditFieldCallback(event_id=event, field=EventField.PLACE),
        MarkCallback(registration_id=registration, page=0),
        ApplicationCallback(registration_id=real["application_id"], decision=Decision.APPROVE),
        ApplicationsCallback(event_id=event),
        TeamCallback(action=TeamAction.REMOVE, user_id=real["user_id"]),
        MessageCallback(step=MessageStep.START, event_id=event),
        CardCallback(registration_id=registration, page=0),
        ExportCallback(event_id=event),
        ProjectExportCallback(project_id=project),
        SurveyResultsCallback(event_id=event),
        ShareCallback(action=ShareAction.LINK, event_id=event),
        HistoryCallback(scope=HistoryScope.EVENT, object_id=event),
    ]
    return {type(button): button for button in buttons}


def forged(button: CallbackData, field: str, raw: str) -> str:
    """The button's data with `raw` in place of `field`."""
    parts = button.pack().split(button.__separator__)
    parts[1 + list(type(button).model_fields).index(field)] = raw
    return button.__separator__.join(parts)


@pytest.mark.parametrize(
    ("factory", "field"), INT_FIELDS, ids=lambda v: v if isinstance(v, str) else v.__name__
)
async def test_a_forged_number_gets_the_outdated_alert(
    harness: Harness, factory: type[CallbackData], field: str
) -> None:
    real = await real_values(harness)
    coordinator_button = factory.__module__.startswith("handlers.admin")
    user, language = (COORDINATOR, "ru") if coordinator_button else (PARTICIPANT, "kk")
    button = real_buttons(real)[factory]
    for raw in forged_numbers(factory, field):
        data = forged(button, field, raw)
        calls = await harness.press(user, data)
        [answer] = calls  # nothing sent, nothing edited
        assert isinstance(answer, AnswerCallbackQuery)
        assert answer.show_alert, data
        assert (answer.text or "").startswith(OUTDATED[language]), (data, answer.text)
    # The same button with its real numbers is no outdated one: the forged field made it so.
    outcome = texts(await harness.press(user, button.pack()))
    assert not any(text.startswith(OUTDATED[language]) for text in outcome), outcome
