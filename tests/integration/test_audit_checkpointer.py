"""The platform's checkpointer (audit/watch.py) against the real broker: a signed checkpoint when it starts
and one each time a report is made final or published, covering the event that holds its checksum (issue
21, point 4); and the checkpointer as the deployments run it (`python -m services.checkpointer`), with
its /health and its key."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from audit.watch import Watch, watch
from services.checkpointer.app import signing_key
from shared.language.contracts.reporting import ReportFinalised, ReportPublished
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id
from shared.mechanics.settings import Settings
from tests.helpers import eventually
from tests.integration.test_audit import produce


async def test_a_checkpoint_at_start_and_at_a_final_report_covers_its_checksum(settings: Settings) -> None:
    key = Ed25519PrivateKey.generate()
    stop, state, said = asyncio.Event(), Watch(), list[str]()
    running = asyncio.create_task(watch(settings, key, 3600, said.append, poll=0.2, stop=stop, state=state))

    def taken(n: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return len(state.taken) >= n

        return check

    try:
        await eventually(taken(1), seconds=30)
        assert state.taken[0].reason == "checkpointer started"

        inspection = new_id()
        final = ReportFinalised(inspection_id=inspection, checksum="ab" * 32)
        envelope = Envelope(
            event_id=new_id(),
            event_type=final.event_type,
            schema_version=final.schema_version,
            stream_id=f"report-{inspection}",
            stream_version=1,
            inspection_id=inspection,
            occurred_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
            actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"),
            correlation_id="t",
            payload=final.model_dump(mode="json"),
        )
        await produce(
            settings, settings.events_topic("reporting"), [envelope.to_json()], key=inspection.encode()
        )
        await eventually(taken(2), seconds=30)

        # Published by an inspectorate: another checkpoint, covering the publication and its checksum.
        publication = ReportPublished(
            inspection_id=inspection, inspectorate=Inspectorate.CQC, checksum=final.checksum
        )
        published_by_cqc = envelope.model_copy(
            update={
                "event_id": new_id(),
                "event_type": publication.event_type,
                "schema_version": publication.schema_version,
                "stream_version": 2,
                "previous_hash": envelope.digest(),
                "payload": publication.model_dump(mode="json"),
            }
        )
        await produce(
            settings,
            settings.events_topic("reporting"),
            [published_by_cqc.to_json()],
            key=inspection.encode(),
        )
        await eventually(taken(3), seconds=30)
    finally:
        stop.set()
        await running

    latest = state.taken[1]
    assert latest.reason == f"report final or published: {inspection}"
    [head] = [h for h in latest.streams if h.stream_id == f"report-{inspection}"]
    assert (head.version, head.digest) == (1, envelope.digest())  # the event that holds the checksum
    after_publication = state.taken[2]
    assert after_publication.reason == f"report final or published: {inspection}"
    [head] = [h for h in after_publication.streams if h.stream_id == f"report-{inspection}"]
    assert (head.version, head.digest) == (2, published_by_cqc.digest())
    published, refused = await checkpoints.published(settings, key.public_key())
    assert (published, refused) == (state.taken, [])
    assert said[1].startswith(f"checkpoint of {latest.taken_at} (report final or published: {inspection})")


def _environment(settings: Settings, key_file: Path, port: int) -> dict[str, str]:
    return os.environ | {
        "JIP_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "JIP_KAFKA_PROFILE": settings.kafka_profile.value,
        "JIP_NAMESPACE": settings.namespace,
        "JIP_CREATE_TOPICS": "false",
        "JIP_HTTP_PORT": str(port),
        "JIP_CHECKPOINT_KEY_FILE": str(key_file),
        "JIP_CHECKPOINT_POLL": "0.2",
        "OTEL_SDK_DISABLED": "true",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_deployed_checkpointer_signs_with_its_mounted_key_and_says_so_on_health(
    settings: Settings, tmp_path: Path
) -> None:
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "checkpoint-key.pem"
    key_file.write_bytes(checkpoints.signing_key_pem(key))
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.checkpointer",
        env=_environment(settings, key_file, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def signed() -> bool:
                try:
                    health = (await client.get("/health")).json()
                except httpx.TransportError:
                    return False
                return bool(health["checkpoints"] >= 1 and health["status"] == "ok")

            await eventually(signed, seconds=30)
            assert (await client.get("/health/live")).status_code == 200
        [published], refused = await checkpoints.published(settings, key.public_key())
        assert refused == []
        assert published.reason == "checkpointer started"
        assert published.key_id == checkpoints.key_id(key.public_key())
    finally:
        process.terminate()
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    assert "Application shutdown complete" in errors.decode()  # stopped as asked, its watch ended


def test_the_checkpointer_on_a_volume_of_its_own_makes_its_key_once(tmp_path: Path) -> None:
    key_file = tmp_path / "audit" / "checkpoint-key.pem"
    made = signing_key(key_file, make=True)
    assert (tmp_path / "audit" / "checkpoint-public-key.pem").exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = signing_key(key_file, make=True)
    assert checkpoints.key_id(again.public_key()) == checkpoints.key_id(made.public_key())


def test_the_deployed_checkpointer_will_not_start_without_its_key(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.pem"
    done = subprocess.run(
        [sys.executable, "-m", "services.checkpointer"],
        env=_environment(settings, missing, _free_port()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert f"no checkpoint signing key at {missing}" in done.stderr
    assert "bin/jip audit checkpoint key --data-dir deploy" in done.stderr
