"""The last line: log the unexpected with the update id, tell the user, keep running."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramNetworkError
from aiogram.types import ErrorEvent

from bot.texts import Translator

log = logging.getLogger(__name__)


def register(router: Router) -> None:
    @router.errors()
    async def on_error(event: ErrorEvent, t: Translator | None = None) -> bool:
        update = event.update
        error = event.exception
        if isinstance(error, TelegramAPIError | TelegramNetworkError):
            # The change the update asked for is saved; only its reply is lost. Telling the
            # person "something went wrong" would be false, and would likely fail the same way.
            log.log(
                logging.ERROR if isinstance(error, TelegramBadRequest) else logging.WARNING,
                "Update %s: the reply could not be sent: %s",
                update.update_id,
                error,
            )
            return True
        log.error("Update %s failed", update.update_id, exc_info=error)
        # Callback queries already got an alert from CallbackGuardMiddleware.
        if update.message is not None and t is not None:
            try:
                await update.message.answer(t("error.generic"))
            except Exception:
                log.exception(
                    "Could not tell the user about the failure of update %s", update.update_id
                )
        return True
