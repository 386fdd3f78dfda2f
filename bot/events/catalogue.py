"""What participants browse: upcoming published events with the seats they have left, in SQL
(the registration store's status lists, which bot/events/store.py cannot import). Read through
EventService, the one door into events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_db
from bot.events.model import Event
from bot.events.store import event_from_row
from bot.platform.db import Database
from bot.registration.rules import HOLDS_SEAT
from bot.registration.store import in_list


@dataclass(frozen=True)
class CatalogueFilter:
    district: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Listed:
    event: Event
    taken: int  # seats held (confirmed or offered)


def _where(now: datetime, chosen: CatalogueFilter) -> tuple[str, list[object]]:
    clauses = ["status = 'published'", "starts_at > ?"]
    params: list[object] = [to_db(now)]
    if chosen.district:
        clauses.append("district = ?")
        params.append(chosen.district)
    if chosen.type:
        clauses.append("type = ?")
        params.append(chosen.type)
    return " AND ".join(clauses), params


async def upcoming(
    db: Database, now: datetime, chosen: CatalogueFilter, offset: int, limit: int
) -> tuple[list[Listed], int]:
    """A page of upcoming events, nearest first, and how many there are in all."""
    where, params = _where(now, chosen)
    total = int(
        str(await db.fetch_value(f"SELECT COUNT(*) FROM events WHERE {where}", tuple(params)))
    )
    rows = await db.fetch_all(
        "SELECT e.*, (SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
        f"AND r.status IN {in_list(HOLDS_SEAT)}) AS taken "
        f"FROM events e WHERE {where} ORDER BY starts_at, id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [Listed(event_from_row(row), row["taken"]) for row in rows], total


async def facets(db: Database, now: datetime) -> tuple[list[str], list[str]]:
    """The districts and the types that upcoming events have, for the filter buttons."""
    where, params = _where(now, CatalogueFilter())
    districts = await db.fetch_all(
        f"SELECT DISTINCT district FROM events WHERE {where} AND district IS NOT NULL "
        "ORDER BY district",
        tuple(params),
    )
    types = await db.fetch_all(
        f"SELECT DISTINCT type FROM events WHERE {where} ORDER BY type", tuple(params)
    )
    return [row[0] for row in districts], [row[0] for row in types]
