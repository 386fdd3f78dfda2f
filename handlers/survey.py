"""Answering the feedback questionnaire: one question per message, buttons for scales,
yes/no and choices, typed text for open questions, Skip for optional ones, Back to change the
previous answer. Every answer is saved as it is given; the place in the questionnaire lives
in the FSM, so the survey resumes at the same question after a restart. One response per
person and event; after the survey closes, answers are refused politely."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot.clock import Clock, format_local
from bot.events.model import Event
from bot.events.store import get_event
from bot.people.users import UserRecord
from bot.platform.db import Database
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip, clip_html
from bot.texts import Translator
from handlers.ui.callbacks import Id, Position
from handlers.ui.editing import edit_in_place
from surveys import flow, store
from surveys.flow import Answer
from surveys.templates import Question, QuestionKind, SurveyTemplate

START, SKIP, BACK, DONE = "s", "-", "<", "!"
ACTIVE = "survey_active"
SURVEY_DESTINY = "survey"


class SurveyCallback(CallbackData, prefix="sv"):
    event_id: Id
    index: Position
    value: str = Field(max_length=8)


class SurveyForm(StatesGroup):
    answering = State()


def _slot(event_id: int) -> str:
    return f"survey:{event_id}"


def progress(state: FSMContext) -> FSMContext:
    """The questionnaires in progress, in an FSM namespace of their own: any other form may
    clear its data without losing a half-answered questionnaire. (Erasure reads the
    "survey:<event id>" slots to find the person's unfinished questionnaire.)"""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=SURVEY_DESTINY))


def invitation_keyboard(t: Translator, event_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("sv.btn.start"),
        callback_data=SurveyCallback(event_id=event_id, index=0, value=START),
    )
    return builder.as_markup()


async def _render(ctx: RenderContext, key: str) -> OutgoingMessage | None:
    event = await get_event(ctx.db, int(ctx.payload["event_id"]))
    if (
        event is None
        or not flow.is_open(event, ctx.now)
        or await store.has_completed(ctx.db, event.id, ctx.user.id)
    ):
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
        f"<b>{t('sv.question', text=question.label(t.language))}</b>",
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


def build_router() -> Router:
    router = Router(name="survey")

    async def load(
        db: Database, event_id: int, templates: dict[str, SurveyTemplate]
    ) -> tuple[Event, SurveyTemplate] | None:
        event = await get_event(db, event_id)
        if event is None or event.survey_template not in templates:
            return None
        return event, templates[event.survey_template]

    async def advance(
        message: Message,
        state: FSMContext,
        event: Event,
        template: SurveyTemplate,
        index: int,
        user: UserRecord,
        t: Translator,
        db: Database,
        clock: Clock,
        *,
        edit: bool,
    ) -> None:
        slot = dict((await progress(state).get_data()).get(_slot(event.id)) or {})
        if index >= len(template.questions):
            await finish(message, state, event, template, slot, user, t, db, clock)
            return
        slot.update(index=index, chosen=[], other=False)
        await state.set_state(SurveyForm.answering)
        await progress(state).update_data({_slot(event.id): slot, ACTIVE: event.id})
        text, markup = question_view(event, template, index, t)
        if edit:
            await edit_in_place(message, text, markup)
        else:
            await message.answer(text, reply_markup=markup)

    async def finish(
        message: Message,
        state: FSMContext,
        event: Event,
        template: SurveyTemplate,
        slot: dict[str, Any],
        user: UserRecord,
        t: Translator,
        db: Database,
        clock: Clock,
    ) -> None:
        response_id = int(slot["response"])
        given = await store.answers(db, response_id)
        first = await store.complete(
            db, response_id, event.id, user.id, clock.now(), anonymous=event.survey_anonymous
        )
        # The link from person to response exists only here, and goes now.
        await progress(state).update_data({_slot(event.id): None, ACTIVE: None})
        await state.set_state(None)
        if not first:
            await message.answer(t("sv.already"))
            return
        lines = [t("sv.thanks", title=event.title(t.language))]
        for question in template.questions:
            lines.append(
                t(
                    "sv.summary_line",
                    question=question.label(t.language),
                    answer=_describe(question, given.get(question.id), t),
                )
            )
        await message.answer(clip_html("\n".join(lines)))

    @router.callback_query(SurveyCallback.filter(), F.message.as_("message"))
    async def press(
        query: CallbackQuery,
        callback_data: SurveyCallback,
        message: Message,
        state: FSMContext,
        user: UserRecord,
        t: Translator,
        db: Database,
        clock: Clock,
        survey_templates: dict[str, SurveyTemplate],
        callback_answer: CallbackAnswer,
    ) -> None:
        loaded = await load(db, callback_data.event_id, survey_templates)
        if loaded is None:
            callback_answer.text = clip(t("sv.gone"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        event, template = loaded
        now = clock.now()
        if not flow.is_open(event, now):
            callback_answer.text = clip(t("sv.closed"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        if await store.has_completed(db, event.id, user.id):
            callback_answer.text = clip(t("sv.already"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        slot = dict((await progress(state).get_data()).get(_slot(event.id)) or {})
        value = callback_data.value
        if value == START:
            if not slot.get("response"):
                anonymous_id = None if event.survey_anonymous else user.id
                slot["response"] = await store.start_response(
                    db, event.id, template.id, anonymous_id, user.district, user.category, now
                )
                slot["index"] = 0
                await progress(state).update_data({_slot(event.id): slot})
            if event.survey_anonymous:
                await message.answer(t("sv.anonymous"))
            await advance(
                message,
                state,
                event,
                template,
                int(slot.get("index", 0)),
                user,
                t,
                db,
                clock,
                edit=False,
            )
            return
        if callback_data.index != slot.get("index") or not slot.get("response"):
            callback_answer.text = clip(t("sv.stale"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        index = callback_data.index
        question = template.questions[index]
        response_id = int(slot["response"])
        if value == BACK:
            await advance(
                message, state, event, template, max(index - 1, 0), user, t, db, clock, edit=True
            )
            return
        if value == SKIP and question.optional:
            await store.forget_answer(db, response_id, question.id)
            await advance(message, state, event, template, index + 1, user, t, db, clock, edit=True)
            return
        try:
            if question.kind is QuestionKind.MULTI and value != DONE:
                chosen = flow.toggle(question, tuple(slot.get("chosen") or ()), value)
                slot["chosen"] = list(chosen)
                await progress(state).update_data({_slot(event.id): slot})
                text, markup = question_view(event, template, index, t, chosen)
                await edit_in_place(message, text, markup)
                return
            if question.kind is QuestionKind.MULTI:
                chosen = tuple(slot.get("chosen") or ())
                if not chosen and not question.optional:
                    raise flow.AnswerError("choose_one")
                answer = Answer(choices=chosen)
                if flow.OTHER in chosen:
                    # The choices are saved now; the "other" text comes in the next message.
                    await store.save_answer(db, response_id, question.id, answer)
                    slot["other"] = True
                    await progress(state).update_data({_slot(event.id): slot})
                    await edit_in_place(message, t("sv.ask_other"))
                    return
            else:
                answer = flow.button_answer(question, value)
        except flow.AnswerError as error:
            callback_answer.text = clip(t(f"sv.error.{error.reason}"), CALLBACK_ANSWER_LIMIT)
            callback_answer.show_alert = True
            return
        await store.save_answer(db, response_id, question.id, answer)
        await advance(message, state, event, template, index + 1, user, t, db, clock, edit=True)

    @router.message(StateFilter(SurveyForm.answering), ~F.text.startswith("/"))
    async def typed(
        message: Message,
        state: FSMContext,
        user: UserRecord,
        t: Translator,
        db: Database,
        clock: Clock,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        data = await progress(state).get_data()
        loaded = await load(db, int(data.get(ACTIVE) or 0), survey_templates)
        if loaded is None:
            await state.set_state(None)
            await message.answer(t("sv.gone"))
            return
        event, template = loaded
        slot = dict(data.get(_slot(event.id)) or {})
        if not flow.is_open(event, clock.now()):
            await state.set_state(None)
            await message.answer(t("sv.closed"))
            return
        index = int(slot.get("index", 0))
        question = template.questions[index]
        if slot.get("other"):
            chosen = tuple(slot.get("chosen") or ())
            text = (message.text or "").strip()
            if not text:
                await message.answer(t("sv.error.empty"))
                return
            if len(text) > question.max_length:
                await message.answer(t("sv.error.too_long", limit=question.max_length))
                return
            answer = Answer(choices=chosen, text=text)
            await store.save_answer(db, int(slot["response"]), question.id, answer)
            slot["other"] = False
            await progress(state).update_data({_slot(event.id): slot})
            await advance(
                message, state, event, template, index + 1, user, t, db, clock, edit=False
            )
            return
        try:
            answer = flow.text_answer(question, message.text or "")
        except flow.AnswerError as error:
            await message.answer(t(f"sv.error.{error.reason}", limit=question.max_length))
            return
        await store.save_answer(db, int(slot["response"]), question.id, answer)
        await advance(message, state, event, template, index + 1, user, t, db, clock, edit=False)

    return router


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
    return clip(answer.text or "", 200)
