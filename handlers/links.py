"""Deep links (t.me/<bot>?start=<payload>): each kind of link opens its feature's screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Message

from bot.deeplinks import DeepLink, LinkKind, parse_payload
from bot.i18n import Translator

# FSM data key: the payload a newcomer arrived with, kept until onboarding is over.
START_PAYLOAD = "start_payload"

LinkOpener = Callable[..., Awaitable[None]]

# Links that act on behalf of a participant, so the person needs a profile first.
NEEDS_PROFILE = frozenset({LinkKind.EVENT, LinkKind.CHECKIN})


def openers() -> dict[LinkKind, LinkOpener]:
    """Each feature's screen for its kind of link: `async def open_x(message, link, **data)`."""
    # Imported here: those features send people without a profile to onboarding, which in
    # turn opens their link when it is done.
    from handlers.admin.team import open_invite
    from handlers.catalogue import open_event_card
    from handlers.checkin import open_checkin

    return {
        LinkKind.EVENT: open_event_card,
        LinkKind.CHECKIN: open_checkin,
        LinkKind.INVITE: open_invite,
    }


def needs_profile(payload: str | None) -> bool:
    link = parse_payload(payload)
    return link is None or link.kind in NEEDS_PROFILE


async def open_link(message: Message, payload: str | None, data: dict[str, Any]) -> bool:
    """Open what the link points at; a mangled or unknown link gets a clear answer."""
    t: Translator = data["t"]
    link: DeepLink | None = parse_payload(payload)
    opener = openers().get(link.kind) if link is not None else None
    if link is None or opener is None:
        await message.answer(t("link.invalid"))
        return False
    await opener(message, link, **data)
    return True
