"""What an event is, independent of storage and Telegram."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class EventType(StrEnum):
    SEMINAR = "seminar"
    TRAINING = "training"
    STUDY_TOUR = "study_tour"
    WORKING_MEETING = "working_meeting"
    ROUND_TABLE = "round_table"
    CONFERENCE = "conference"
    FORUM = "forum"
    OTHER = "other"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Project:
    """A funded programme the events belong to; the funder's report is made per project."""

    id: int
    title_ru: str
    title_kk: str | None
    funder: str
    starts_on: date | None
    ends_on: date | None

    def title(self, language: str) -> str:
        return self.title_kk if language == "kk" and self.title_kk else self.title_ru


@dataclass(frozen=True)
class ProjectPlan:
    """What a project promised its funder: events per format and the unique people reached."""

    events: Mapping[str, int] = field(default_factory=dict)  # by EventType value
    reach: int | None = None


@dataclass(frozen=True)
class NewProject:
    title_ru: str
    title_kk: str | None = None
    funder: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    plan: ProjectPlan = field(default_factory=ProjectPlan)


DEFAULT_REMINDER_MINUTES = (24 * 60, 2 * 60)


@dataclass(frozen=True)
class Event:
    id: int
    project_id: int
    code: str
    type: EventType
    title_ru: str
    title_kk: str | None
    description_ru: str | None
    description_kk: str | None
    starts_at: datetime
    ends_at: datetime
    place: str
    district: str | None
    capacity: int | None
    registration_deadline: datetime | None
    by_application: bool
    status: EventStatus
    reminder_minutes: tuple[int, ...]
    survey_template: str | None
    survey_anonymous: bool
    survey_delay_minutes: int
    survey_nudge_minutes: int
    survey_close_minutes: int
    checkin_code: str | None
    checkin_margin_minutes: int
    walkins_allowed: bool

    def title(self, language: str) -> str:
        """The title in the reader's language, or the other one when that is missing."""
        if language == "kk" and self.title_kk:
            return self.title_kk
        return self.title_ru

    def description(self, language: str) -> str | None:
        preferred, other = (
            (self.description_kk, self.description_ru)
            if language == "kk"
            else (self.description_ru, self.description_kk)
        )
        return preferred or other

    def listed_for_participants(self) -> bool:
        """Drafts are the coordinators' business; cancelled events still show, marked
        cancelled."""
        return self.status is not EventStatus.DRAFT

    def registration_open(self, now: datetime) -> bool:
        if self.status is not EventStatus.PUBLISHED or now >= self.starts_at:
            return False
        return self.registration_deadline is None or now < self.registration_deadline
