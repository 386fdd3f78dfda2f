"""The last line: log the unexpected with the update id, tell the user, keep running."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

from bot.i18n import Translator

log = logging.getLogger(__name__)


def register(router: Router) -> None:
    @router.errors()
    async def on_error(event: ErrorEvent, t: Translator | None = None) -> bool:
        update = event.update
        log.error("Update %s failed", update.update_id, exc_info=event.exception)
        # Callback queries already got an alert from CallbackGuardMiddleware.
        if update.message is not None and t is not None:
            try:
                await update.message.answer(t("error.generic"))
            except Exception:
                log.exception(
                    "Could not tell the user about the failure of update %s", update.update_id
                )
        return True
