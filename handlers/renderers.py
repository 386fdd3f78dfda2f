"""Every kind of message the sender (bot/outbox.py) delivers, and who writes its text."""

from __future__ import annotations

from bot.outgoing import Renderer
from handlers.admin.applications import render_decision
from handlers.admin.event_notices import render_event_cancelled, render_event_changed
from handlers.admin.messages import render_coordinator_message
from handlers.reminders import render_reminder
from handlers.survey import render_invitation, render_nudge


def build_renderers() -> dict[str, Renderer]:
    return {
        "reminder": render_reminder,
        "event_changed": render_event_changed,
        "event_cancelled": render_event_cancelled,
        "application_decision": render_decision,
        "coordinator_message": render_coordinator_message,
        "survey_invitation": render_invitation,
        "survey_nudge": render_nudge,
    }
