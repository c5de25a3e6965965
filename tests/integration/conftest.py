"""Fixtures of the integration tests: the platform's services running in the test's process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.settings import Settings
from tests.in_process import BUILD, Platform, started


@pytest.fixture
async def platform(settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    """The services the test module names in `SERVICES` (every one where it names none), with the
    module's settings."""
    async with started(settings, getattr(request.module, "SERVICES", BUILD)) as running:
        yield running
