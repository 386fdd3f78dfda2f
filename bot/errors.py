"""Exceptions the bot's layers share; no aiogram here."""


class StaleButtonError(Exception):
    """A button points at something that no longer exists (a deleted event, an old survey)."""
