"""The coordinator's short survey summary for an event: the response rate, the average of
each scale question, the share of "yes", and counts per option. The full analysis by district
goes to the Excel report."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.errors import StaleButtonError
from bot.events.model import Event
from bot.events.store import get_event
from bot.platform.db import Database
from bot.platform.telegram_text import clip_html
from bot.registration import store as registrations_store
from bot.texts import Translator
from handlers.admin.callbacks import EventAdminAction, EventAdminCallback
from handlers.ui.callbacks import Id
from handlers.ui.editing import edit_in_place
from surveys import flow, store
from surveys.templates import Question, QuestionKind, SurveyTemplate


class SurveyResultsCallback(CallbackData, prefix="Asv"):
    event_id: Id


def results_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    if event.survey_template is None:
        return []
    data = SurveyResultsCallback(event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("svr.btn"), callback_data=data)]


def build_router() -> Router:
    router = Router(name="admin-survey-results")

    @router.callback_query(SurveyResultsCallback.filter(), F.message.as_("message"))
    async def results(
        query: CallbackQuery,
        callback_data: SurveyResultsCallback,
        message: Message,
        db: Database,
        t: Translator,
        survey_templates: dict[str, SurveyTemplate],
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None or event.survey_template not in survey_templates:
            raise StaleButtonError(query.data or "")
        template = survey_templates[event.survey_template]
        invited = len(await registrations_store.survey_audience(db, event.id))
        completed, per_question = await store.summary(db, event.id)
        rate = round(100 * completed / invited) if invited else 0
        lines = [
            t("svr.head", title=event.title_ru, completed=completed, invited=invited, rate=rate)
        ]
        for question in template.questions:
            found = per_question.get(question.id)
            label = question.label(t.language)
            if found is None:
                lines.append(t("svr.none", question=label))
            elif question.kind is QuestionKind.SCALE and found.average is not None:
                lines.append(
                    t(
                        "svr.scale",
                        question=label,
                        average=f"{found.average:.2f}",
                        n=found.answered,
                        high=question.scale_max,
                    )
                )
            elif question.kind is QuestionKind.YESNO and found.average is not None:
                lines.append(
                    t("svr.yesno", question=label, yes=round(100 * found.average), n=found.answered)
                )
            elif found.counts:
                options = ", ".join(
                    f"{_option_label(question, key, t)}: {count}"
                    for key, count in sorted(found.counts.items(), key=lambda item: -item[1])
                )
                lines.append(t("svr.choices", question=label, options=options))
            else:
                lines.append(t("svr.texts", question=label, n=found.answered))
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("adm.btn.back_event"),
            callback_data=EventAdminCallback(action=EventAdminAction.OPEN, event_id=event.id),
        )
        await edit_in_place(message, clip_html("\n".join(lines)), builder.as_markup())

    return router


def _option_label(question: Question, key: str, t: Translator) -> str:
    if key == flow.OTHER:
        return t("sv.btn.other")
    option = question.option(key)
    return option.label(t.language) if option else key
