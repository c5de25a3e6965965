"""End-to-end fixtures: the five services as separate processes, on the session's broker and database, and
the inspection workspace beside them for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from embedded.components import services, workspace
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from tests.conftest import Servers
from tests.helpers import SIGNER


@dataclass(frozen=True)
class Platform:
    supervisor: Supervisor
    ports: Ports
    env: dict[str, str]

    @property
    def urls(self) -> dict[str, str]:
        return {name: self.ports.service_url(name) for name in self.ports.services}

    async def start(self, *names: str, **env: str) -> None:
        stage = services(self.ports, env={**self.env, **env}, names=names or tuple(self.ports.services))
        await self.supervisor.up(self.ports, [stage], progress=lambda _: None)

    async def start_workspace(self) -> str:
        """The inspection workspace as a process beside the services, signing users in with the tests'
        key (kept in the data directory, as `jip stack up` keeps the stack's); its URL."""
        key = self.supervisor.data_dir / "auth" / "signing-key.pem"
        log = {k: v for k, v in self.env.items() if k.startswith("JIP_KAFKA_") or k == "JIP_NAMESPACE"}
        await self.supervisor.up(
            self.ports, [[workspace(self.ports, signing_key=key, env=log)]], progress=lambda _: None
        )
        return self.ports.workspace_url


@contextmanager
def platform_in(data_dir: Path, servers: Servers, namespace: str, public_key: Path) -> Iterator[Platform]:
    """A rehearsal platform keeping its data in `data_dir`, on the session's broker and database, its
    processes stopped at the end. `jip` commands run by a test issue their tokens with the tests' key, as
    with a stack's own (set JIP_DATA_DIR to `data_dir` for them)."""
    SIGNER.save(data_dir / "auth")
    env = {
        "JIP_AUTH_PUBLIC_KEY_FILE": str(public_key),
        "JIP_KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap,
        "JIP_MONGODB_URI": servers.mongodb_uri,
        "JIP_KAFKA_PROFILE": servers.profile.value,
        "JIP_NAMESPACE": namespace,
        # A rehearsal platform, so a test can move the clock (`jip clock advance`, POST /clock/advance).
        "JIP_ENVIRONMENT": "rehearsal",
    }
    platform = Platform(Supervisor(data_dir), Ports.free(), env)
    try:
        yield platform
    finally:
        platform.supervisor.stop(progress=lambda _: None)


@pytest.fixture
def platform(
    servers: Servers, namespace: str, tmp_path: Path, public_key: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Platform]:
    monkeypatch.setenv("JIP_DATA_DIR", str(tmp_path))
    with platform_in(tmp_path, servers, namespace, public_key) as platform:
        yield platform
