"""The coordinator's event use cases through the events service: the people told of a
cancellation are read inside its transaction, and a plan imported from the command line is
audited as one uploaded in the chat."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from bot.cli.plan import import_plan_file
from bot.events.service import COMMAND_LINE
from bot.events.store import list_events
from bot.registration.rules import ACTIVE, RegisterResult
from bot.registration.service import RegisterOutcome
from tests.conftest import NOW
from tests.factories import make_event, make_participant, make_project
from tests.harness import Harness
from tests.unit.test_plan_import import EXAMPLE


async def test_everyone_who_registers_while_an_event_is_cancelled_is_told_or_turned_away(
    harness: Harness,
) -> None:
    event = await make_event(harness.db, NOW, capacity=None)
    people = list(range(600, 640))
    for user_id in people:
        await make_participant(harness.db, user_id, NOW)
    service = harness.app.registration
    half = len(people) // 2
    outcomes = await asyncio.gather(
        *(service.register(event.id, user_id) for user_id in people[:half]),
        harness.app.events.cancel(event.id, actor=1),
        *(service.register(event.id, user_id) for user_id in people[half:]),
    )
    told = outcomes[half]
    assert isinstance(told, int)
    registered = await harness.db.fetch_all(
        "SELECT user_id, status FROM registrations WHERE event_id = ?", (event.id,)
    )
    signed_up = {row["user_id"] for row in registered if row["status"] in ACTIVE}
    job = await harness.db.fetch_one("SELECT id FROM outbox_jobs WHERE kind = 'event_cancelled'")
    assert job is not None
    recipients = await harness.db.fetch_all(
        "SELECT user_id FROM outbox_deliveries WHERE job_id = ?", (job["id"],)
    )
    assert {row["user_id"] for row in recipients} == signed_up, "nobody signed up is left out"
    assert told == len(signed_up)
    closed = [
        o for o in outcomes if isinstance(o, RegisterOutcome) and o.result is RegisterResult.CLOSED
    ]
    assert len(closed) + len(signed_up) == len(people), "the rest found registration closed"
    audit = await harness.db.fetch_one("SELECT action, details FROM audit_log")
    assert audit is not None and audit["action"] == "event.cancel"
    assert json.loads(audit["details"]) == {"told": told}


async def test_moving_an_event_keeps_its_length_drops_a_passed_deadline_and_tells_people(
    harness: Harness,
) -> None:
    event = await make_event(
        harness.db, NOW, registration_deadline=NOW + timedelta(days=2, hours=12)
    )
    await make_participant(harness.db, 650, NOW)
    await harness.app.registration.register(event.id, 650)
    earlier = event.starts_at - timedelta(days=1)
    edited = await harness.app.events.edit(event.id, {"starts_at": earlier}, actor=1)
    assert edited.event is not None
    assert edited.event.ends_at - edited.event.starts_at == event.ends_at - event.starts_at
    assert edited.event.registration_deadline is None
    assert edited.told == 1
    kinds = await harness.db.fetch_all("SELECT kind FROM outbox_jobs")
    assert [row["kind"] for row in kinds] == ["event_changed"]


async def test_a_plan_imported_from_the_command_line_is_audited(harness: Harness) -> None:
    project = await make_project(harness.db, NOW)
    settings = harness.app.settings
    await harness.db.close()  # the command line opens the database itself
    code = await asyncio.to_thread(import_plan_file, settings, EXAMPLE, project.id)
    assert code == 0
    reopened = await type(harness.db).open(settings.database_path)
    try:
        imported = await list_events(reopened, project.id)
        audit = await reopened.fetch_all("SELECT actor_id, action, object, details FROM audit_log")
    finally:
        await reopened.close()
    assert imported
    assert [tuple(row)[:3] for row in audit] == [
        (COMMAND_LINE, "plan.import", f"project:{project.id}")
    ]
    assert json.loads(audit[0]["details"]) == {"events": len(imported)}
