"""Start payloads of t.me/<bot>?start=<payload> links: a kind letter, '_', a random code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class LinkKind(StrEnum):
    EVENT = "e"  # opens an event card
    CHECKIN = "c"  # marks the scanning participant present (QR at the entrance)
    INVITE = "i"  # one-time coordinator invitation


_PAYLOAD = re.compile(r"^([a-z])_([A-Za-z0-9_-]{4,60})$")


@dataclass(frozen=True)
class DeepLink:
    kind: LinkKind
    code: str

    @property
    def payload(self) -> str:
        return f"{self.kind.value}_{self.code}"


def parse_payload(payload: str | None) -> DeepLink | None:
    """None for an empty, malformed or unknown payload (links get mangled when copied)."""
    match = _PAYLOAD.match(payload or "")
    if not match:
        return None
    try:
        kind = LinkKind(match.group(1))
    except ValueError:
        return None
    return DeepLink(kind, match.group(2))
