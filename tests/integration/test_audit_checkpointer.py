"""The platform's checkpointer (audit/watch.py) against the real broker: a signed checkpoint when it starts
and one when a report is made final, which covers the final report's checksum (issue 21, point 4)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from audit.watch import Watch, watch
from shared.contracts.reporting import ReportFinalised
from shared.envelope import Actor, Envelope, Inspectorate, new_id
from shared.settings import Settings
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
    finally:
        stop.set()
        await running

    latest = state.taken[1]
    assert latest.reason == f"report final or published: {inspection}"
    [head] = [h for h in latest.streams if h.stream_id == f"report-{inspection}"]
    assert (head.version, head.digest) == (1, envelope.digest())  # the event that holds the checksum
    published, refused = await checkpoints.published(settings, key.public_key())
    assert (published, refused) == (state.taken, [])
    assert said[1].startswith(f"checkpoint of {latest.taken_at} (report final or published: {inspection})")
