"""Fixtures of the integration tests: the platform's services running in the test's process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.mechanics.settings import Settings
from tests.helpers import Observed
from tests.in_process import BUILD, Platform, started


@pytest.fixture
async def platform(settings: Settings, request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    """The services the test module names in `SERVICES` (every one where it names none), with the
    module's settings. A test that asks for `observed` too gets every service's spans and metrics in it."""
    observed: Observed | None = (
        request.getfixturevalue("observed") if "observed" in request.fixturenames else None
    )
    telemetry = observed.telemetry if observed is not None else None
    async with started(settings, getattr(request.module, "SERVICES", BUILD), telemetry) as running:
        yield running
