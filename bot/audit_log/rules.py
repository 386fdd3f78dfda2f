"""What an audit row says, as a catalog key and its values: plain Python, no texts. Every
action kind written by `bot.audit.record(` has its line; a kind added later without one reads
as a generic change rather than its internal name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Event columns named by their form field (adm.field.<field>); the survey timing is one field
# over three columns.
_EVENT_COLUMN_FIELDS = {
    "survey_delay_minutes": "survey_timing",
    "survey_nudge_minutes": "survey_timing",
    "survey_close_minutes": "survey_timing",
}
_EVENT_FIELDS = (
    "title_ru", "title_kk", "description_ru", "description_kk", "type", "starts_at", "ends_at",
    "place", "district", "capacity", "registration_deadline", "by_application",
    "reminder_minutes", "survey_template", "survey_anonymous", "survey_timing",
    "checkin_margin_minutes",
)  # fmt: skip
_PROJECT_FIELDS = ("title_ru", "title_kk", "funder", "period", "plan", "reach")

# Kinds whose line needs nothing from the details.
_FIXED = {
    "project.create": "project_create",
    "event.create": "event_create",
    "event.publish": "event_publish",
    "application.confirmed": "application_confirmed",
    "application.reserve": "application_reserve",
    "application.rejected": "application_rejected",
    "checkin.list": "checkin_list",
    "checkin.walkin": "checkin_walkin",
}
# Kinds whose line is a count: the details key it is read from.
_COUNTED = {
    "plan.import": "events",
    "event.cancel": "told",
    "message.send": "recipients",
    "application.approve_first": "users",
}


@dataclass(frozen=True)
class Line:
    """audit.what.<key>; with `count`, a plural text; `fields` are catalog keys of the fields
    changed, listed in the text as {fields}."""

    key: str
    count: int | None = None
    fields: tuple[str, ...] = field(default=())


OTHER = Line("other")


def describe(action: str, details: dict[str, Any]) -> Line:
    if action in _FIXED:
        return Line(_FIXED[action])
    if action in _COUNTED:
        return _counted(action, details.get(_COUNTED[action]))
    if action == "event.walkins":
        return Line("walkins_on" if details.get("allowed") else "walkins_off")
    if action == "event.edit":
        return _fields("event_edit", "adm.field", event_fields(details))
    if action == "project.edit":
        changed = details.get("field")
        return _fields(
            "project_edit", "proj.field", [changed] if changed in _PROJECT_FIELDS else []
        )
    return OTHER


def event_fields(details: dict[str, Any]) -> list[str]:
    """The form fields an event edit changed, in form order, each once."""
    named = {_EVENT_COLUMN_FIELDS.get(column, column) for column in details}
    return [name for name in _EVENT_FIELDS if name in named]


def _counted(action: str, value: object) -> Line:
    count = len(value) if isinstance(value, list) else value
    if not isinstance(count, int) or isinstance(count, bool):
        return OTHER
    return Line(action.replace(".", "_"), count=count)


def _fields(key: str, prefix: str, names: list[str]) -> Line:
    if not names:
        return Line(f"{key}_other")
    return Line(key, fields=tuple(f"{prefix}.{name}" for name in names))
