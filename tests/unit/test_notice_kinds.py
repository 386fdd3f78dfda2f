"""Every kind of notice the bot can queue has a renderer: a missing one would surface only
when the sender reached such a delivery, long after the change that queued it."""

from __future__ import annotations

from bot.notices import NoticeKind
from handlers.renderers import build_renderers


def test_every_notice_kind_has_a_renderer_and_nothing_else_does() -> None:
    assert set(build_renderers()) == set(NoticeKind)
