"""Starting or leaving any form keeps a questionnaire in progress in the same FSM data."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from handlers.form_state import begin_form, end_form


async def test_forms_come_and_go_the_questionnaire_stays() -> None:
    state = FSMContext(MemoryStorage(), StorageKey(bot_id=42, chat_id=1, user_id=1))
    survey = {"survey:7": {"response": 3, "index": 2}, "survey_active": 7}
    await state.set_data({**survey, "evform": {"title_ru": "Семинар"}})
    await state.set_state("EventForm:place")

    await begin_form(state, {"evmode": "edit", "evid": 2})
    assert await state.get_data() == {**survey, "evmode": "edit", "evid": 2}

    await end_form(state)
    assert await state.get_state() is None
    assert await state.get_data() == survey
