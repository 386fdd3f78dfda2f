"""Buttons the coordinator panel shows, gathered from every feature.

A feature contributes a function that returns its buttons, and adds it to the matching tuple
below; the panel renders them in this order. Keeping the list here means the panel never needs
to know what each feature does.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardButton

from bot.events.model import Event, Project
from bot.texts import Translator
from handlers.admin.applications import applications_button
from handlers.admin.exports import export_button, project_export_button
from handlers.admin.messages import message_button
from handlers.admin.share import share_button
from handlers.admin.survey_results import results_button
from handlers.admin.team import team_button

PanelButtons = Callable[[Translator], list[InlineKeyboardButton]]
ProjectButtons = Callable[[Project, Translator], list[InlineKeyboardButton]]
EventButtons = Callable[[Event, Translator], list[InlineKeyboardButton]]

PANEL_BUTTONS: tuple[PanelButtons, ...] = (team_button,)
PROJECT_BUTTONS: tuple[ProjectButtons, ...] = (project_export_button,)
EVENT_BUTTONS: tuple[EventButtons, ...] = (
    share_button,
    applications_button,
    message_button,
    results_button,
    export_button,
)
