"""Records examined in worker processes verify exactly as records examined in this one (issue 24 §4): the
same counts, heads and problems, a forgery and a broken record among them; and the faster paths of
examining (pydantic's JSON parser, the digest's encoder made once) read and digest as the slower ones."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace

import pytest

from audit.examining import Examiners, NotAnEvent, digest, examine, examine_all, parsed
from audit.log import Verifier
from shared.language.contracts.scheduling import InspectionCancelled
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, digest_of, new_id
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


@pytest.mark.parametrize("forking", [False, True], ids=["spawned", "forked"])
def test_examined_in_workers_verifies_as_examined_here(forking: bool) -> None:
    values = records()
    here = verified(list(examine_all(values)))
    examiners = Examiners(2, forking=forking)
    examiners.start()

    async def in_workers() -> list[object]:
        await asyncio.gather(*(asyncio.wrap_future(f) for f in examiners.warming))
        assert examiners.ready
        sent, here = examiners.examine(values)  # 12 records: 2 examined here, 5 by each worker
        assert len(here) == 2
        return [*await sent, *examine_all(here)]

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


# JSON that pydantic's parser reads as json.loads does, and JSON it refuses where json.loads reads it (a lone
# surrogate, a byte-order mark, UTF-16) or does not (bytes that are no JSON): `parsed` answers as json.loads.
ODD_JSON = [
    b'{"a": 1e400, "b": 12345678901234567890123456789, "c": -0.0, "d": 5e-324, "e": 0.1, "f": 1E5}',
    b'{"a": "\\ud83d\\ude00 caf\xc3\xa9 \\u00e9 \\/ \\u0000 \\u2028", "a": 2, "b": [1, {"c": null}]}',
    b'{"a": NaN, "b": Infinity, "c": -Infinity}',
    b'{"a": "\\ud800"}',
    b'{"a": "\xed\xa0\x80"}',
    b'\xef\xbb\xbf{"a": 1}',
    '{"a": "é"}'.encode("utf-16"),
    b' \t{"a":\n1}\r',
]
NOT_JSON = [b'{"a": 1,}', b"{'a': 1}", b'{"a": 01}', b'{"a": 1} x', b'{"a": "\xff"}', b"", b'{"a": "x\x01"}']


def test_a_record_is_read_as_json_loads_reads_it() -> None:
    for value in ODD_JSON:
        assert repr(parsed(value)) == repr(json.loads(value)), value
    for value in NOT_JSON:
        with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
            json.loads(value)
        with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
            parsed(value)


def test_the_digest_is_the_envelopes_own() -> None:
    [event] = stream(1)
    published = json.loads(event.to_json())
    assert digest(published) == digest_of(published) == event.digest()
    for value in ODD_JSON[:3]:
        odd = {**published, "payload": json.loads(value), "z": [{"b": 1, "a": [2.5, True, None]}]}
        assert digest(odd) == digest_of(odd)
