"""Every kind of message the sender (bot/platform/outbox.py) delivers, and who writes its text."""

from __future__ import annotations

from bot.notices import NoticeKind
from bot.platform.outgoing import Renderer
from handlers.admin.applications import render_decision
from handlers.admin.event_notices import render_event_cancelled, render_event_changed
from handlers.admin.messages import render_coordinator_message
from handlers.offer_notices import render_offer_lapsed
from handlers.reminders import render_promotion, render_reminder
from handlers.survey import render_invitation, render_nudge


def build_renderers() -> dict[NoticeKind, Renderer]:
    return {
        NoticeKind.REMINDER: render_reminder,
        NoticeKind.PROMOTION: render_promotion,
        NoticeKind.OFFER_LAPSED: render_offer_lapsed,
        NoticeKind.EVENT_CHANGED: render_event_changed,
        NoticeKind.EVENT_CANCELLED: render_event_cancelled,
        NoticeKind.APPLICATION_DECISION: render_decision,
        NoticeKind.COORDINATOR_MESSAGE: render_coordinator_message,
        NoticeKind.SURVEY_INVITATION: render_invitation,
        NoticeKind.SURVEY_NUDGE: render_nudge,
    }
