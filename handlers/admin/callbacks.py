"""Callback data of the coordinator screens; every prefix starts with "A" so the deny router
can refuse a forged one from a participant."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from aiogram.filters.callback_data import CallbackData
from pydantic_core import PydanticUndefined

# Re-exported: the edit-field screen and its tests name it from here.
from bot.events.form import EventField as EventField
from handlers.ui.callbacks import Id, Position


def _with_defaults(factory: type[CallbackData], value: str) -> str:
    """Data packed before a factory's last fields were added, completed with their defaults,
    so buttons already in chats keep working."""
    parts = value.split(factory.__separator__)
    fields = list(factory.model_fields.values())
    missing = fields[len(parts) - 1 :]
    if len(parts) > 1 and all(f.default is not PydanticUndefined for f in missing):
        parts += [str(f.default) for f in missing]
    return factory.__separator__.join(parts)


class PanelAction(StrEnum):
    HOME = "h"
    PROJECTS = "p"
    NEW_PROJECT = "n"


class PanelCallback(CallbackData, prefix="Ap"):
    action: PanelAction
    page: Position = 0  # of the project list

    @classmethod
    def unpack(cls, value: str) -> Self:
        return super().unpack(_with_defaults(cls, value))


class ProjectAction(StrEnum):
    OPEN = "o"
    NEW_EVENT = "e"
    IMPORT = "i"
    EDIT = "d"  # which field to change


class ProjectCallback(CallbackData, prefix="Apr"):
    action: ProjectAction
    project_id: Id
    page: Position = 0  # of the project's event list
    event_id: Id = 0  # when set, the page of the event list holding this event (the way back)

    @classmethod
    def unpack(cls, value: str) -> Self:
        return super().unpack(_with_defaults(cls, value))


class ProjectField(StrEnum):
    TITLE_RU = "title_ru"
    TITLE_KK = "title_kk"
    FUNDER = "funder"
    PERIOD = "period"
    PLAN = "plan"
    REACH = "reach"


class ProjectFieldCallback(CallbackData, prefix="Apf"):
    project_id: Id
    field: ProjectField


class EventAdminAction(StrEnum):
    OPEN = "o"
    PUBLISH = "p"
    CANCEL = "c"
    CANCEL_CONFIRM = "x"
    EDIT = "e"
    LIST = "l"
    CHECKIN = "q"
    WALKINS = "w"  # lets people check in without registering, or stops it
    ADD_WALKIN = "a"  # someone without Telegram, by name
    CARDS = "k"  # the participant list, each name opening the person's card


class EventAdminCallback(CallbackData, prefix="Aev"):
    action: EventAdminAction
    event_id: Id
    page: Position = 0


class EditFieldCallback(CallbackData, prefix="Aef"):
    event_id: Id
    field: EventField


class MarkCallback(CallbackData, prefix="Amk"):
    registration_id: Id  # names the event and the person in one number
    page: Position = 0


class Decision(StrEnum):
    APPROVE = "a"
    RESERVE = "r"
    REJECT = "x"


class ApplicationCallback(CallbackData, prefix="Aap"):
    registration_id: Id
    decision: Decision


class ApplicationsCallback(CallbackData, prefix="Aas"):
    event_id: Id
    approve_all: bool = False


class TeamAction(StrEnum):
    LIST = "l"
    INVITE = "i"
    REMOVE = "r"


class TeamCallback(CallbackData, prefix="Ac"):
    action: TeamAction
    user_id: Id = 0


class MessageStep(StrEnum):
    START = "s"
    CONFIRMED = "c"  # audience: registered
    WAITING = "w"  # audience: waiting list and offers
    PRESENT = "p"  # audience: checked in
    SEND = "go"
    DROP = "x"
    PROGRESS = "r"


class MessageCallback(CallbackData, prefix="Amsg"):
    step: MessageStep
    event_id: Id
    job_id: Id = 0


class CardCallback(CallbackData, prefix="Apc"):
    registration_id: Id
    page: Position = 0


class SurveyResultsCallback(CallbackData, prefix="Asv"):
    event_id: Id


class ExportCallback(CallbackData, prefix="Arep"):
    """The attendance sheet of an event."""

    event_id: Id


class ProjectExportCallback(CallbackData, prefix="Aprep"):
    """The project report."""

    project_id: Id


class ShareAction(StrEnum):
    LINK = "l"  # the registration link, the poster and the share button
    POSTER = "q"  # the poster PNG: the link's QR code with the title, date and place


class ShareCallback(CallbackData, prefix="Ash"):
    """The event's registration link, t.me/<bot>?start=e_<code> (never the check-in link)."""

    action: ShareAction
    event_id: Id


class HistoryScope(StrEnum):
    PROJECT = "p"  # the project's own changes and its events'
    EVENT = "e"


class HistoryCallback(CallbackData, prefix="Alog"):
    """A page of the change history (the audit log) of a project or an event."""

    scope: HistoryScope
    object_id: Id
    page: Position = 0
