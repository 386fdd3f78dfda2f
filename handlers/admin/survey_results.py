"""The coordinator's short survey summary for an event: the response rate, the average of
each scale question, the share of "yes", and counts per option. The full analysis by district
goes to the Excel report."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.platform.telegram_text import clip_html
from bot.texts import Translator
from handlers.admin.callbacks import EventAdminAction, EventAdminCallback, SurveyResultsCallback
from handlers.ui.editing import edit_in_place
from surveys import flow
from surveys.flow import QuestionSummary
from surveys.service import Results, SurveyService
from surveys.templates import Question, QuestionKind


def results_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    if event.survey_template is None:
        return []
    data = SurveyResultsCallback(event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("svr.btn"), callback_data=data)]


async def results(
    query: CallbackQuery,
    callback_data: SurveyResultsCallback,
    message: Message,
    t: Translator,
    surveys: SurveyService,
) -> None:
    found = await surveys.results(callback_data.event_id)
    if found is None:
        raise StaleButtonError(query.data or "")
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("adm.btn.back_event"),
        callback_data=EventAdminCallback(action=EventAdminAction.OPEN, event_id=found.event.id),
    )
    await edit_in_place(message, clip_html(_summary(found, t)), builder.as_markup())


def build_router() -> Router:
    router = Router(name="admin-survey-results")
    router.callback_query.register(
        results, SurveyResultsCallback.filter(), F.message.as_("message")
    )
    return router


def _summary(found: Results, t: Translator) -> str:
    head = t(
        "svr.head",
        title=found.event.title(t.language),
        completed=found.completed,
        invited=found.invited,
        rate=found.rate,
    )
    lines = [head]
    for question in found.template.questions:
        lines.append(_line(question, found.per_question.get(question.id), t))
    return "\n".join(lines)


def _line(question: Question, found: QuestionSummary | None, t: Translator) -> str:
    label = question.label(t.language)
    if found is None:
        return t("svr.none", question=label)
    if question.kind is QuestionKind.SCALE and found.average is not None:
        return t(
            "svr.scale",
            question=label,
            average=f"{found.average:.2f}",
            n=found.answered,
            high=question.scale_max,
        )
    if question.kind is QuestionKind.YESNO and found.average is not None:
        return t("svr.yesno", question=label, yes=round(100 * found.average), n=found.answered)
    if found.counts:
        options = ", ".join(
            f"{_option_label(question, key, t)}: {count}"
            for key, count in sorted(found.counts.items(), key=lambda item: -item[1])
        )
        return t("svr.choices", question=label, options=options)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        # Answered, with none of the options ticked.
        return t("svr.choices", question=label, options=t("sv.nothing_chosen"))
    return t.plural("svr.texts", found.answered, question=label)


def _option_label(question: Question, key: str, t: Translator) -> str:
    if key == flow.OTHER:
        return t("sv.btn.other")
    option = question.option(key)
    return option.label(t.language) if option else key
