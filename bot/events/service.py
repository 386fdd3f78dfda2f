"""The coordinator's use cases on projects and events, one method each: read, decide, write,
the audit row and the notices to participants in one write transaction. The people told are
read inside it, so whoever registers while an event is being moved or cancelled is either told
or finds registration closed. The chat and the command line call the same methods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from bot import audit
from bot.checkin import store as checkins
from bot.clock import Clock
from bot.events import catalogue, store
from bot.events.catalogue import CatalogueFilter, Listed
from bot.events.form import PLAN_FIELDS, EventField, ProjectAnswer, plan_of, project_columns
from bot.events.model import Event, EventStatus, EventType, NewProject, Project, ProjectPlan
from bot.events.plan import Target
from bot.events.rules import TOLD_FIELDS, deadline_when_moved, end_when_moved
from bot.events.store import NewEvent
from bot.notices import NoticeKind, Notices
from bot.platform.db import Database
from bot.registration import store as registrations
from bot.registration.rules import RegistrationStatus
from bot.registration.service import RegistrationService

# The actor of a change made from the command line (python -m bot ...), in audit rows.
COMMAND_LINE = 0


class EditRefused(StrEnum):
    GONE = "gone"  # the event no longer exists
    CAPACITY_BELOW = "capacity_below"  # fewer seats than are held
    APPLICATIONS_WAITING = "applications_waiting"  # decide them before opening the event


@dataclass(frozen=True)
class Edited:
    event: Event | None  # as saved; None when refused
    told: int = 0  # participants told of the change
    refused: EditRefused | None = None
    count: int = 0  # seats held (CAPACITY_BELOW) or applications waiting


@dataclass(frozen=True)
class CataloguePage:
    listed: list[Listed]
    total: int  # upcoming events matching the filter, on every page
    page: int  # the page shown: the first, when the one asked for is past the end


@dataclass(frozen=True)
class ProjectPage:
    """A page of a project's events (or of the projects), in the order the screen lists them."""

    events: list[Event]
    total: int  # events in the project, on every page
    page: int  # the page shown: the last, when the one asked for is past the end
    pages: int  # at least 1, even for a project without events
    first: int  # the number the first event on the page has in the whole list, from 1
    plan: ProjectPlan  # the project's planned figures, for its screen


@dataclass(frozen=True)
class ProjectsPage:
    projects: list[Project]
    page: int  # the page shown: the last, when the one asked for is past the end
    pages: int  # at least 1


def _page_of(total: int, page: int, size: int) -> tuple[int, int]:
    """(the page to show, how many pages): a page past the end gives the last."""
    pages = max(1, -(-total // size))
    return min(page, pages - 1), pages


@dataclass(frozen=True)
class Turnout:
    """The coordinator's event screen counts: sign-ups by status, and people checked in."""

    by_status: dict[RegistrationStatus, int]
    present: int


class EventService:
    def __init__(
        self, db: Database, notices: Notices, clock: Clock, registration: RegistrationService
    ) -> None:
        self.db = db
        self.notices = notices
        self.clock = clock
        self.registration = registration

    async def by_code(self, code: str) -> Event | None:
        """The event a deep link's code names."""
        return await store.get_event_by_code(self.db, code)

    async def catalogue_page(
        self, district: str | None, event_type: EventType | None, page: int, size: int
    ) -> CataloguePage:
        """Upcoming published events, nearest first; a page past the end (the events on it
        started or were cancelled since the list was shown) gives the first page."""
        now = self.clock.now()
        wanted = CatalogueFilter(district, event_type.value if event_type else None)
        listed, total = await catalogue.upcoming(self.db, now, wanted, page * size, size)
        if not listed and page > 0:
            page = 0
            listed, total = await catalogue.upcoming(self.db, now, wanted, 0, size)
        return CataloguePage(listed, total, page)

    async def catalogue_facets(self) -> tuple[list[str], list[str]]:
        """The districts and the types upcoming events have, for the filter buttons."""
        return await catalogue.facets(self.db, self.clock.now())

    async def create(self, new: NewEvent, actor: int) -> Event:
        now = self.clock.now()
        async with self.db.write() as conn:
            event_id = await store.insert_event(conn, new, now)
            await audit.record(
                conn, actor, "event.create", f"event:{event_id}", {"title": new.title_ru}, now
            )
            event = await store.event_in(conn, event_id)
        assert event is not None, "inserted in this transaction"
        return event

    async def publish(self, event_id: int, actor: int) -> Event | None:
        """None when the event is no longer a draft: a cancelled one is never brought back."""
        return await self._set(
            event_id, actor, "event.publish", {"status": EventStatus.PUBLISHED}, draft_only=True
        )

    async def allow_walkins(self, event_id: int, allowed: bool, actor: int) -> Event | None:
        return await self._set(
            event_id, actor, "event.walkins", {"walkins_allowed": allowed}, {"allowed": allowed}
        )

    async def _set(
        self,
        event_id: int,
        actor: int,
        action: str,
        changes: dict[str, object],
        details: dict[str, object] | None = None,
        *,
        draft_only: bool = False,
    ) -> Event | None:
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None or (draft_only and event.status is not EventStatus.DRAFT):
                return None
            await store.update_event(conn, event_id, changes, now)
            await audit.record(conn, actor, action, f"event:{event_id}", details or {}, now)
            return await store.event_in(conn, event_id)

    async def cancel(self, event_id: int, actor: int) -> int | None:
        """How many participants are told; None when it is gone or cancelled already."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None or event.status is EventStatus.CANCELLED:
                return None
            people = await registrations.people_to_tell_in(conn, event_id)
            await store.update_event(conn, event_id, {"status": EventStatus.CANCELLED}, now)
            await self._tell(conn, NoticeKind.EVENT_CANCELLED, event_id, people, actor)
            await audit.record(
                conn, actor, "event.cancel", f"event:{event_id}", {"told": len(people)}, now
            )
        if people:
            self.notices.wake()
        return len(people)

    async def edit(self, event_id: int, changes: dict[str, object], actor: int) -> Edited:
        """One field of the coordinator's form (a survey timing is three columns). Moving the
        start keeps the length and drops a deadline the new start passes; closing
        applications waits until none is undecided; capacity never goes below the seats
        held, and seats it frees go down the waiting list. Participants are told of a new
        time or place."""
        now = self.clock.now()
        async with self.db.write() as conn:
            event = await store.event_in(conn, event_id)
            if event is None:
                return Edited(None, refused=EditRefused.GONE)
            changes, details = dict(changes), dict(changes)
            starts_at = changes.get("starts_at")
            if isinstance(starts_at, datetime):
                changes["ends_at"] = end_when_moved(event, starts_at)
                if event.registration_deadline != deadline_when_moved(event, starts_at):
                    changes["registration_deadline"] = None
            if event.by_application and changes.get("by_application") is False:
                waiting = await registrations.undecided_in(conn, event_id)
                if waiting:
                    return Edited(None, refused=EditRefused.APPLICATIONS_WAITING, count=waiting)
            people: list[int] = []
            if "capacity" in changes:
                capacity = changes.pop("capacity")
                assert capacity is None or isinstance(capacity, int)
                change = await self.registration.set_capacity(conn, event, capacity)
                if not change.saved:
                    return Edited(None, refused=EditRefused.CAPACITY_BELOW, count=change.taken)
            if changes:
                if TOLD_FIELDS & changes.keys() and event.status is EventStatus.PUBLISHED:
                    people = await registrations.people_to_tell_in(conn, event_id)
                await store.update_event(conn, event_id, changes, now)
                await self._tell(conn, NoticeKind.EVENT_CHANGED, event_id, people, actor)
            await audit.record(conn, actor, "event.edit", f"event:{event_id}", details, now)
            saved = await store.event_in(conn, event_id)
        self.notices.wake()
        return Edited(saved, told=len(people))

    async def create_from_form(
        self, project_id: int, answers: Mapping[EventField, object], publish: bool, actor: int
    ) -> Event:
        """The coordinator's finished event form, published or kept as a draft."""
        status = EventStatus.PUBLISHED if publish else EventStatus.DRAFT
        new = store.new_event_from_form(project_id, answers, status, actor)
        return await self.create(new, actor)

    async def edit_field(
        self, event_id: int, field: EventField, value: object, actor: int
    ) -> Edited:
        """One answer of the coordinator's form, on the columns its field sets."""
        return await self.edit(event_id, store.field_changes(field, value), actor)

    async def import_plan(
        self,
        project_id: int,
        events: list[NewEvent],
        actor: int,
        targets: list[Target] | None = None,
    ) -> int:
        """A whole plan, all or nothing, as drafts; audited from the chat and the command
        line alike. targets, when the file had them, replace the project's planned figures."""
        now = self.clock.now()
        async with self.db.write() as conn:
            for new in events:
                await store.insert_event(conn, new, now)
            details: dict[str, object] = {"events": len(events)}
            if targets is not None:
                await store.replace_targets(
                    conn,
                    project_id,
                    [(x.format, x.district, x.events, x.reach) for x in targets],
                )
                details["targets"] = len(targets)
            await audit.record(conn, actor, "plan.import", f"project:{project_id}", details, now)
        return len(events)

    async def get(self, event_id: int) -> Event | None:
        return await store.get_event(self.db, event_id)

    async def turnout(self, event_id: int) -> Turnout:
        by_status = await registrations.counts_by_status(self.db, event_id)
        return Turnout(by_status, len(await checkins.present(self.db, event_id)))

    async def projects(self) -> list[Project]:
        return await store.list_projects(self.db)

    async def project(self, project_id: int) -> Project | None:
        return await store.get_project(self.db, project_id)

    async def project_events(self, project_id: int) -> list[Event]:
        return await store.list_events(self.db, project_id)

    async def projects_page(self, page: int, size: int) -> ProjectsPage:
        """A page of the projects, for the panel's list."""
        projects = await store.list_projects(self.db)
        page, pages = _page_of(len(projects), page, size)
        return ProjectsPage(projects[page * size : (page + 1) * size], page, pages)

    async def project_page(
        self, project_id: int, page: int, size: int, *, holding: int = 0
    ) -> ProjectPage:
        """A page of a project's events, in date order; with `holding`, the page that event
        is on (the way back from it), whatever page was asked for."""
        planned = await store.list_events(self.db, project_id)
        where = next((n for n, event in enumerate(planned) if event.id == holding), None)
        if where is not None:
            page = where // size
        page, pages = _page_of(len(planned), page, size)
        shown = planned[page * size : (page + 1) * size]
        plan = await store.project_plan(self.db, project_id)
        return ProjectPage(shown, len(planned), page, pages, page * size + 1, plan)

    async def create_project(self, new: NewProject, actor: int) -> Project:
        now = self.clock.now()
        async with self.db.write() as conn:
            project_id = await store.insert_project(conn, new, actor, now)
            await audit.record(
                conn, actor, "project.create", f"project:{project_id}", {"title": new.title_ru}, now
            )
            project = await store.project_in(conn, project_id)
        assert project is not None, "inserted in this transaction"
        return project

    async def edit_project(
        self, project_id: int, field: str, answer: ProjectAnswer, actor: int
    ) -> Project | None:
        """One answer of the project form (title_ru, title_kk, funder, period, plan or
        reach); None when the project is gone."""
        now = self.clock.now()
        async with self.db.write() as conn:
            if field in PLAN_FIELDS:
                if await store.project_in(conn, project_id) is None:
                    return None
                plan = plan_of({field: answer})
                if field == "plan":
                    await store.set_planned_events(conn, project_id, plan.events)
                else:
                    await store.set_target_reach(conn, project_id, plan.reach)
            elif not await store.update_project(conn, project_id, project_columns(field, answer)):
                return None
            await audit.record(
                conn,
                actor,
                "project.edit",
                f"project:{project_id}",
                {"field": field, "value": answer},
                now,
            )
            return await store.project_in(conn, project_id)

    async def _tell(
        self,
        conn: aiosqlite.Connection,
        kind: NoticeKind,
        event_id: int,
        people: list[int],
        actor: int,
    ) -> None:
        if people:
            await self.notices.submit(
                kind, {"event_id": event_id}, people, urgent=True, created_by=actor, conn=conn
            )


async def event_for_notice(
    db: Database, event_id: int, status: EventStatus | None = None
) -> Event | None:
    """The event a queued notice is about, read when the notice's turn comes (by the sender,
    which has no services); None when it is gone, or no longer in `status` (a notice of a
    change to an event cancelled since)."""
    event = await store.get_event(db, event_id)
    if event is None or (status is not None and event.status is not status):
        return None
    return event
