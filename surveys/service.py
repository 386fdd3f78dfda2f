"""The feedback questionnaire, one use case per method: the participant's start, answers,
skips and Back, and the coordinator's summary. Every answer is checked against the event as it
is when the answer arrives (the survey may have closed, the person may have finished it on
another phone) and saved in that same write transaction; the last answer and the completion
are one transaction, so no questionnaire is left answered but uncounted.

Where the person is in the questionnaire (`Progress`) is the caller's to keep, in the
person's form state: each method takes it and hands back the next one. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot.clock import Clock
from bot.events import store as events
from bot.events.model import Event
from bot.platform.db import Database
from bot.registration import store as registrations
from surveys import flow, store
from surveys.flow import Answer, AnswerError, Progress, QuestionSummary
from surveys.templates import QuestionKind, SurveyTemplate


class Refusal(StrEnum):
    GONE = "gone"  # no such event, or its questionnaire is no longer there
    CLOSED = "closed"  # the survey is not open (yet, or any more)
    ALREADY = "already"  # this person has completed it
    STALE = "stale"  # a button of another question, or of a questionnaire never started


@dataclass(frozen=True)
class Refused:
    reason: Refusal


@dataclass(frozen=True)
class Invalid:
    """Not an answer to this question; nothing was saved."""

    reason: str  # an AnswerError reason of surveys/flow.py
    limit: int  # the question's length limit, for "too long"


@dataclass(frozen=True)
class Asking:
    """The question at `progress.index` comes next, or again with the options ticked so far."""

    event: Event
    template: SurveyTemplate
    progress: Progress


@dataclass(frozen=True)
class AskingOther:
    """The choices are saved; the text of "other" comes in the next message."""

    event: Event
    progress: Progress


@dataclass(frozen=True)
class Finished:
    """Completed just now; what was given, for the person's summary."""

    event: Event
    template: SurveyTemplate
    answers: dict[str, Answer]


@dataclass(frozen=True)
class Results:
    event: Event
    template: SurveyTemplate
    invited: int  # those the invitation went to
    completed: int
    per_question: dict[str, QuestionSummary]

    @property
    def rate(self) -> int:
        """Completed, in per cent of those invited."""
        return round(100 * self.completed / self.invited) if self.invited else 0


class SurveyService:
    def __init__(self, db: Database, clock: Clock, templates: dict[str, SurveyTemplate]) -> None:
        self.db = db
        self.clock = clock
        # Loaded once at start-up; the event form and the reports read the same set.
        self.templates = templates

    async def start(
        self,
        event_id: int,
        user_id: int,
        district: str | None,
        category: str | None,
        progress: Progress | None,
    ) -> Asking | Finished | Refused:
        """The invitation's button: a new response, or the one in progress at the question
        where it was left. An anonymous response keeps no user id, only the district and
        category reports count by: the check-in's, else the profile's (`district`,
        `category`) now."""
        now = self.clock.now()
        async with self.db.write() as conn:
            found = await self._open(conn, event_id, user_id, now)
            if isinstance(found, Refused):
                return found
            event, template = found
            if progress is None:
                owner = None if event.survey_anonymous else user_id
                # Counted where reach counts the person: as they were at the check-in.
                at_checkin = await store.checkin_snapshot(conn, event.id, user_id)
                if at_checkin is not None:
                    district = at_checkin[0] or district
                    category = at_checkin[1] or category
                response = await store.start_response(
                    conn, event.id, template.id, owner, district, category, now
                )
                progress = Progress(response)
            return await self._go_to(conn, event, template, progress, progress.index, user_id, now)

    async def answer_button(
        self, event_id: int, user_id: int, progress: Progress | None, index: int, value: str
    ) -> Asking | Finished | Invalid | Refused:
        """A score, yes/no or option pressed on question `index`; on a multiple-choice
        question it ticks or unticks the option and nothing is saved until Done."""
        now = self.clock.now()
        async with self.db.write() as conn:
            found = await self._current(conn, event_id, user_id, progress, index, now)
            if isinstance(found, Refused):
                return found
            event, template, progress = found
            question = template.questions[index]
            try:
                if question.kind is QuestionKind.MULTI:
                    chosen = flow.toggle(question, progress.chosen, value)
                    return Asking(event, template, replace(progress, chosen=chosen))
                answer = flow.button_answer(question, value)
            except AnswerError as error:
                return Invalid(error.reason, question.max_length)
            await store.save_answer(conn, progress.response, question.id, answer)
            return await self._go_to(conn, event, template, progress, index + 1, user_id, now)

    async def finish_choices(
        self, event_id: int, user_id: int, progress: Progress | None, index: int
    ) -> Asking | AskingOther | Finished | Invalid | Refused:
        """Done on a multiple-choice question: the options ticked are its answer."""
        now = self.clock.now()
        async with self.db.write() as conn:
            found = await self._current(conn, event_id, user_id, progress, index, now)
            if isinstance(found, Refused):
                return found
            event, template, progress = found
            question = template.questions[index]
            try:
                answer = flow.choices_answer(question, progress.chosen)
            except AnswerError as error:
                return Invalid(error.reason, question.max_length)
            await store.save_answer(conn, progress.response, question.id, answer)
            if flow.OTHER in answer.choices:
                return AskingOther(event, replace(progress, other=True))
            return await self._go_to(conn, event, template, progress, index + 1, user_id, now)

    async def skip(
        self, event_id: int, user_id: int, progress: Progress | None, index: int
    ) -> Asking | Finished | Invalid | Refused:
        """An optional question left unanswered: an answer given before Back goes too."""
        now = self.clock.now()
        async with self.db.write() as conn:
            found = await self._current(conn, event_id, user_id, progress, index, now)
            if isinstance(found, Refused):
                return found
            event, template, progress = found
            question = template.questions[index]
            if not question.optional:
                return Invalid("stale", question.max_length)
            await store.forget_answer(conn, progress.response, question.id)
            return await self._go_to(conn, event, template, progress, index + 1, user_id, now)

    async def back(
        self, event_id: int, user_id: int, progress: Progress | None, index: int
    ) -> Asking | Finished | Refused:
        """The previous question again, to change its answer."""
        now = self.clock.now()
        async with self.db.write() as conn:
            found = await self._current(conn, event_id, user_id, progress, index, now)
            if isinstance(found, Refused):
                return found
            event, template, progress = found
            return await self._go_to(
                conn, event, template, progress, max(index - 1, 0), user_id, now
            )

    async def answer_text(
        self, event_id: int, user_id: int, progress: Progress | None, text: str
    ) -> Asking | Finished | Invalid | Refused:
        """A typed message: the answer to an open question, or the text of "other"."""
        now = self.clock.now()
        async with self.db.write() as conn:
            index = progress.index if progress is not None else None
            found = await self._current(conn, event_id, user_id, progress, index, now)
            if isinstance(found, Refused):
                # A message has no button to be stale: without a questionnaire in progress
                # it answers nothing.
                return Refused(Refusal.GONE) if found.reason is Refusal.STALE else found
            event, template, progress = found
            question = template.questions[progress.index]
            try:
                answer = (
                    flow.other_answer(question, progress.chosen, text)
                    if progress.other
                    else flow.text_answer(question, text)
                )
            except AnswerError as error:
                return Invalid(error.reason, question.max_length)
            await store.save_answer(conn, progress.response, question.id, answer)
            return await self._go_to(
                conn, event, template, progress, progress.index + 1, user_id, now
            )

    async def results(self, event_id: int) -> Results | None:
        """The coordinator's summary; None when the event or its questionnaire is gone."""
        event = await events.get_event(self.db, event_id)
        if event is None or event.survey_template not in self.templates:
            return None
        invited = len(await registrations.survey_audience(self.db, event.id))
        completed, per_question = await store.summary(self.db, event.id)
        return Results(
            event, self.templates[event.survey_template], invited, completed, per_question
        )

    async def _open(
        self, conn: aiosqlite.Connection, event_id: int, user_id: int, now: datetime
    ) -> tuple[Event, SurveyTemplate] | Refused:
        event = await events.event_in(conn, event_id)
        if event is None or event.survey_template not in self.templates:
            return Refused(Refusal.GONE)
        if not flow.is_open(event, now):
            return Refused(Refusal.CLOSED)
        if await store.has_completed_in(conn, event.id, user_id):
            return Refused(Refusal.ALREADY)
        return event, self.templates[event.survey_template]

    async def _current(
        self,
        conn: aiosqlite.Connection,
        event_id: int,
        user_id: int,
        progress: Progress | None,
        index: int | None,
        now: datetime,
    ) -> tuple[Event, SurveyTemplate, Progress] | Refused:
        """The questionnaire open, and `index` the question the person is at."""
        found = await self._open(conn, event_id, user_id, now)
        if isinstance(found, Refused):
            return found
        event, template = found
        # A template shortened since the question was shown leaves no such question.
        if progress is None or index != progress.index or index >= len(template.questions):
            return Refused(Refusal.STALE)
        return event, template, progress

    async def _go_to(
        self,
        conn: aiosqlite.Connection,
        event: Event,
        template: SurveyTemplate,
        progress: Progress,
        index: int,
        user_id: int,
        now: datetime,
    ) -> Asking | Finished:
        """Question `index`, fresh; past the last one, the questionnaire is completed."""
        if index < len(template.questions):
            return Asking(event, template, Progress(progress.response, index))
        given = await store.answers_in(conn, progress.response)
        completed = await store.complete(
            conn, progress.response, event.id, user_id, now, anonymous=event.survey_anonymous
        )
        assert completed, "not completed yet when read in this transaction"
        return Finished(event, template, given)


async def invitation_event(
    db: Database, event_id: int, user_id: int, now: datetime
) -> Event | None:
    """The event whose invitation (or nudge) is still worth sending this person: the survey is
    open and they have not answered it. For the outbox's renderers, which read with the
    database their RenderContext carries."""
    event = await events.get_event(db, event_id)
    if (
        event is None
        or not flow.is_open(event, now)
        or await store.has_completed(db, event.id, user_id)
    ):
        return None
    return event
