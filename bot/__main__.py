"""`python -m bot` runs the bot; `python -m bot migrate` only applies migrations;
`python -m bot events import ...` loads an event plan; `python -m bot export ...` writes the
attendance sheet of an event or the project report."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import zoneinfo
from pathlib import Path

# aiogram and the app are imported only after the settings check, so a bad .env answers at once.
from bot.config import SettingsError, load_settings
from bot.platform.db import MigrationError
from bot.platform.instance_lock import DatabaseUnwritableError, InstanceLockError, TokenInUseError
from bot.reference import ReferenceDataError
from bot.texts import LANGUAGES
from surveys.templates import TemplateError

EXIT_CONFIG = 2


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start long polling (the default)")
    commands.add_parser("migrate", help="apply database migrations and exit")
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
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        if args.command == "migrate":
            asyncio.run(migrate_only())
            print("Database is up to date.")
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
