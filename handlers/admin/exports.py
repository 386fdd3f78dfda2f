"""Workbooks a coordinator downloads from the panel: the attendance sheet of an event and the
project report. They are built in worker threads, so the bot keeps answering everyone
(the coordinator included) meanwhile."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.clock import Clock
from bot.errors import StaleButtonError
from bot.events.model import Event, Project
from bot.events.service import EventService
from bot.platform.telegram_text import CALLBACK_ANSWER_LIMIT, clip
from bot.reference import Reference
from bot.reports.project import ReportContext
from bot.reports.runner import ProjectReport, ReportRunner
from bot.reports.service import ReportService
from bot.texts import Translator
from handlers.admin.callbacks import ExportCallback, ProjectExportCallback
from handlers.filters import EventFromButton
from surveys.templates import SurveyTemplate


def export_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    data = ExportCallback(event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("rep.btn.attendance"), callback_data=data)]


def project_export_button(project: Project, t: Translator) -> list[InlineKeyboardButton]:
    data = ProjectExportCallback(project_id=project.id).pack()
    return [InlineKeyboardButton(text=t("rep.btn.project"), callback_data=data)]


def build_router() -> Router:
    router = Router(name="admin-exports")

    @router.callback_query(
        ExportCallback.filter(), F.message.as_("message"), EventFromButton(drafts=True)
    )
    async def attendance(
        query: CallbackQuery,
        message: Message,
        event: Event,
        t: Translator,
        tz: ZoneInfo,
        reference: Reference,
        reporting: ReportService,
    ) -> None:
        name, data = await reporting.attendance_sheet(event, t.plain, t.language, reference, tz)
        await message.answer_document(
            BufferedInputFile(data, filename=name), caption=t("rep.attendance_caption")
        )

    @router.callback_query(ProjectExportCallback.filter(), F.message.as_("message"))
    async def project_report(
        query: CallbackQuery,
        callback_data: ProjectExportCallback,
        callback_answer: CallbackAnswer,
        message: Message,
        bot: Bot,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        reference: Reference,
        survey_templates: dict[str, SurveyTemplate],
        reports: ReportRunner,
        events: EventService,
        reporting: ReportService,
    ) -> None:
        project = await events.project(callback_data.project_id)
        if project is None:
            raise StaleButtonError(query.data or "")
        chat_id = message.chat.id
        ctx = ReportContext(t.plain, t.language, reference, survey_templates, tz, clock.now())

        async def deliver(report: ProjectReport) -> None:
            summary = report.summary
            await bot.send_document(
                chat_id,
                BufferedInputFile(report.data, filename=report.file_name),
                caption=t(
                    "rep.project_caption",
                    title=summary.title,
                    held=summary.events_held,
                    people=summary.people,
                    attendances=summary.attendances,
                    responses=summary.responses,
                ),
            )

        async def fail(_: BaseException) -> None:
            await bot.send_message(chat_id, t("rep.failed"))

        started = reports.start(
            ("project", project.id, chat_id),
            lambda: reporting.project_report(project.id, ctx, reports.stopping),
            deliver,
            fail,
        )
        callback_answer.text = clip(
            t("rep.preparing" if started else "rep.busy"), CALLBACK_ANSWER_LIMIT
        )

    return router
