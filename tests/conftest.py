"""Test fixtures. Integration and end-to-end tests talk to a real Kafka-protocol broker and a real
MongoDB-protocol server: those named by KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI when both are set,
otherwise the embedded ones (tansu on the object store, and SecantusDB), started for the session on
free ports. Every test gets its own namespace: its own topics, databases and consumer groups."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from embedded.components import infrastructure
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from shared.mechanics.clock import CLOCK
from shared.mechanics.settings import KafkaProfile, Settings
from shared.mechanics.topics import ensure_topics
from tests.helpers import SIGNER, Observed

# A process-wide tracer provider for parts used on their own (a relay, a runner); services have their own.
# (tests/e2e/conftest.py imports this module a second time, as tests.conftest.)
if not isinstance(trace.get_tracer_provider(), TracerProvider):
    trace.set_tracer_provider(TracerProvider())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def real_time_after() -> Iterator[None]:
    """The clock is process-wide: a test that plays a rehearsal moves it, and no later test inherits it."""
    yield
    CLOCK.use_real_time()


@dataclass(frozen=True)
class Servers:
    kafka_bootstrap: str
    mongodb_uri: str
    profile: KafkaProfile


@pytest.fixture(scope="session")
async def servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Servers]:
    bootstrap, uri = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("MONGODB_URI")
    if bootstrap and uri:
        yield Servers(bootstrap, uri, KafkaProfile(os.environ.get("JIP_KAFKA_PROFILE", "kafka")))
        return
    data_dir = tmp_path_factory.mktemp("servers")
    ports = Ports.free()
    supervisor = Supervisor(data_dir)
    await supervisor.up(ports, infrastructure(data_dir, ports), progress=lambda _: None)
    try:
        yield Servers(ports.kafka_bootstrap, ports.mongodb_uri, KafkaProfile.TANSU)
    finally:
        supervisor.stop(progress=lambda _: None)


@pytest.fixture(scope="session")
def public_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public half of the tests' token signing key, as every service is configured with it."""
    path = tmp_path_factory.mktemp("auth") / "public-key.pem"
    SIGNER.write_public_key(path)
    return path


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def settings(servers: Servers, namespace: str, public_key: Path) -> Settings:
    settings = Settings(
        auth_public_key_file=public_key,
        mongodb_uri=servers.mongodb_uri,
        kafka_bootstrap_servers=servers.kafka_bootstrap,
        kafka_profile=servers.profile,
        namespace=namespace,
        create_topics=False,
    )
    await ensure_topics(servers.kafka_bootstrap, namespace, settings.topic_partitions)
    return settings


@pytest.fixture
def observed() -> Observed:
    """Telemetry for services built in the test, recording their spans and metrics in memory."""
    return Observed()
