"""What participants are told when a coordinator moves or cancels an event."""

from __future__ import annotations

from bot.events.model import EventStatus
from bot.events.service import event_for_notice
from bot.platform.outgoing import OutgoingMessage, RenderContext
from handlers.ui.event_view import when


async def render_event_changed(ctx: RenderContext) -> OutgoingMessage | None:
    event_id = int(ctx.payload["event_id"])
    event = await event_for_notice(ctx.db, event_id, EventStatus.PUBLISHED)
    if event is None:
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
    event_id = int(ctx.payload["event_id"])
    event = await event_for_notice(ctx.db, event_id, EventStatus.CANCELLED)
    if event is None:
        return None
    t = ctx.t
    return OutgoingMessage(
        text=t("notice.cancelled", title=event.title(t.language), when=when(event, ctx.tz))
    )
