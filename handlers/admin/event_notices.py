"""What participants are told when a coordinator moves or cancels an event."""

from __future__ import annotations

from bot.events.model import EventStatus
from bot.events.store import get_event
from bot.platform.outgoing import OutgoingMessage, RenderContext
from handlers.ui.event_view import when


async def render_event_changed(ctx: RenderContext) -> OutgoingMessage | None:
    event = await get_event(ctx.db, int(ctx.payload["event_id"]))
    if event is None or event.status is not EventStatus.PUBLISHED:
        return None
    t = ctx.t
    text = t(
        "notice.changed",
        title=event.title(t.language),
        when=when(event, ctx.tz),
        place=event.place or "—",
    )
    return OutgoingMessage(text=text)


async def render_event_cancelled(ctx: RenderContext) -> OutgoingMessage | None:
    event = await get_event(ctx.db, int(ctx.payload["event_id"]))
    if event is None or event.status is not EventStatus.CANCELLED:
        return None
    t = ctx.t
    return OutgoingMessage(
        text=t("notice.cancelled", title=event.title(t.language), when=when(event, ctx.tz))
    )
