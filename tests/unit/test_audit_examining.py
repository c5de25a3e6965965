"""Records examined in worker processes verify exactly as records examined in this one (issue 24 §4): the
same counts, heads and problems, a forgery and a broken record among them."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from audit.examining import Examiners, NotAnEvent, examine, examine_all
from audit.log import Verifier
from shared.language.contracts.scheduling import InspectionCancelled
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id
from tests.unit.test_audit_verifier import TOPIC, stream


def records() -> list[bytes | None]:
    one, two = stream(3), stream(2)
    forged = one[1].model_copy(update={"payload": {**one[1].payload, "reason": "Changed afterwards."}})
    unknown = Envelope(
        event_id=new_id(),
        event_type="SomethingNobodyPublished",
        schema_version=1,
        stream_id="elsewhere-1",
        stream_version=1,
        inspection_id=None,
        occurred_at=one[0].occurred_at,
        actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"),
        correlation_id="t",
        payload={},
    )
    values: list[bytes | None] = [e.to_json() for e in (one[0], two[0], one[1], one[1], two[1], one[2])]
    values += [forged.to_json(), unknown.to_json(), b'{"event_id": "half', b"\xff\xfe", None, b'{"a": 1}']
    return values


def verified(examined: list[object]) -> Verifier:
    verifier = Verifier()
    for offset, found in enumerate(examined):
        assert not isinstance(found, BaseException)
        verifier.take(TOPIC, 0, offset, found)  # type: ignore[arg-type]
    verifier.finish(time.monotonic())
    return verifier


def test_examined_in_workers_verifies_as_examined_here() -> None:
    values = records()
    here = verified(list(examine_all(values)))
    examiners = Examiners(2)
    examiners.start()

    async def in_workers() -> list[object]:
        await asyncio.gather(*(asyncio.wrap_future(f) for f in examiners.warming))
        assert examiners.ready
        slices = examiners.examine(values)
        assert len(slices) == 2
        return [found for part in await asyncio.gather(*slices) for found in part]

    try:
        there = verified(asyncio.run(in_workers()))
    finally:
        examiners.stop()
    assert replace(there.result, seconds=0) == replace(here.result, seconds=0)
    assert there.links == here.links
    kinds = sorted(p.kind for p in here.result.problems)
    assert kinds == [
        "corrupt record",
        "corrupt record",
        "corrupt record",
        "forged duplicate",
        "not an envelope",
        "unknown event type",
    ], here.result.problems
    assert (here.result.records, here.result.events, here.result.duplicates) == (12, 6, 1)


def test_a_record_is_examined_on_its_own() -> None:
    [event] = stream(1)
    found = examine(event.to_json())
    assert not isinstance(found, NotAnEvent)
    assert (found.event_id, found.version, found.previous, found.digest) == (
        event.event_id,
        1,
        None,
        event.digest(),
    )
    assert found.fault is None
    assert found.chained
    cancelled = InspectionCancelled(inspection_id="other", reason="A test of the audit.")
    wrong = event.model_copy(update={"payload": cancelled.model_dump(mode="json")})
    fault = examine(wrong.to_json())
    assert not isinstance(fault, NotAnEvent)
    assert fault.fault is not None
    assert fault.fault[0] == "unreadable event"
    assert fault.chained
