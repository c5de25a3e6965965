"""The inspectorate's example consumer (examples/inspectorate_consumer/consumer.py) against the real
broker, run as its own process the way an inspectorate would run it: envelopes published as the platform
publishes them, with an amendment, a withdrawal, a redelivery, a broken chain, a gap, a newer schema
version and records that are no envelope at all. Its SQLite file is then read directly."""

from __future__ import annotations

import ast
import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.subjects import seal_with
from shared.mechanics.catalogue import InspectionEvent
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, digest_of, new_id, utc_now
from shared.mechanics.settings import KafkaProfile, Settings

EXAMPLE = Path(__file__).parents[2] / "examples" / "inspectorate_consumer" / "consumer.py"
PROJECT = {"shared", "services", "jip", "tests", "contract", "bench", "examples"}


def envelope(
    event_type: str,
    stream_id: str,
    version: int,
    payload: dict[str, Any],
    inspection_id: str,
    previous: str | None = None,
    schema_version: int = 1,
) -> Envelope:
    return Envelope(
        event_id=new_id(),
        event_type=event_type,
        schema_version=schema_version,
        stream_id=stream_id,
        stream_version=version,
        inspection_id=inspection_id,
        occurred_at=utc_now(),
        actor=Actor(inspectorate=Inspectorate.HMIC, role="inspector", user="hmic-7"),
        correlation_id="c-1",
        previous_hash=previous,
        payload=payload,
    )


def of(event: InspectionEvent, stream_id: str, version: int, previous: Envelope | None = None) -> Envelope:
    return envelope(
        event.event_type,
        stream_id,
        version,
        event.model_dump(mode="json"),
        event.inspection_id,
        previous.digest() if previous else None,
    )


def item(
    inspection_id: str, item_id: str, summary: str, bearing: Bearing = Bearing.WEAKNESS
) -> dict[str, Any]:
    return {
        "inspection_id": inspection_id,
        "evidence_item_id": item_id,
        "inspectorate": Inspectorate.HMIC,
        "inspector": "hmic-7",
        "agency": Agency.POLICE,
        "activity": Activity.CASE_TRACKING,
        "judgement_area": "deep_dive",
        "bearing": bearing,
        "case_reference": "WKF-0042",
        "summary": summary,
    }


async def consume(settings: Settings, database: Path, group: str) -> dict[str, int]:
    """Run the example until it has been idle for 3 s; what it says it read."""
    session_ms = "3000" if settings.kafka_profile is KafkaProfile.TANSU else "10000"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        *("--bootstrap", settings.kafka_bootstrap_servers, "--namespace", settings.namespace),
        *("--contexts", "scheduling,evidence,reporting", "--group", group, "--database", str(database)),
        *("--idle-exit", "3", "--session-timeout-ms", session_ms),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    counts: dict[str, int] = json.loads(out.decode().strip().splitlines()[-1])
    return counts


def rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(query).fetchall()


async def test_the_example_mirrors_applies_and_skips_then_resumes_where_it_left_off(
    settings: Settings, tmp_path: Path
) -> None:
    inspection_id = new_id()
    a, b, c = (f"{inspection_id[:8]}-{n}" for n in "abc")
    scheduled = envelope(
        "scheduling.InspectionScheduled",
        f"inspection-{inspection_id}",
        1,
        {"inspection_id": inspection_id, "programme": "jtai-2015", "local_area": "Wakefield"},
        inspection_id,
    )
    no_payload = envelope("scheduling.MeetingScheduled", f"inspection-{inspection_id}", 2, {}, inspection_id)
    a1 = of(
        EvidenceItemRecorded(**item(inspection_id, a, "Risk assessments miss exploitation.")),
        f"evidence-item-{a}",
        1,
    )
    b1 = of(
        EvidenceItemRecorded(**item(inspection_id, b, "Referral acted on at once.")), f"evidence-item-{b}", 1
    )
    # A field this consumer has never heard of: kept, and covered by the digest the next event names.
    b1_published = {**b1.model_dump(mode="json"), "data_classification": "official-sensitive"}
    amended = item(
        inspection_id, a, "Risk assessments of missing children miss exploitation.", Bearing.STRENGTH
    )
    # Version 2 seals a summary about a case to the case's key: the consumer keeps the sealed JSON.
    subject = f"{inspection_id}/{amended['case_reference']}"
    amended["summary"] = seal_with(AESSIV.generate_key(512), subject, str(amended["summary"]))
    a2 = of(EvidenceItemAmended(**amended, reason="Wrong bearing."), f"evidence-item-{a}", 2, a1)
    withdrawal = {"inspectorate": "hmic", "inspector": "hmic-7", "reason": "Wrong case."}
    b2 = envelope(
        EvidenceItemWithdrawn.event_type,
        f"evidence-item-{b}",
        2,
        {
            **EvidenceItemWithdrawn(inspection_id=inspection_id, evidence_item_id=b, **withdrawal).model_dump(
                mode="json"
            )
        },
        inspection_id,
        digest_of(b1_published),
    )
    c1 = of(
        EvidenceItemRecorded(**item(inspection_id, c, "Strategy meetings are timely.")),
        f"evidence-item-{c}",
        1,
    )
    c2_newer = envelope(
        EvidenceItemAmended.event_type,
        f"evidence-item-{c}",
        2,
        {**amended, "evidence_item_id": c, "reason": "v3 shape", "confidence": "high"},
        inspection_id,
        c1.digest(),
        schema_version=3,
    )
    sample = {"inspection_id": inspection_id, "sample": "shared", "case_reference": "WKF-0042"}
    f1 = envelope("evidence.SampleCaseAdded", f"evidence-file-{inspection_id}", 1, sample, inspection_id)
    f2_tampered = envelope(
        "evidence.SampleCaseRemoved", f"evidence-file-{inspection_id}", 2, sample, inspection_id, "0" * 64
    )
    line = {"inspection_id": inspection_id, "line_id": "loe-1"}
    l1 = envelope("evidence.LineOfEnquiryRaised", "line-of-enquiry-loe-1", 1, line, inspection_id)
    l3_after_gap = envelope(
        "evidence.LineOfEnquiryClosed", "line-of-enquiry-loe-1", 3, line, inspection_id, l1.digest()
    )
    # An event type this consumer does not apply, in a version newer than any today: mirrored as it is.
    r1 = envelope(
        "reporting.ReportDrafted", f"report-{inspection_id}", 1, {"draft": 1}, inspection_id, None, 3
    )
    j1 = envelope("judgement.FindingRecorded", f"findings-{inspection_id}", 1, {}, inspection_id)

    def raw(e: Envelope) -> bytes:
        return e.to_json()

    unreadable_payload = {k: v for k, v in no_payload.model_dump(mode="json").items() if k != "payload"}
    sends: list[tuple[str, str, bytes]] = [
        ("scheduling", "scheduled", raw(scheduled)),
        ("scheduling", "no_payload", json.dumps(unreadable_payload).encode()),
        ("evidence", "a1", raw(a1)),
        ("evidence", "b1", json.dumps(b1_published).encode()),
        ("evidence", "a2", raw(a2)),
        ("evidence", "b2", raw(b2)),
        ("evidence", "a2 again", raw(a2)),  # at least once: the same event delivered twice
        ("evidence", "c1", raw(c1)),
        ("evidence", "c2", raw(c2_newer)),
        ("evidence", "malformed", b'{"event_id": "x", "event_type": '),
        ("evidence", "f1", raw(f1)),
        ("evidence", "f2", raw(f2_tampered)),
        ("evidence", "l1", raw(l1)),
        ("evidence", "l3", raw(l3_after_gap)),
        ("reporting", "r1", raw(r1)),
        ("judgement", "j1", raw(j1)),  # a context the example was not asked to read
    ]
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    where: dict[str, RecordMetadata] = {}
    try:
        for context, name, value in sends:
            where[name] = await producer.send_and_wait(
                settings.events_topic(context), value, key=inspection_id.encode()
            )
    finally:
        await producer.stop()

    database, group = tmp_path / "ofsted.sqlite3", f"{settings.namespace}-ofsted-records"
    assert await consume(settings, database, group) == {
        "read": 15,
        "stored": 11,
        "duplicates": 1,
        "rejected": 3,
    }

    # Every valid event once, where it was read, with the digest the platform computes.
    stored = {
        r[0]: r[1:]
        for r in rows(database, 'SELECT event_id, topic, "partition", "offset", digest, envelope FROM events')
    }
    mirrored = {"scheduled": scheduled, "a1": a1, "b1": b1, "a2": a2, "b2": b2, "c1": c1}
    mirrored |= {"f1": f1, "f2": f2_tampered, "l1": l1, "l3": l3_after_gap, "r1": r1}
    assert set(stored) == {e.event_id for e in mirrored.values()}
    for name, event in mirrored.items():
        topic, partition, offset, digest, _ = stored[event.event_id]
        assert (topic, partition, offset) == (where[name].topic, where[name].partition, where[name].offset)
        assert digest == (digest_of(b1_published) if name == "b1" else event.digest())
    assert json.loads(stored[b1.event_id][4])["data_classification"] == "official-sensitive"

    # Evidence items as they stand: the amendment replaced the details, the withdrawal marked the item,
    # and the amendment of a newer schema version was not applied.
    items = rows(
        database,
        "SELECT evidence_item_id, bearing, summary, version, withdrawn, correction FROM evidence_items",
    )
    assert sorted(items) == sorted(
        [
            (
                a,
                "strength",
                json.dumps(amended["summary"].model_dump(), sort_keys=True),
                2,
                0,
                "Wrong bearing.",
            ),
            (b, "weakness", "Referral acted on at once.", 2, 1, "Wrong case."),
            (c, "weakness", "Strategy meetings are timely.", 1, 0, None),
        ]
    )
    assert sorted(r[0] for r in rows(database, "SELECT evidence_item_id FROM evidence_standing")) == sorted(
        [a, c]
    )

    # The chain held where it was intact (b2 names the digest of b1 with its unknown field), and not where
    # it was broken; the skipped version was noticed.
    assert sorted(rows(database, "SELECT event_id, kind FROM anomalies")) == sorted(
        [(f2_tampered.event_id, "chain_break"), (l3_after_gap.event_id, "gap")]
    )

    # What it could not read or handle, by where it was, with its reason and its bytes.
    rejected = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in rows(database, 'SELECT topic, "partition", "offset", reason, value FROM rejected')
    }
    expected = {"malformed": "not JSON", "no_payload": "payload", "c2": "parked"}
    assert set(rejected) == {(where[n].topic, where[n].partition, where[n].offset) for n in expected}
    values = {name: value for _, name, value in sends}
    for name, words in expected.items():
        reason, value = rejected[(where[name].topic, where[name].partition, where[name].offset)]
        assert words in reason, reason
        assert value == values[name]

    # Offsets were committed: the same group, run again, reads nothing new and changes nothing.
    before = {t: rows(database, f"SELECT * FROM {t}") for t in ("events", "evidence_items", "rejected")}
    assert await consume(settings, database, group) == {
        "read": 0,
        "stored": 0,
        "duplicates": 0,
        "rejected": 0,
    }
    assert {t: rows(database, f"SELECT * FROM {t}") for t in before} == before


def test_the_example_imports_nothing_of_the_project() -> None:
    tree = ast.parse(EXAMPLE.read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import"
            imported.add((node.module or "").split(".")[0])
    assert "aiokafka" in imported
    assert not imported & PROJECT
    assert imported <= set(sys.stdlib_module_names) | {"aiokafka"}, imported - set(sys.stdlib_module_names)


def test_the_example_explains_itself() -> None:
    shown = subprocess.run(
        [sys.executable, str(EXAMPLE), "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    for option in ("--bootstrap", "--namespace", "--contexts", "--group", "--database", "--idle-exit"):
        assert option in shown.stdout
    assert "rejected" in shown.stdout
