from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.harness import Harness, make_harness

# A Tuesday morning in Almaty (UTC+5): 10:00 local.
NOW = datetime(2026, 6, 9, 5, 0, tzinfo=UTC)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async for h in make_harness(tmp_path, NOW, admin_ids="1"):
        yield h
