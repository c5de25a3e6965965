"""The platform's five services run in the test's own process, for the integration tests: each built with
the test's settings (and, where a test observes them, its telemetry), started with its lifespan, and
answered through a client with no socket (`tests.helpers.running`). The `platform` fixture
(tests/integration/conftest.py) starts them; a test module that needs fewer names them in `SERVICES`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import httpx

from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.lscb.app import build as lscb
from services.reporting.app import build as reporting
from services.scheduling.app import build as scheduling
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry
from tests.helpers import running

# Each service by its name, in the order they start.
BUILD: dict[str, Callable[[Settings, Telemetry | None], Service]] = {
    "scheduling": scheduling,
    "evidence": evidence,
    "judgement": judgement,
    "lscb": lscb,
    "reporting": reporting,
}


@dataclass
class Platform:
    """The services a test runs, each with its client."""

    settings: Settings
    services: dict[str, Service]
    clients: dict[str, httpx.AsyncClient]

    @property
    def scheduling(self) -> httpx.AsyncClient:
        return self.clients["scheduling"]

    @property
    def evidence(self) -> httpx.AsyncClient:
        return self.clients["evidence"]

    @property
    def judgement(self) -> httpx.AsyncClient:
        return self.clients["judgement"]

    @property
    def lscb(self) -> httpx.AsyncClient:
        return self.clients["lscb"]

    @property
    def reporting(self) -> httpx.AsyncClient:
        return self.clients["reporting"]


@asynccontextmanager
async def started(
    settings: Settings,
    names: Iterable[str] = BUILD,
    telemetry: Callable[[str], Telemetry] | None = None,
) -> AsyncIterator[Platform]:
    """The named services running, started in BUILD's order and stopped in the reverse."""
    wanted = set(names)
    unknown = wanted - set(BUILD)
    assert not unknown, f"no such service: {', '.join(sorted(unknown))}"
    services = {
        name: build(settings, telemetry(name) if telemetry else None)
        for name, build in BUILD.items()
        if name in wanted
    }
    async with AsyncExitStack() as stack:
        clients = {name: await stack.enter_async_context(running(s)) for name, s in services.items()}
        yield Platform(settings, services, clients)
