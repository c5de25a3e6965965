"""`jip audit` against the real broker: the log the event store writes verifies; a tampered, corrupt,
truncated, unknown or gapped record is named with its topic, partition and offset; an inspection's history
is exported and replayed as at a time."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from audit import NotYet
from audit.inspection import as_of, envelopes_of
from audit.log import verify
from embedded.demo import first_fieldwork_week
from jip.cli import main
from services.scheduling.app import build as scheduling
from shared.language.contracts.scheduling import InspectionCancelled
from shared.language.workdays import today_in_england
from shared.mechanics.clock import CLOCK
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id
from shared.mechanics.settings import Settings
from tests.helpers import actor, eventually, ok, on_the_notice_date, rehearsal, running

OFSTED = actor("ofsted", "lead_inspector")


def chained(stream_id: str, payloads: list[tuple[str, dict[str, Any]]], inspection_id: str) -> list[Envelope]:
    """Envelopes of one stream as the event store writes them: each names the digest of the one before."""
    made: list[Envelope] = []
    for version, (event_type, payload) in enumerate(payloads, start=1):
        envelope = Envelope(
            event_id=new_id(),
            event_type=event_type,
            schema_version=1,
            stream_id=stream_id,
            stream_version=version,
            inspection_id=inspection_id,
            occurred_at=datetime(2026, 3, 1, 9, tzinfo=UTC) + timedelta(minutes=version),
            actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"),
            correlation_id="t",
            previous_hash=made[-1].digest() if made else None,
            payload=payload,
        )
        made.append(envelope)
    return made


def cancellations(inspection_id: str, n: int) -> list[tuple[str, dict[str, Any]]]:
    event = InspectionCancelled(inspection_id=inspection_id, reason="A test of the audit.")
    return [(event.event_type, event.model_dump(mode="json"))] * n


async def produce(settings: Settings, topic: str, values: list[bytes], key: bytes = b"k") -> None:
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


def use(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIP_KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap_servers)
    monkeypatch.setenv("JIP_MONGODB_URI", settings.mongodb_uri)
    monkeypatch.setenv("JIP_NAMESPACE", settings.namespace)
    monkeypatch.setenv("JIP_KAFKA_PROFILE", settings.kafka_profile.value)


async def test_the_log_the_platform_writes_verifies_exports_and_replays(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A rehearsal platform: notice is given on the notice date, not earlier (001 Proposal two), so the clock
    # is moved on to that day; times below are the platform's clock, as the events are stamped with it.
    async with running(scheduling(rehearsal(settings))) as api:
        body = {
            "area": "Wakefield",
            "deep_dive_theme": "neglect",
            "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
        }
        before_scheduling = CLOCK.now()
        scheduled = await ok(await api.post("/inspections", headers=OFSTED, json=body))
        inspection_id = scheduled["inspection_id"]
        await on_the_notice_date(api, scheduled["notice_date"])
        before_notice = CLOCK.now()
        await asyncio.sleep(0.05)
        notice = {"recipient": "lscb_chair"}
        await ok(await api.post(f"/inspections/{inspection_id}/notifications", headers=OFSTED, json=notice))

        async def published() -> bool:
            found = await envelopes_of(settings, inspection_id, lambda _: None)
            return any(e.event_type == "scheduling.NotificationRecorded" for _, e in found)

        await eventually(published, seconds=30)

    result = await verify(settings, lambda _: None)
    assert result.ok, result.problems
    assert result.events >= 5
    found = [e for _, e in await envelopes_of(settings, inspection_id, lambda _: None)]
    stream = [e for e in found if e.stream_id == f"inspection-{inspection_id}"]
    assert stream[0].previous_hash is None
    assert all(later.previous_hash == earlier.digest() for earlier, later in pairwise(stream))

    assert as_of(found, before_notice)["notified"] == []
    assert as_of(found, CLOCK.now())["notified"] == ["lscb_chair"]
    with pytest.raises(NotYet, match="did not exist yet"):
        as_of(found, before_scheduling - timedelta(days=1))

    use(settings, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    assert "the log verifies" in capsys.readouterr().out
    assert (
        await asyncio.to_thread(
            main, ["audit", "export", "--inspection", inspection_id, "--format", "timeline"]
        )
        == 0
    )
    timeline = capsys.readouterr().out
    assert "scheduling.InspectionScheduled" in timeline
    assert "scheduling.NotificationRecorded" in timeline
    assert await asyncio.to_thread(main, ["audit", "export", "--inspection", inspection_id]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [e.event_id for e in found]
    assert (
        await asyncio.to_thread(
            main,
            ["audit", "as-of", CLOCK.now().isoformat(), "--inspection", inspection_id, "--document"],
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("# Joint targeted area inspection")


async def test_a_tampered_event_and_every_bad_record_are_named_and_verify_carries_on(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = settings.events_topic("scheduling")
    iid = new_id()
    good = chained(f"inspection-{iid}", cancellations(iid, 4), iid)
    # Someone edits event 2 after it was written: event 3 still names the original.
    edited = good[1].model_copy(update={"payload": {**good[1].payload, "reason": "Changed afterwards."}})
    gap_id = new_id()
    gapped = chained(f"inspection-{gap_id}", cancellations(gap_id, 3), gap_id)
    unknown = good[0].model_copy(
        update={"event_id": new_id(), "stream_id": "other-1", "event_type": "scheduling.Nope"}
    )
    future = good[0].model_copy(update={"event_id": new_id(), "stream_id": "other-2", "schema_version": 99})
    values = [
        good[0].to_json(),
        edited.to_json(),
        good[2].to_json(),
        good[3].to_json(),
        good[3].to_json(),  # delivered twice: not a problem
        b"this is not json",
        good[0].to_json()[:40],  # truncated
        b'{"event_id": "x", "payload": {}}',  # JSON, but no envelope
        unknown.to_json(),
        future.to_json(),
        gapped[0].to_json(),
        gapped[2].to_json(),  # version 2 never arrives
    ]
    await produce(settings, topic, values)

    result = await verify(settings, lambda _: None)
    problems = {(p.kind, p.offset) for p in result.problems}
    assert ("broken chain", 2) in problems  # names the event after the edit, and the edited one's place
    assert any(p.kind == "broken chain" and "@1 (version 2)" in p.detail for p in result.problems)
    assert ("corrupt record", 5) in problems
    assert ("corrupt record", 6) in problems
    assert ("not an envelope", 7) in problems
    assert ("unknown event type", 8) in problems
    assert ("newer version", 9) in problems
    assert ("versions not contiguous", 11) in problems
    assert result.duplicates == 1
    assert len(result.problems) == 7
    partition = result.problems[0].partition  # one key: one partition
    assert all((p.topic, p.partition) == (topic, partition) for p in result.problems)

    use(settings, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"{topic}[{partition}]@2 inspection-{iid}: broken chain" in out
    assert "7 problem(s)" in out
