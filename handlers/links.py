"""Deep links (t.me/<bot>?start=<payload>): each kind of link opens its feature's screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Message

from bot.deeplinks import DeepLink, LinkKind, parse_payload
from bot.texts import Translator

# FSM data key: the payload a newcomer arrived with, kept until onboarding is over.
START_PAYLOAD = "start_payload"

# Each feature's screen for its kind of link: `async def open_x(message, link, **data)`.
LinkOpener = Callable[..., Awaitable[None]]

# Links that act on behalf of a participant, so the person needs a profile first.
NEEDS_PROFILE = frozenset({LinkKind.EVENT, LinkKind.CHECKIN})


def needs_profile(payload: str | None) -> bool:
    link = parse_payload(payload)
    return link is None or link.kind in NEEDS_PROFILE


async def open_link(message: Message, payload: str | None, data: dict[str, Any]) -> bool:
    """Open what the link points at; a mangled or unknown link gets a clear answer. The table
    of openers is a Dispatcher kwarg (`link_openers`, built in handlers/__init__.py): the
    features it opens send newcomers to onboarding, which opens their link when it is done,
    so no feature module may hold the table."""
    t: Translator = data["t"]
    openers: dict[LinkKind, LinkOpener] = data["link_openers"]
    link: DeepLink | None = parse_payload(payload)
    opener = openers.get(link.kind) if link is not None else None
    if link is None or opener is None:
        await message.answer(t("link.invalid"))
        return False
    await opener(message, link, **data)
    return True
