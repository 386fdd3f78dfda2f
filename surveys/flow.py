"""The rules of answering: when a survey is open, what counts as an answer to each kind of
question, and where the questionnaire goes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.events.model import Event
from surveys.templates import Question, QuestionKind

OTHER = "other"


@dataclass(frozen=True)
class Answer:
    """One answer as stored: a score, a text, or the options chosen."""

    number: float | None = None
    text: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSummary:
    """One question across the completed responses of an event."""

    answered: int
    average: float | None  # scale and yes/no (the share of "yes")
    counts: dict[str, int]  # option id -> how many chose it


@dataclass(frozen=True)
class Progress:
    """Where a person is in one questionnaire. It lives in their form state and nowhere in the
    survey tables: for an anonymous survey it is the only link from the person to the answers,
    and it goes when the questionnaire is finished."""

    response: int
    index: int = 0
    chosen: tuple[str, ...] = ()  # a multiple-choice question's options ticked so far
    other: bool = False  # the choices are saved; the text of "other" comes next


class AnswerError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def opens_at(event: Event) -> datetime:
    return event.ends_at + timedelta(minutes=event.survey_delay_minutes)


def closes_at(event: Event) -> datetime:
    return event.ends_at + timedelta(minutes=event.survey_close_minutes)


def is_open(event: Event, now: datetime) -> bool:
    return event.survey_template is not None and event.ends_at <= now < closes_at(event)


def button_answer(question: Question, value: str) -> Answer:
    """An answer given with a button (scale, yes/no, single choice)."""
    if question.kind is QuestionKind.SCALE:
        if not value.isdigit() or not question.scale_min <= int(value) <= question.scale_max:
            raise AnswerError("stale")
        return Answer(number=float(value))
    if question.kind is QuestionKind.YESNO:
        if value not in ("1", "0"):
            raise AnswerError("stale")
        return Answer(number=float(value))
    if question.kind is QuestionKind.SINGLE and question.option(value) is not None:
        return Answer(choices=(value,))
    raise AnswerError("stale")


def text_answer(question: Question, text: str) -> Answer:
    if question.kind is not QuestionKind.TEXT:
        raise AnswerError("use_buttons")
    return Answer(text=_typed(question, text))


def other_answer(question: Question, chosen: tuple[str, ...], text: str) -> Answer:
    """The text of "other", typed after the choices."""
    return Answer(choices=chosen, text=_typed(question, text))


def _typed(question: Question, text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise AnswerError("empty")
    if len(cleaned) > question.max_length:
        raise AnswerError("too_long")
    return cleaned


def choices_answer(question: Question, chosen: tuple[str, ...]) -> Answer:
    """A multiple-choice question closed with Done."""
    if question.kind is not QuestionKind.MULTI:
        raise AnswerError("stale")
    if not chosen and not question.optional:
        raise AnswerError("choose_one")
    return Answer(choices=chosen)


def toggle(question: Question, chosen: tuple[str, ...], option_id: str) -> tuple[str, ...]:
    valid = {option.id for option in question.options} | (
        {OTHER} if question.other_option else set()
    )
    if option_id not in valid:
        raise AnswerError("stale")
    if option_id in chosen:
        return tuple(item for item in chosen if item != option_id)
    return (*chosen, option_id)
