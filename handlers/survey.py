"""Answering the feedback questionnaire: one question per message, buttons for scales,
yes/no and choices, typed text for open questions, Skip for optional ones, Back to change the
previous answer. Every answer is saved as it is given; the place in the questionnaire lives
in the FSM, so the survey resumes at the same question after a restart. One response per
person and event; after the survey closes, answers are refused politely."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import format_local
from bot.events.model import Event
from bot.people.users import UserRecord
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip, clip_html
from bot.texts import Translator
from handlers.ui.callbacks import SurveyCallback
from handlers.ui.editing import edit_in_place, remove_buttons
from surveys import flow
from surveys.flow import Answer, Progress
from surveys.service import (
    Asking,
    AskingOther,
    Finished,
    Invalid,
    Refused,
    SurveyService,
    invitation_event,
)
from surveys.templates import Question, QuestionKind, SurveyTemplate

START, SKIP, BACK, DONE = "s", "-", "<", "!"
ACTIONS = (START, SKIP, BACK, DONE)  # any other value is an option, a score or yes/no
ACTIVE = "survey_active"
SURVEY_DESTINY = "survey"


class SurveyForm(StatesGroup):
    answering = State()


def _slot(event_id: int) -> str:
    return f"survey:{event_id}"


def progress(state: FSMContext) -> FSMContext:
    """The questionnaires in progress, in an FSM namespace of their own: any other form may
    clear its data without losing a half-answered questionnaire. (Erasure reads the
    "survey:<event id>" slots to find the person's unfinished questionnaire.)"""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=SURVEY_DESTINY))


def _progress_in(data: dict[str, Any], event_id: int) -> Progress | None:
    slot = data.get(_slot(event_id))
    if not isinstance(slot, dict) or not slot.get("response"):
        return None
    return Progress(
        int(slot["response"]),
        int(slot.get("index", 0)),
        tuple(slot.get("chosen") or ()),
        bool(slot.get("other")),
    )


async def _progress_of(state: FSMContext, event_id: int) -> Progress | None:
    return _progress_in(await progress(state).get_data(), event_id)


def _buttons_on(data: dict[str, Any], event_id: int) -> int | None:
    """The message whose Back and Skip a typed answer leaves behind."""
    slot = data.get(_slot(event_id))
    shown = slot.get("buttons_on") if isinstance(slot, dict) else None
    return shown if isinstance(shown, int) else None


async def _keep(
    state: FSMContext, event_id: int, at: Progress, buttons_on: int | None = None
) -> None:
    """The place in the questionnaire, the event typed answers go to, and the message with
    the current question's buttons."""
    slot = {
        "response": at.response,
        "index": at.index,
        "chosen": list(at.chosen),
        "other": at.other,
        "buttons_on": buttons_on,
    }
    await state.set_state(SurveyForm.answering)
    await progress(state).update_data({_slot(event_id): slot, ACTIVE: event_id})


def invitation_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("sv.btn.start"),
        callback_data=SurveyCallback(event_id=event_id, index=0, value=START),
    )
    return builder.as_markup()


async def _render(ctx: RenderContext, key: str) -> OutgoingMessage | None:
    event = await invitation_event(ctx.db, int(ctx.payload["event_id"]), ctx.user.id, ctx.now)
    if event is None:
        return None
    text = ctx.t(
        key, title=event.title(ctx.t.language), closes=format_local(flow.closes_at(event), ctx.tz)
    )
    return OutgoingMessage(text=text, reply_markup=invitation_keyboard(ctx.t, event.id))


async def render_invitation(ctx: RenderContext) -> OutgoingMessage | None:
    return await _render(ctx, "sv.invitation")


async def render_nudge(ctx: RenderContext) -> OutgoingMessage | None:
    return await _render(ctx, "sv.nudge")


def question_view(
    event: Event,
    template: SurveyTemplate,
    index: int,
    t: Translator,
    chosen: tuple[str, ...] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    question = template.questions[index]
    lines = [
        t("sv.progress", n=index + 1, total=len(template.questions)),
        t("sv.question", text=question.label(t.language)),
    ]
    builder = InlineKeyboardBuilder()

    def data(value: str) -> SurveyCallback:
        return SurveyCallback(event_id=event.id, index=index, value=value)

    if question.kind is QuestionKind.SCALE:
        for value in range(question.scale_min, question.scale_max + 1):
            builder.button(text=str(value), callback_data=data(str(value)))
        builder.adjust(6 if question.scale_max - question.scale_min > 5 else 5)
        lines.append(t("sv.hint.scale", low=question.scale_min, high=question.scale_max))
    elif question.kind is QuestionKind.YESNO:
        builder.button(text=t("common.yes"), callback_data=data("1"))
        builder.button(text=t("common.no"), callback_data=data("0"))
    elif question.kind is QuestionKind.SINGLE:
        for option in question.options:
            builder.button(text=option.label(t.language), callback_data=data(option.id))
        builder.adjust(1)
    elif question.kind is QuestionKind.MULTI:
        for option in question.options:
            mark = "✅ " if option.id in chosen else ""
            builder.button(text=mark + option.label(t.language), callback_data=data(option.id))
        if question.other_option:
            mark = "✅ " if flow.OTHER in chosen else ""
            builder.button(text=mark + t("sv.btn.other"), callback_data=data(flow.OTHER))
        builder.button(text=t("sv.btn.done"), callback_data=data(DONE))
        builder.adjust(1)
        lines.append(t("sv.hint.multi"))
    else:
        lines.append(t("sv.hint.text", limit=question.max_length))
    nav = InlineKeyboardBuilder()
    if index > 0:
        nav.button(text=t("sv.btn.back"), callback_data=data(BACK))
    if question.optional:
        nav.button(text=t("sv.btn.skip"), callback_data=data(SKIP))
    builder.row(*nav.buttons)
    return "\n".join(lines), builder.as_markup()


async def start(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
    callback_answer: CallbackAnswer,
) -> None:
    event_id = callback_data.event_id
    outcome = await surveys.start(
        event_id, user.id, user.district, user.category, await _progress_of(state, event_id)
    )
    if isinstance(outcome, Refused):
        _alert(callback_answer, t(f"sv.{outcome.reason}"))
        return
    # Without its button, a second tap of the invitation cannot show question 1 again.
    await remove_buttons(message)
    if outcome.event.survey_anonymous:
        await message.answer(t("sv.anonymous"))
    await _step(outcome, message, state, t, edit=False)


async def choose(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
    callback_answer: CallbackAnswer,
) -> None:
    event_id, index = callback_data.event_id, callback_data.index
    at = await _progress_of(state, event_id)
    outcome = await surveys.answer_button(event_id, user.id, at, index, callback_data.value)
    await _pressed(outcome, message, state, t, callback_answer)


async def done(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
    callback_answer: CallbackAnswer,
) -> None:
    event_id, index = callback_data.event_id, callback_data.index
    at = await _progress_of(state, event_id)
    outcome = await surveys.finish_choices(event_id, user.id, at, index)
    await _pressed(outcome, message, state, t, callback_answer)


async def skip(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
    callback_answer: CallbackAnswer,
) -> None:
    event_id, index = callback_data.event_id, callback_data.index
    at = await _progress_of(state, event_id)
    outcome = await surveys.skip(event_id, user.id, at, index)
    await _pressed(outcome, message, state, t, callback_answer)


async def back(
    query: CallbackQuery,
    callback_data: SurveyCallback,
    message: Message,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
    callback_answer: CallbackAnswer,
) -> None:
    event_id, index = callback_data.event_id, callback_data.index
    at = await _progress_of(state, event_id)
    outcome = await surveys.back(event_id, user.id, at, index)
    await _pressed(outcome, message, state, t, callback_answer)


async def typed(
    message: Message,
    bot: Bot,
    state: FSMContext,
    user: UserRecord,
    t: Translator,
    surveys: SurveyService,
) -> None:
    data = await progress(state).get_data()
    event_id = int(data.get(ACTIVE) or 0)
    at = _progress_in(data, event_id)
    outcome = await surveys.answer_text(event_id, user.id, at, message.text or "")
    if isinstance(outcome, Refused):
        await state.set_state(None)
        await message.answer(t(f"sv.{outcome.reason}"))
    elif isinstance(outcome, Invalid):
        await message.answer(t(f"sv.error.{outcome.reason}", limit=outcome.limit))
    else:
        previous = _buttons_on(data, event_id)
        if previous is not None:
            # Answered: its Back and Skip would now act on the next question. The person
            # may have deleted that message, which is no reason to fail the answer.
            with contextlib.suppress(TelegramBadRequest):
                await bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=previous, reply_markup=None
                )
        await _step(outcome, message, state, t, edit=False)


def build_router() -> Router:
    router = Router(name="survey")
    for handler, action in ((start, START), (done, DONE), (skip, SKIP), (back, BACK)):
        router.callback_query.register(
            handler, SurveyCallback.filter(F.value == action), F.message.as_("message")
        )
    router.callback_query.register(
        choose, SurveyCallback.filter(~F.value.in_(ACTIONS)), F.message.as_("message")
    )
    router.message.register(typed, StateFilter(SurveyForm.answering), ~F.text.startswith("/"))
    return router


async def _pressed(
    outcome: Asking | AskingOther | Finished | Invalid | Refused,
    message: Message,
    state: FSMContext,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    if isinstance(outcome, Refused):
        _alert(callback_answer, t(f"sv.{outcome.reason}"))
    elif isinstance(outcome, Invalid):
        _alert(callback_answer, t(f"sv.error.{outcome.reason}", limit=outcome.limit))
    else:
        await _step(outcome, message, state, t, edit=True)


async def _step(
    outcome: Asking | AskingOther | Finished,
    message: Message,
    state: FSMContext,
    t: Translator,
    *,
    edit: bool,
) -> None:
    """The next question (in place of the last one when a button was pressed), the prompt for
    the text of "other", or the thanks with a summary of the answers."""
    if isinstance(outcome, AskingOther):
        await _keep(state, outcome.event.id, outcome.progress)
        await edit_in_place(message, t("sv.ask_other"))
        return
    if isinstance(outcome, Finished):
        # The link from person to response exists only here, and goes now.
        await progress(state).update_data({_slot(outcome.event.id): None, ACTIVE: None})
        await state.set_state(None)
        await message.answer(clip_html(_summary(outcome, t)))
        return
    at = outcome.progress
    text, markup = question_view(outcome.event, outcome.template, at.index, t, at.chosen)
    if edit:
        await edit_in_place(message, text, markup)
        shown = message
    else:
        shown = await message.answer(text, reply_markup=markup)
    buttons_on = shown.message_id if any(markup.inline_keyboard) else None
    await _keep(state, outcome.event.id, at, buttons_on)


def _alert(callback_answer: CallbackAnswer, text: str) -> None:
    callback_answer.text = clip(text, CALLBACK_ANSWER_LIMIT)
    callback_answer.show_alert = True


def _summary(finished: Finished, t: Translator) -> str:
    lines = [t("sv.thanks", title=finished.event.title(t.language))]
    for question in finished.template.questions:
        answer = _describe(question, finished.answers.get(question.id), t)
        lines.append(t("sv.summary_line", question=question.label(t.language), answer=answer))
    return "\n".join(lines)


def _describe(question: Question, answer: Answer | None, t: Translator) -> str:
    if answer is None:
        return t("sv.skipped")
    if question.kind is QuestionKind.YESNO:
        return t("common.yes") if answer.number else t("common.no")
    if question.kind is QuestionKind.SCALE and answer.number is not None:
        return str(int(answer.number))
    if answer.choices:
        labels = [
            t("sv.btn.other")
            if choice == flow.OTHER
            else (option.label(t.language) if (option := question.option(choice)) else choice)
            for choice in answer.choices
        ]
        if answer.text:
            labels.append(clip(answer.text, 200))
        return ", ".join(labels)
    if question.kind is QuestionKind.MULTI and not answer.text:
        return t("sv.nothing_chosen")
    return clip(answer.text or "", 200)
