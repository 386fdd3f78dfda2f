"""Step-by-step forms on reply keyboards, written once (design §4.5): the walk-in, event and
project forms, and the participant's profile (onboarding and /profile).

A form is a StatesGroup with one state per step, the order of its steps and the catalog keys
of its buttons. The step is the FSM state and the draft is the FSM data of the default
destiny, both in the SQLite storage, so a form survives a restart at the step it was at; a
form that ends (finished or cancelled) clears both, and the storage drops the row. A
questionnaire in progress keeps its own destiny ("survey"), which no form touches.

Two modes. CREATE asks every step in order, with "Step n of N" when the form shows progress
and Back from the second step on. EDIT asks one step and saves it: no progress, and no Back
unless the form offers it there, where it cancels the edit. Skip is offered on optional steps
and reads as None. Cancel ends the form in either mode, with its own words in EDIT if the
form has them. A form whose answers are saved as they come (the profile) moves on with
`move_on` and keeps nothing in its draft but its context.

A form may end on a review page (`review`, a state outside the order): after the last step
it shows every answer, and a step picked there is asked again in REVISE mode (no progress;
Back returns to the review unchanged), after which the form goes back to the review, by way
of any step the change left unanswered. A step may be asked only when earlier answers call
for it (`asked_when`); otherwise it is passed over both ways and its answer dropped.

Why not aiogram Scenes (aiogram/fsm/scene.py): `SceneWizard.exit()` ends with
`set_state(None)` and leaves the draft data in the default destiny, the very leak §4.5 is
about; moving between steps with `goto`/`retake`, as examples/quiz_scene.py does, snapshots
every step into a "scenes_history" row, which a form abandoned midway leaves behind; entering
a scene needs the `scenes` manager of a SceneRegistry on the Dispatcher, plus one enter action
per update type (our forms start from buttons and from messages), while the screens that
start our forms have `state` only. And Scenes bring no Skip, progress or edit mode, which
would be ours anyway. What remains, a state per step and a draft in the FSM, is this module.

A form module registers Cancel (and a command that cancels, if it has one) and its Back
handler with `Form.register`, then one handler per step or kind of step filtered by
`Form.at(...)`, which hands the handler `step` (the step's name) and `draft`. The step names
are the catalog key suffixes (`evf.ask.<step>`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallbackType
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from aiogram.utils.keyboard import ReplyKeyboardBuilder

from bot.texts import Translator

MODE, ANSWERS, CONTEXT = "mode", "answers", "context"


class Mode(StrEnum):
    CREATE = "create"  # every step in order
    EDIT = "edit"  # one step, then saved
    REVISE = "revise"  # one step of a draft picked on its review page, then the review again


@dataclass(frozen=True)
class Draft:
    mode: Mode
    answers: dict[str, Any]  # JSON values by step name
    context: dict[str, Any]  # what the form was started for: an event id, a project id


@dataclass(frozen=True)
class FormTexts:
    """Catalog keys of a form's buttons and of what Cancel says; a form without Skip, Back or
    progress leaves the key out."""

    cancel: str
    cancelled: str
    skip: str | None = None
    back: str | None = None
    progress: str | None = None  # with {n} and {total}
    edit_cancelled: str | None = None  # what Cancel says in EDIT mode, if not `cancelled`

    def cancelled_in(self, mode: Mode) -> str:
        if mode is Mode.EDIT and self.edit_cancelled is not None:
            return self.edit_cancelled
        return self.cancelled


def two_per_row(
    choices: Iterable[str | KeyboardButton], *rows: Sequence[KeyboardButton]
) -> ReplyKeyboardMarkup:
    """The choices two to a row, then each of `rows` that has buttons: the Skip row, the
    Back and Cancel row."""
    builder = ReplyKeyboardBuilder()
    for choice in choices:
        builder.add(choice if isinstance(choice, KeyboardButton) else KeyboardButton(text=choice))
    builder.adjust(2)
    for row in rows:
        if row:
            builder.row(*row)
    return builder.as_markup(resize_keyboard=True, is_persistent=True)


class Form:
    """The steps of one form and how to move between them. `next` and `previous` follow the
    order; a form with a step outside it (a detour such as "type your district") overrides
    them. `back_in_edit`: EDIT mode offers Back too, and it cancels the edit (the profile
    form: going back from the one field edited is leaving it)."""

    def __init__(
        self,
        states: type[StatesGroup],
        order: Sequence[str],
        texts: FormTexts,
        *,
        optional: Collection[str] = (),
        back_in_edit: bool = False,
        review: str | None = None,
        asked_when: Mapping[str, Callable[[Mapping[str, Any]], bool]] | None = None,
    ) -> None:
        self.states = states
        self.order = tuple(order)
        self.texts = texts
        self.optional = frozenset(optional)
        self.back_in_edit = back_in_edit and texts.back is not None
        self.review = review
        self.asked_when = dict(asked_when or {})
        self._state_of = {_name(state): state for state in states.__states__}
        self._step_of = {state.state: name for name, state in self._state_of.items()}
        missing = {*self.order, *([review] if review else [])} - set(self._state_of)
        if missing:
            raise ValueError(f"{states.__name__} has no state for {sorted(missing)}")

    def step_of(self, raw_state: str | None) -> str | None:
        """The step a stored FSM state is at; None outside this form."""
        return self._step_of.get(raw_state or "")

    def next(self, step: str) -> str | None:
        if step not in self.order or step == self.order[-1]:
            return None
        return self.order[self.order.index(step) + 1]

    def previous(self, step: str) -> str:
        """The step Back goes to: the first step stays where it is, the review goes to the
        last step."""
        if step == self.review:
            return self.order[-1]
        if step not in self.order:
            return step
        return self.order[max(self.order.index(step) - 1, 0)]

    def asks(self, step: str, answers: Mapping[str, Any]) -> bool:
        """Whether `step` is asked, given the answers so far."""
        condition = self.asked_when.get(step)
        return condition is None or condition(answers)

    def missing(self, answers: Mapping[str, Any]) -> str | None:
        """The first step asked but not answered (a skipped step is answered: None)."""
        return next(
            (step for step in self.order if step not in answers and self.asks(step, answers)),
            None,
        )

    def answers_kept(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers without those of steps no longer asked."""
        return {step: value for step, value in answers.items() if self.asks(step, answers)}

    def at(self, *steps: str, mode: Mode | None = None) -> FormStep:
        """A filter for messages answering this form (at one of `steps`, or any step; in
        `mode`, or either); it hands the handler `step` and `draft`."""
        return FormStep(self, frozenset(steps), mode)

    def register(
        self,
        router: Router,
        *,
        back: CallbackType | None = None,
        cancel_command: str | None = None,
    ) -> None:
        """Cancel (the button, and `cancel_command` if given), Back in EDIT mode if it cancels
        there, and the form's Back handler, ahead of the handlers of the steps."""
        router.message.register(cancel, self.at(), Pressed(self.texts.cancel))
        if cancel_command is not None:
            router.message.register(
                cancel, Command(cancel_command), FormStep(self, frozenset(), None, commands=True)
            )
        if self.texts.back is None:
            return
        if self.back_in_edit:
            router.message.register(cancel, self.at(mode=Mode.EDIT), Pressed(self.texts.back))
        if back is not None:
            router.message.register(back, self.at(mode=Mode.CREATE), Pressed(self.texts.back))
            if self.review is not None:
                router.message.register(back, self.at(mode=Mode.REVISE), Pressed(self.texts.back))

    async def start(
        self,
        state: FSMContext,
        *,
        mode: Mode = Mode.CREATE,
        step: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> str:
        """A fresh draft (whatever another form left is replaced) at `step`, by default the
        first; returns the step to ask."""
        first = step or self.order[0]
        await state.set_state(self._state_of[first])
        await state.set_data({MODE: mode.value, ANSWERS: {}, CONTEXT: context or {}})
        return first

    async def advance(
        self,
        state: FSMContext,
        draft: Draft,
        step: str,
        answer: Any,
        *,
        forget: Collection[str] = (),
    ) -> str | None:
        """Keeps the answer (JSON), forgetting the answers in `forget` (which it made
        wrong), and moves on: to the next step asked, or after a revision to the first
        unanswered one; then to the review, if the form has one. Returns the step to ask,
        None after the last."""
        answers = {key: value for key, value in draft.answers.items() if key not in forget}
        answers = self.answers_kept({**answers, step: answer})
        await state.update_data({ANSWERS: answers})
        if draft.mode is Mode.REVISE:
            following = self.missing(answers)
        else:
            following = self.next(step)
            while following is not None and not self.asks(following, answers):
                following = self.next(following)
        if following is None and self.review is not None:
            await state.update_data({MODE: Mode.CREATE.value})
            following = self.review
        if following is not None:
            await self.move_to(state, following)
        return following

    async def revise(self, state: FSMContext, step: str) -> str:
        """Asks one step of the draft again, from its review page."""
        await state.update_data({MODE: Mode.REVISE.value})
        return await self.move_to(state, step)

    async def move_on(self, state: FSMContext, step: str) -> str | None:
        """Moves to the step after `step`, keeping no answer (for a form whose answers are
        saved as they come); returns the step to ask, None after the last."""
        following = self.next(step)
        if following is not None:
            await self.move_to(state, following)
        return following

    async def move_to(self, state: FSMContext, step: str) -> str:
        """Moves to `step`, such as a detour off the order; returns it, to be asked."""
        await state.set_state(self._state_of[step])
        return step

    async def back(self, state: FSMContext, step: str) -> str:
        """Moves to the step before that is asked (from a revision: to the review, nothing
        changed); returns it, to be asked again."""
        draft = draft_of(await state.get_data())
        if draft.mode is Mode.REVISE and self.review is not None:
            await state.update_data({MODE: Mode.CREATE.value})
            return await self.move_to(state, self.review)
        previous = self.previous(step)
        while previous != self.order[0] and not self.asks(previous, draft.answers):
            previous = self.previous(previous)
        return await self.move_to(state, previous)

    def skipped(self, step: str, text: str, t: Translator) -> bool:
        return step in self.optional and self.texts.skip is not None and text == t(self.texts.skip)

    def prompt(
        self,
        step: str,
        mode: Mode,
        t: Translator,
        question: str,
        choices: Iterable[str | KeyboardButton] = (),
        last_row: Sequence[str] = (),
    ) -> tuple[str, ReplyKeyboardMarkup]:
        """The question (under "Step n of N" when creating) and its keyboard: the choices
        two to a row, Skip on an optional step, `last_row` (the review's Save), then Back and
        Cancel (Back from the second step on, on a revision, or in EDIT if the form has it)."""
        creating = mode is Mode.CREATE
        if creating and self.texts.progress is not None and step in self.order:
            progress = t(self.texts.progress, n=self.order.index(step) + 1, total=len(self.order))
            question = f"{progress}\n{question}"
        skip: list[KeyboardButton] = []
        if step in self.optional and self.texts.skip is not None:
            skip.append(KeyboardButton(text=t(self.texts.skip)))
        nav = [KeyboardButton(text=t(self.texts.cancel))]
        backs = {
            Mode.CREATE: step != self.order[0],
            Mode.REVISE: True,
            Mode.EDIT: self.back_in_edit,
        }
        if self.texts.back is not None and backs[mode]:
            nav.insert(0, KeyboardButton(text=t(self.texts.back)))
        last = [KeyboardButton(text=label) for label in last_row]
        return question, two_per_row(choices, skip, last, nav)


def _name(state: State) -> str:
    return (state.state or "").rsplit(":", 1)[-1]


def draft_of(data: dict[str, Any]) -> Draft:
    return Draft(
        mode=Mode(data.get(MODE, Mode.CREATE)),
        answers=dict(data.get(ANSWERS, {})),
        context=dict(data.get(CONTEXT, {})),
    )


class FormStep(Filter):
    """A message answering the form: not a command, which goes on to the command's router
    with the form left where it was (unless `commands`: the form's cancel command)."""

    def __init__(
        self, form: Form, steps: frozenset[str], mode: Mode | None, *, commands: bool = False
    ) -> None:
        self.form = form
        self.steps = steps
        self.mode = mode
        self.commands = commands

    async def __call__(
        self, message: Message, state: FSMContext, raw_state: str | None = None
    ) -> bool | dict[str, Any]:
        step = self.form.step_of(raw_state)
        if step is None or (self.steps and step not in self.steps):
            return False
        if not self.commands and (message.text or "").startswith("/"):
            return False
        draft = draft_of(await state.get_data())
        if self.mode is not None and draft.mode is not self.mode:
            return False
        return {"form": self.form, "step": step, "draft": draft}


class Pressed(Filter):
    """The message is the reply button `key` in the sender's language."""

    def __init__(self, key: str) -> None:
        self.key = key

    async def __call__(self, message: Message, t: Translator) -> bool:
        return (message.text or "").strip() == t(self.key)


async def cancel(
    message: Message, state: FSMContext, t: Translator, form: Form, draft: Draft
) -> None:
    await state.clear()
    await message.answer(t(form.texts.cancelled_in(draft.mode)), reply_markup=ReplyKeyboardRemove())
