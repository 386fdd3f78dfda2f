"""Leaving a form without losing a questionnaire in progress.

Every feature keeps its conversation in the same per-user FSM data; a questionnaire keeps its
answers-so-far there too (keys starting with "survey"). FSMContext.clear() would wipe those as
well, so someone who edits their phone halfway through a questionnaire would start it again.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext

KEPT_PREFIX = "survey"


async def begin_form(state: FSMContext, data: dict[str, Any]) -> None:
    """A form's fresh data, replacing any other form's; a questionnaire in progress stays."""
    await state.set_data({**await _kept(state), **data})


async def end_form(state: FSMContext) -> None:
    """The current form's state and data go; a questionnaire in progress stays."""
    kept = await _kept(state)
    await state.set_state(None)
    await state.set_data(kept)


async def _kept(state: FSMContext) -> dict[str, Any]:
    data = await state.get_data()
    return {key: value for key, value in data.items() if key.startswith(KEPT_PREFIX)}
