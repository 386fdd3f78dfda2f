"""Leaving a form without losing a questionnaire in progress.

Every feature keeps its conversation in the same per-user FSM data; a questionnaire keeps its
answers-so-far there too (keys starting with "survey"). FSMContext.clear() would wipe those as
well, so someone who edits their phone halfway through a questionnaire would start it again.
"""

from __future__ import annotations

from aiogram.fsm.context import FSMContext

KEPT_PREFIX = "survey"


async def end_form(state: FSMContext) -> None:
    """The current form's state and data go; a questionnaire in progress stays."""
    data = await state.get_data()
    await state.set_state(None)
    await state.set_data({key: value for key, value in data.items() if key.startswith(KEPT_PREFIX)})
