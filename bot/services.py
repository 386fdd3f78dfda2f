"""The use-case services, built once per process: by the bot (bot/app.py) and by the command
line (bot/cli/plan.py), so both run every change the same way. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.audit_log.service import AuditLogService
from bot.broadcasts.service import BroadcastService
from bot.checkin.service import CheckinService
from bot.clock import Clock
from bot.config import Settings
from bot.events.service import EventService
from bot.notice_queue import NoticeQueue
from bot.people.service import PeopleService
from bot.platform.db import Database
from bot.registration.service import RegistrationService
from bot.reports.service import ReportService
from surveys.service import SurveyService
from surveys.templates import load_templates


@dataclass(frozen=True)
class Services:
    queue: NoticeQueue
    registration: RegistrationService
    events: EventService
    people: PeopleService
    checkin: CheckinService
    broadcasts: BroadcastService
    reporting: ReportService
    surveys: SurveyService
    audit_log: AuditLogService


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    queue = NoticeQueue(db, clock, settings.quiet_hours)
    registration = RegistrationService(db, queue, clock, settings.offer_policy)
    return Services(
        queue,
        registration,
        EventService(db, queue, clock, registration),
        PeopleService(db, queue, clock, settings, registration),
        CheckinService(db, clock),
        BroadcastService(db, queue, clock),
        ReportService(db, clock),
        # A broken questionnaire stops the bot at start-up, not in front of a participant.
        SurveyService(db, clock, load_templates()),
        AuditLogService(db, settings.admin_ids),
    )
