"""The verifier checks a stream in version order however its events are read (issue 21, point 1), and a
signed checkpoint is refused when its content or its key is not the one signed (points 3-4)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from audit.log import Verification, Verifier
from shared.language.contracts.scheduling import InspectionCancelled
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id

TOPIC = "jip.scheduling.events"


def stream(n: int) -> list[Envelope]:
    """n events of one stream, each naming the digest of the one before, as the event store writes them."""
    inspection = new_id()
    event = InspectionCancelled(inspection_id=inspection, reason="A test of the audit.")
    made: list[Envelope] = []
    for version in range(1, n + 1):
        made.append(
            Envelope(
                event_id=new_id(),
                event_type=event.event_type,
                schema_version=1,
                stream_id=f"inspection-{inspection}",
                stream_version=version,
                inspection_id=inspection,
                occurred_at=datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(minutes=version),
                actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"),
                correlation_id="t",
                previous_hash=made[-1].digest() if made else None,
                payload=event.model_dump(mode="json"),
            )
        )
    return made


def verified(placed: list[tuple[int, int, Envelope]]) -> tuple[Verifier, Verification]:
    """Each (partition, offset, envelope) checked in the order given, as a reading would meet them."""
    verifier = Verifier()
    for partition, offset, envelope in placed:
        verifier.check(TOPIC, partition, offset, envelope.to_json())
    return verifier, verifier.finish(time.monotonic())


def test_a_stream_split_over_partitions_and_read_out_of_order_verifies_with_a_note() -> None:
    one = stream(4)
    # Versions 2 and 4 on partition 1, read before partition 0's versions 1 and 3.
    verifier, result = verified([(1, 0, one[1]), (1, 1, one[3]), (0, 0, one[0]), (0, 1, one[2])])
    assert result.ok, result.problems
    assert (result.events, result.streams) == (4, 1)
    [note] = result.notes
    assert note.startswith(f"{one[0].stream_id} has events on {TOPIC}[1] and {TOPIC}[0]")
    head = verifier.links[one[0].stream_id]
    assert (head.version, head.digest, head.at) == (4, one[3].digest(), f"{TOPIC}[1]@1")


def test_out_of_order_events_are_still_chained_and_a_real_gap_is_still_named() -> None:
    one, two = stream(3), stream(4)
    changed = two[1].model_copy(update={"payload": {**two[1].payload, "reason": "Changed afterwards."}})
    _, result = verified(
        [
            (0, 0, one[2]),  # version 3 first; version 2 never comes
            (0, 1, one[0]),
            (1, 0, two[2]),  # version 3 read before the changed version 2 it names
            (1, 1, two[0]),
            (1, 2, changed),
            (1, 3, two[3]),
            (1, 4, two[3]),  # delivered twice: not a problem
        ]
    )
    problems = {(p.kind, p.partition, p.offset) for p in result.problems}
    assert problems == {("versions not contiguous", 0, 0), ("broken chain", 1, 0)}, result.problems
    gap = next(p for p in result.problems if p.kind == "versions not contiguous")
    assert gap.detail == "version 3 follows 1: version 2 is missing"
    assert result.duplicates == 1


def test_a_checkpoint_is_refused_when_its_content_or_its_key_is_not_the_one_signed() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    verifier, _ = verified([(0, offset, e) for offset, e in enumerate(stream(2))])
    verifier.reading.ends[(TOPIC, 0)] = 2
    signed = checkpoints.sign(checkpoints.of(verifier, "jip", "a test"), key)
    assert checkpoints.parse(signed.to_json(), key.public_key()) == signed
    assert [(h.version, h.offset) for h in signed.streams] == [(2, 1)]
    assert [(e.topic, e.partition, e.end) for e in signed.partitions] == [(TOPIC, 0, 2)]

    shortened = signed.model_copy(update={"partitions": []})
    with pytest.raises(checkpoints.BadCheckpoint, match="its signature does not match its content"):
        checkpoints.parse(shortened.to_json(), key.public_key())
    with pytest.raises(checkpoints.BadCheckpoint, match="is signed by key"):
        checkpoints.parse(signed.to_json(), other.public_key())
    resigned = checkpoints.sign(shortened, other)  # a forger's own key: refused by the key the auditor kept
    with pytest.raises(checkpoints.BadCheckpoint, match="is signed by key"):
        checkpoints.parse(resigned.to_json(), key.public_key())
    with pytest.raises(checkpoints.BadCheckpoint, match="not a checkpoint"):
        checkpoints.parse('{"checkpoint": 1}', key.public_key())


def test_against_kept_checkpoints_a_partition_is_held_to_the_furthest_end_and_each_head_to_its_event() -> (
    None
):
    events = stream(3)
    earlier_log, _ = verified([(0, offset, e) for offset, e in enumerate(events[:2])])
    earlier_log.reading.ends[(TOPIC, 0)] = 2
    later_log, _ = verified([(0, offset, e) for offset, e in enumerate(events)])
    later_log.reading.ends[(TOPIC, 0)] = 3
    kept = [checkpoints.of(earlier_log, "jip", "interval"), checkpoints.of(later_log, "jip", "report final")]

    # The log now: rolled back to the earlier state.
    verifier = Verifier()
    checkpoints.expect(verifier, kept)
    for offset, e in enumerate(events[:2]):
        verifier.check(TOPIC, 0, offset, e.to_json())
    verifier.reading.ends[(TOPIC, 0)] = 2
    result = verifier.finish(time.monotonic())
    checkpoints.against(verifier, kept)
    assert [(p.kind, p.offset) for p in result.problems] == [("missing records", 2), ("missing event", 2)]
    records, event = result.problems
    assert records.detail.startswith(
        f"offset 2: the checkpoint of {kept[1].taken_at} covers it; the partition now"
    )
    assert event.detail.startswith(
        f"version 3 (digest {events[2].digest()[:12]}…), covered by the checkpoint"
    )
    assert event.detail.endswith("is not in the log: the stream now ends at version 2")
