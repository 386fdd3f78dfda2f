"""What the composition root hands to handlers. Only services may change data, submit notices
or wake the scheduler, so the database, the outbox and the scheduler are not among the
Dispatcher's kwargs: a handler asking for one by name would get nothing and fail at once."""

from __future__ import annotations

import inspect

from aiogram import Router

from tests.harness import Harness

KEPT_FROM_HANDLERS = {"db", "outbox", "scheduler", "notices", "queue"}


def _handler_parameters(router: Router) -> set[str]:
    names: set[str] = set()
    for observer in router.observers.values():
        for handler in observer.handlers:
            names |= set(inspect.signature(handler.callback).parameters)
    for sub in router.sub_routers:
        names |= _handler_parameters(sub)
    return names


async def test_handlers_get_services_not_the_database_outbox_or_scheduler(
    harness: Harness,
) -> None:
    kwargs = set(harness.app.dispatcher.workflow_data)
    assert not kwargs & KEPT_FROM_HANDLERS
    assert {"registration", "events", "people", "checkin", "surveys", "broadcasts"} <= kwargs
    parameters = _handler_parameters(harness.app.dispatcher)
    assert {"registration", "events", "state"} <= parameters  # the walk reached the handlers
    assert not parameters & KEPT_FROM_HANDLERS
