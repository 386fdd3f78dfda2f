"""Names of the files coordinators download: what it is, for what, and the date."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^\w\-]+", flags=re.UNICODE)


def file_name(kind: str, title: str, day: str) -> str:
    """Latin, Cyrillic and Kazakh letters kept; anything a file system dislikes replaced."""
    safe = _UNSAFE.sub("_", title).strip("_")[:60]
    return f"{kind}_{safe}_{day}.xlsx"
