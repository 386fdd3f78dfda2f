"""The process's log lines: readable text, or one JSON object per line (LOG_FORMAT=json) for a
log collector (journald, Loki, a container platform), which then needs no parsing rules."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value if isinstance(value, int | float | bool | None) else str(value))
            for key, value in vars(record).items()
            if key not in _STANDARD
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # ensure_ascii off: Russian and Kazakh stay readable in the collector.
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str, style: Literal["text", "json"]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if style == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
