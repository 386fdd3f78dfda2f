from __future__ import annotations

import zoneinfo
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.harness import Harness, make_harness

# As the bot does at start-up (bot/__main__.py): time zones from the tzdata package only.
zoneinfo.reset_tzpath(to=[])

# A Tuesday morning in Almaty (UTC+5): 10:00 local.
NOW = datetime(2026, 6, 9, 5, 0, tzinfo=UTC)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async for h in make_harness(tmp_path, NOW, admin_ids="1"):
        yield h
