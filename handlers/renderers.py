"""Every kind of message the sender (bot/outbox.py) delivers, and who writes its text."""

from __future__ import annotations

from bot.outgoing import Renderer
from handlers.reminders import render_reminder


def build_renderers() -> dict[str, Renderer]:
    return {"reminder": render_reminder}
