"""Workbooks a coordinator downloads from the panel. They are built in a worker thread, so
the bot keeps answering everyone else meanwhile."""

from __future__ import annotations

import asyncio
import re
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardButton, Message

from bot.clock import Clock, format_local
from bot.db import Database
from bot.errors import StaleButtonError
from bot.events import Event
from bot.i18n import Translator
from bot.reference import Reference
from bot.reports.attendance import AttendanceRow, SheetTexts, build_attendance
from bot.repositories.events import get_event
from bot.repositories.reports import attendance_records

HEADER_KEYS = (
    "no", "name", "phone", "organisation", "category", "district", "status", "registered",
    "present", "checked_in", "method", "signature",
)  # fmt: skip


class ExportCallback(CallbackData, prefix="Arep"):
    event_id: int


def export_button(event: Event, t: Translator) -> list[InlineKeyboardButton]:
    data = ExportCallback(event_id=event.id).pack()
    return [InlineKeyboardButton(text=t("rep.btn.attendance"), callback_data=data)]


def file_name(title: str, when: str, kind: str) -> str:
    """Latin, Cyrillic and Kazakh letters kept; anything a file system dislikes replaced."""
    safe = re.sub(r"[^\w\-]+", "_", title, flags=re.UNICODE).strip("_")[:60]
    return f"{kind}_{safe}_{when}.xlsx"


def build_router() -> Router:
    router = Router(name="admin-exports")

    @router.callback_query(ExportCallback.filter(), F.message.as_("message"))
    async def attendance(
        query: CallbackQuery,
        callback_data: ExportCallback,
        message: Message,
        db: Database,
        t: Translator,
        tz: ZoneInfo,
        clock: Clock,
        reference: Reference,
    ) -> None:
        event = await get_event(db, callback_data.event_id)
        if event is None:
            raise StaleButtonError(query.data or "")
        records = await attendance_records(db, event.id)
        rows = [
            AttendanceRow(
                full_name=record.full_name or t("adm.list.deleted"),
                phone=record.phone or "",
                organisation=record.organisation or "",
                category=reference.categories.label(record.category, t.language),
                district=reference.districts.label(record.district, t.language),
                status=t(f"plist.status.{record.status}") if record.status else t("rep.walkin"),
                registered_at=record.registered_at,
                present=record.checked_in_at is not None,
                checked_in_at=record.checked_in_at,
                method=t(f"adm.method.{record.method}") if record.method else "",
            )
            for record in records
        ]
        title = t(
            "rep.attendance_title",
            title=event.title(t.language),
            when=format_local(event.starts_at, tz),
            place=event.place or "—",
        )
        texts = SheetTexts(
            sheet=t("rep.attendance_sheet"),
            title=title,
            headers=tuple(t(f"rep.col.{key}") for key in HEADER_KEYS),
            yes=t("common.yes"),
            no=t("common.no"),
        )
        data = await asyncio.to_thread(build_attendance, event, rows, texts, tz)
        day = f"{event.starts_at.astimezone(tz):%Y-%m-%d}"
        name = file_name(event.title(t.language), day, t("rep.file_attendance"))
        await message.answer_document(
            BufferedInputFile(data, filename=name), caption=t("rep.attendance_caption")
        )

    return router
