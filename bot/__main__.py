"""`python -m bot` runs the bot; `python -m bot migrate` only applies migrations;
`python -m bot events import ...` loads an event plan; `python -m bot export ...` writes the
attendance sheet of an event or the project report; `python -m bot backup|restore PATH` copies
the database or puts a copy back; `python -m bot webhook delete` removes the webhook."""

from __future__ import annotations

import argparse
import asyncio
import sys
import zoneinfo
from pathlib import Path

# aiogram and the app are imported only after the settings check, so a bad .env answers at once.
from bot.config import Settings, SettingsError, load_settings
from bot.platform.db import MigrationError
from bot.platform.instance_lock import DatabaseUnwritableError, InstanceLockError, TokenInUseError
from bot.platform.logs import configure as configure_logging
from bot.reference import ReferenceDataError
from bot.texts import LANGUAGES
from surveys.templates import TemplateError

EXIT_CONFIG = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default), by polling or webhook (MODE)")
    commands.add_parser("migrate", help="apply database migrations and exit")
    backup = commands.add_parser("backup", help="copy the database, also while the bot runs")
    backup.add_argument("path", type=Path, help="the copy to write")
    restore = commands.add_parser("restore", help="put a copy back (the bot stopped)")
    restore.add_argument("path", type=Path, help="a copy made by `backup`")
    webhook = commands.add_parser("webhook", help="the webhook (MODE=webhook)")
    webhook.add_subparsers(dest="action", required=True).add_parser(
        "delete", help="remove the webhook, e.g. before going back to polling"
    )
    events = commands.add_parser("events", help="event plans").add_subparsers(dest="action")
    plan = events.add_parser("import", help="import an event plan from an .xlsx file")
    plan.add_argument("plan", type=Path, help="the spreadsheet, one row per event")
    plan.add_argument("--project", type=int, required=True, help="the project id")
    exports = commands.add_parser("export", help="Excel workbooks").add_subparsers(dest="kind")
    attendance = exports.add_parser("attendance", help="the attendance sheet of one event")
    attendance.add_argument("--event", type=int, required=True, help="the event id")
    project = exports.add_parser("project", help="the project report for the funder")
    project.add_argument("--project", type=int, required=True, help="the project id")
    for sub in (attendance, project):
        sub.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
        sub.add_argument("--language", choices=LANGUAGES, help="default: DEFAULT_LANGUAGE")
    return parser.parse_args(argv)


async def migrate_only() -> None:
    from bot.platform.database_file import open_database

    db = await open_database(load_settings())
    await db.close()


def operate(args: argparse.Namespace, settings: Settings) -> int:
    """The operator's commands: backups, and the webhook."""
    if args.command == "backup":
        from bot.cli.backup import backup

        return backup(settings, args.path)
    if args.command == "restore":
        from bot.cli.backup import restore

        return restore(settings, args.path)
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

    from bot.app import build_bot
    from bot.platform.webhook import delete_webhook

    try:
        asyncio.run(delete_webhook(build_bot(settings)))
    except (TelegramAPIError, TelegramNetworkError) as error:
        print(f"Webhook not removed: {error}", file=sys.stderr)
        return 1
    print("Webhook removed: the bot can poll again (MODE=polling).")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Time zones from the tzdata package only: a server's older system database still has
    # Asia/Almaty at UTC+6, which would put every time an hour off.
    zoneinfo.reset_tzpath(to=[])
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.log_format)
    try:
        if args.command == "migrate":
            asyncio.run(migrate_only())
            print("Database is up to date.")
        elif args.command in {"backup", "restore", "webhook"}:
            return operate(args, settings)
        elif args.command == "events":
            from bot.cli.plan import import_plan_file

            return import_plan_file(settings, args.plan, args.project)
        elif args.command == "export":
            from bot.cli.export import export

            object_id = args.event if args.kind == "attendance" else args.project
            language = args.language or settings.default_language
            return export(settings, args.kind, object_id, language, args.output)
        else:
            from bot.app import run

            asyncio.run(run(settings))
    except (ReferenceDataError, TemplateError) as exc:
        print(f"Configuration file problem: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except (InstanceLockError, DatabaseUnwritableError) as exc:
        print(f"The bot will not start: {exc}", file=sys.stderr)
        return 1
    except TokenInUseError as exc:
        print(f"The bot stopped: {exc}", file=sys.stderr)
        return 1
    except MigrationError as exc:
        print(f"Database migration failed, the bot will not start: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
