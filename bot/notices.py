"""The kinds of notice the sender delivers: one name per kind, shared by the code that queues a
notice and the renderer table that writes its text (handlers/renderers.py; a test checks that
every kind has a renderer). The values are stored in outbox_jobs.kind."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    APPLICATION_DECISION = "application_decision"
    COORDINATOR_MESSAGE = "coordinator_message"
    SURVEY_INVITATION = "survey_invitation"
    SURVEY_NUDGE = "survey_nudge"
