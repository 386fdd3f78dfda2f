"""The notice that an offered seat lapsed: the person is not left wondering where it went."""

from __future__ import annotations

from datetime import datetime

from bot.clock import format_local
from bot.platform.outgoing import OutgoingMessage, RenderContext
from bot.registration.service import lapse_due
from handlers.ui.event_view import when


async def render_offer_lapsed(ctx: RenderContext) -> OutgoingMessage | None:
    payload = ctx.payload
    event = await lapse_due(
        ctx.db, int(payload["registration_id"]), int(payload["event_id"]), ctx.user.id
    )
    if event is None or payload.get("deadline") is None:
        return None
    t = ctx.t
    deadline = format_local(datetime.fromisoformat(payload["deadline"]), ctx.tz)
    return OutgoingMessage(
        text=t(
            "notify.offer_lapsed",
            title=event.title(t.language),
            when=when(event, ctx.tz),
            deadline=deadline,
        )
    )
