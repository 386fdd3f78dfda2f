"""The composition root: settings in, a running bot out. Tests build the same Dispatcher."""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import LinkPreviewOptions

import handlers
from bot.clock import Clock
from bot.config import Settings
from bot.demo.clock import clock_for, wake_on_jump
from bot.events.service import EventService
from bot.notice_queue import NoticeQueue
from bot.people.service import PeopleService
from bot.platform.backup import daily_backup
from bot.platform.callbacks import ButtonViews, PressGuard, TimelyCallbackAnswer
from bot.platform.commands import publish_commands
from bot.platform.database_file import open_database
from bot.platform.db import Database
from bot.platform.fsm_storage import SQLiteStorage
from bot.platform.health import CountUpdates, Liveness, Metrics, PollWatch, Probes
from bot.platform.middlewares import (
    CallbackGuardMiddleware,
    InFlightMiddleware,
    UserContextMiddleware,
)
from bot.platform.outbox import Outbox, SenderSettings
from bot.platform.pacing import Pacer, PaceSettings
from bot.platform.scheduler import Scheduler, SchedulerSettings
from bot.platform.telegram_calls import PacedCalls
from bot.platform.updates import HandledOnce, Polling
from bot.platform.webhook import receive_updates
from bot.reference import Reference, load_reference
from bot.registration.service import RegistrationService
from bot.reports.runner import ReportRunner
from bot.services import build_services
from bot.texts import Texts
from handlers.admin.messages import ProgressBoards
from handlers.renderers import build_renderers

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    db: Database
    texts: Texts
    clock: Clock
    reference: Reference
    dispatcher: Dispatcher
    in_flight: InFlightMiddleware
    outbox: Outbox
    scheduler: Scheduler
    reports: ReportRunner
    pacer: Pacer
    button_views: ButtonViews
    queue: NoticeQueue
    registration: RegistrationService
    events: EventService
    people: PeopleService
    metrics: Metrics

    def attach(self, bot: Bot) -> Bot:
        """Route every call of `bot` through the shared pace and retries, let the press
        guard see what the bot's edits left on each message, and keep polling going past an
        unreadable update (and stop it when another process polls with the same token)."""
        bot.session.middleware(PacedCalls(self.pacer))
        bot.session.middleware(self.button_views)
        bot.session.middleware(Polling(self.pacer.now))
        return bot


# Every text the bot sends is Telegram HTML built from the catalogs with escaped user values.
# Link previews are off through link_preview only: `link_preview_is_disabled` would also send
# the deprecated disable_web_page_preview, which the published Bot API no longer lists.
BOT_DEFAULTS = DefaultBotProperties(
    parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
)


def build_bot(settings: Settings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(token=settings.bot_token.get_secret_value(), session=session, default=BOT_DEFAULTS)


def build_app(
    settings: Settings, db: Database, texts: Texts, clock: Clock, pacer: Pacer | None = None
) -> App:
    """`pacer` is for tests that run the pace on a clock of their own."""
    in_flight = InFlightMiddleware()
    pacer = pacer or Pacer(PaceSettings(rate=settings.send_rate))
    button_views = ButtonViews()
    reference = load_reference(settings.categories_file, settings.districts_file)
    outbox = Outbox(
        db,
        texts,
        clock,
        settings.tz,
        SenderSettings(settings.send_max_attempts, settings.quiet_hours),
        build_renderers(),
        pacer,
    )

    services = build_services(settings, db, clock)
    queue, registration, events = services.queue, services.registration, services.events
    outbox.after_each_batch(ProgressBoards(services.broadcasts, texts).refresh)
    scheduler = Scheduler(
        db,
        outbox,
        queue,
        clock,
        SchedulerSettings(timedelta(seconds=settings.scheduler_tick_seconds)),
        registration,
    )
    reports = ReportRunner()
    dispatcher = Dispatcher(
        storage=SQLiteStorage(db),
        # One update at a time per user and chat: a double tap waits for the first to finish.
        events_isolation=SimpleEventIsolation(),
        settings=settings,
        texts=texts,
        clock=clock,
        tz=settings.tz,
        reference=reference,
        survey_templates=services.surveys.templates,
        reports=reports,
        registration=registration,
        events=events,
        people=services.people,
        checkin=services.checkin,
        broadcasts=services.broadcasts,
        reporting=services.reporting,
        surveys=services.surveys,
        audit_log=services.audit_log,
        link_openers=handlers.link_openers(),
    )
    dispatcher.update.outer_middleware(in_flight)
    # Before anything that acts, so a copy of a handled update does nothing; inside the
    # in-flight count, so shutdown waits for the note of the last update too.
    handled_once = HandledOnce(db, clock)
    dispatcher.update.outer_middleware(handled_once)
    # Inside HandledOnce: a copy it skips is counted there, not as an update handled.
    metrics = Metrics(pacer, scheduler, handled_once)
    dispatcher.update.outer_middleware(CountUpdates(metrics))
    dispatcher.update.outer_middleware(UserContextMiddleware(db, texts, settings.default_language))
    dispatcher.callback_query.middleware(TimelyCallbackAnswer())
    dispatcher.callback_query.middleware(CallbackGuardMiddleware())
    dispatcher.callback_query.middleware(PressGuard(button_views, now=pacer.now))
    dispatcher.include_router(handlers.build_router())
    return App(
        settings,
        db,
        texts,
        clock,
        reference,
        dispatcher,
        in_flight,
        outbox,
        scheduler,
        reports,
        pacer,
        button_views,
        queue,
        registration,
        events,
        services.people,
        metrics=metrics,
    )


async def run(settings: Settings) -> None:
    """Polling or webhook (MODE) until SIGTERM or SIGINT; then finish in-flight updates and
    close the DB."""
    db = await open_database(settings)
    # The system clock, or the demo's (only with DEMO set: see Settings).
    app = build_app(settings, db, Texts(settings.default_language), clock_for(settings))
    bot = app.attach(build_bot(settings))
    liveness = Liveness(settings.mode, time.monotonic)
    bot.session.middleware(PollWatch(liveness))
    daily = daily_backup(settings, app.clock)
    if daily is not None:
        app.scheduler.every_tick(daily.run)
        app.metrics.daily_backup = daily

    async def on_startup() -> None:
        await app.scheduler.start(bot)
        wake_on_jump(settings, app.scheduler.poke)
        coordinators = await app.people.coordinator_ids()
        await publish_commands(bot, app.texts, settings.default_language, coordinators)

    async def on_shutdown() -> None:
        await app.in_flight.wait_idle(settings.shutdown_timeout)
        await app.reports.close(settings.shutdown_timeout)
        await app.scheduler.stop()

    app.dispatcher.startup.register(on_startup)
    app.dispatcher.shutdown.register(on_shutdown)
    # What start-up loaded (aiogram's types, the catalogs, the templates) lives as long as the
    # process: out of the collector's sight, its pauses stay short, and a long one would
    # bunch the paced sends behind it into a burst Telegram answers with 429 (bench/rush.py).
    gc.collect()
    gc.freeze()
    try:
        await receive_updates(
            app.dispatcher, bot, settings, Probes(db, app.clock, liveness, app.metrics)
        )
    finally:
        await db.close()
        log.info("Stopped; database closed")
