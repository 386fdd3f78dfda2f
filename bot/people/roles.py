"""Who may act as a coordinator: super-coordinators from ADMIN_IDS, who also manage the team,
plus the coordinators they invited (stored in the database)."""

from __future__ import annotations

from bot.config import Settings


def is_super_coordinator(settings: Settings, user_id: int) -> bool:
    return user_id in settings.admin_ids


def is_coordinator(settings: Settings, user_id: int, *, stored: bool) -> bool:
    """`stored`: the person joined the team through an invitation."""
    return stored or is_super_coordinator(settings, user_id)
