"""A synthetic log of JTAIs for the benchmarks, written straight to the topics as the services write it:
each inspection scheduled and notified, its evidence items, findings and a final LSCB evaluation, with one
board register; every event names the digest of its stream's previous one. The log is made one inspection
at a time as it is written, so writing 1,000,000 events holds no more than one inspection in memory.

Also what rebuild.py and verify.py print beside their own figures: the raw aiokafka consume rate of the
same topics on the same broker in the same run (`raw_consume`), and the process's peak RSS and the
machine's core count (`machine`)."""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import resource
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from embedded.components import infrastructure
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from shared.language.contracts.evidence import Activity, Bearing, EvidenceItemRecorded
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import BoardOfficerAppointed, LscbJudgementFinalised, Office
from shared.language.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.settings import KafkaProfile, Settings
from shared.mechanics.topics import ensure_topics

INSPECTORATES = [Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION]
AGENCIES = {
    Agency.LOCAL_AUTHORITY: Inspectorate.OFSTED,
    Agency.HEALTH: Inspectorate.CQC,
    Agency.POLICE: Inspectorate.HMIC,
    Agency.PROBATION: Inspectorate.HMI_PROBATION,
}
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


FINDINGS = [kind for kind in FindingKind if kind is not FindingKind.AREA_FOR_IMPROVEMENT]


class Log:
    """Envelopes as the services write them, one clock tick apart; each stream's last digest is kept only
    while its inspection is being made (`forget`)."""

    def __init__(self) -> None:
        self.tick = 0
        self.heads: dict[str, str] = {}  # stream -> digest of its last event

    def add(self, context: str, stream_id: str, version: int, event: Event) -> tuple[str, Envelope]:
        self.tick += 1
        actor = Actor(inspectorate=Inspectorate.OFSTED, role="inspector", user="bench")
        envelope = Envelope(
            event_id=f"{stream_id}-{version}",
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream_id,
            stream_version=version,
            inspection_id=getattr(event, "inspection_id", None),
            occurred_at=START + timedelta(milliseconds=self.tick),
            actor=actor,
            correlation_id="bench",
            previous_hash=self.heads.get(stream_id),
            payload=event.model_dump(mode="json"),
        )
        self.heads[stream_id] = envelope.digest()
        return context, envelope

    def forget(self) -> None:
        self.heads.clear()


def size(inspections: int, items: int) -> int:
    """How many events `synthetic(inspections, items)` makes."""
    return 1 + inspections * (2 + items + len(FINDINGS) + 1)


def inspections_for(events: int, items: int) -> int:
    """How many inspections of `items` evidence items each make at least `events` events."""
    return max(1, math.ceil((events - 1) / (2 + items + len(FINDINGS) + 1)))


def synthetic(inspections: int, items: int) -> Iterator[tuple[str, Envelope]]:
    """The log, event by event: (context, envelope)."""
    log = Log()
    where = {"area_code": "E08000036", "local_area": "Wakefield"}
    yield log.add(
        "lscb", "lscb-board-E08000036", 1, BoardOfficerAppointed(**where, office=Office.CHAIR, name="Chair")
    )
    log.forget()
    for n in range(inspections):
        iid = f"bench-{n:05d}"
        starts = date(2026, 1, 5) + timedelta(weeks=n)
        scheduled = InspectionScheduled(
            inspection_id=iid,
            programme="jtai-2015",
            **where,
            deep_dive_theme="neglect",
            announced=True,
            fieldwork_starts=starts,
            fieldwork_ends=starts + timedelta(days=4),
            notice_date=starts - timedelta(days=12),
            inspectorates=INSPECTORATES,
            agencies=AGENCIES,
        )
        yield log.add("scheduling", f"inspection-{iid}", 1, scheduled)
        notified = NotificationRecorded(
            inspection_id=iid,
            recipient=Recipient.LSCB_CHAIR,
            agency=None,
            notified_by=Inspectorate.OFSTED,
            notified_at=START,
            addressee="Chair",
        )
        yield log.add("scheduling", f"inspection-{iid}", 2, notified)
        for k in range(items):
            agency = list(AGENCIES)[k % 4]
            item = EvidenceItemRecorded(
                inspection_id=iid,
                evidence_item_id=f"{iid}-ev-{k}",
                inspectorate=AGENCIES[agency],
                inspector="bench",
                agency=agency,
                activity=Activity.CASE_SAMPLING,
                judgement_area="deep_dive",
                criteria=[],
                bearing=Bearing.WEAKNESS if k % 3 else Bearing.STRENGTH,
                case_reference=f"CASE-{k % 97:04d}",
                summary="Risk assessments of children who go missing did not consider exploitation.",
            )
            yield log.add("evidence", f"evidence-item-{iid}-ev-{k}", 1, item)
        for f, kind in enumerate(FINDINGS):
            cited = [f"{iid}-ev-{k}" for k in range(f, min(items, f + 6), 3)] or [f"{iid}-ev-0"]
            finding = FindingRecorded(
                inspection_id=iid,
                finding_id=f"{iid}-f-{f}",
                kind=kind,
                addressed_to=Agency.PARTNERSHIP,
                text=f"Finding {f} of inspection {n}.",
                evidence_item_ids=cited,
            )
            yield log.add("judgement", f"findings-{iid}", f + 1, finding)
        final = LscbJudgementFinalised(
            inspection_id=iid,
            proposal=1,
            grade=None,
            text="The board holds partners to account.",
            evidence_item_ids=[f"{iid}-ev-0"],
            signed_off_by=INSPECTORATES,
        )
        yield log.add("lscb", f"lscb-evaluation-{iid}", 1, final)
        log.forget()


async def publish(settings: Settings, log: Iterator[tuple[str, Envelope]]) -> float:
    """Every event of `log` written to its context's events topic, 5,000 at a time; the seconds it took."""
    producer = AIOKafkaProducer(**settings.producer_options(), max_batch_size=1024 * 1024)
    await producer.start()
    started = time.perf_counter()
    written = 0
    try:
        while chunk := list(itertools.islice(log, 5000)):
            acks = [
                # Every stream here is one inspection's, so keyed by it (shared/mechanics/eventstore.py).
                await producer.send(
                    settings.events_topic(context), e.to_json(), key=(e.inspection_id or e.stream_id).encode()
                )
                for context, e in chunk
            ]
            await asyncio.gather(*acks)
            written += len(acks)
            if written % 50_000 == 0:
                progress(f"  {written:,} events written ({written / (time.perf_counter() - started):,.0f}/s)")
        progress(f"  {written:,} events written in {time.perf_counter() - started:.1f} s")
    finally:
        await producer.stop()
    return time.perf_counter() - started


@dataclass(frozen=True)
class Raw:
    """A plain consumer's reading of some topics: the baseline the benchmarks compare themselves with."""

    records: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds


async def raw_consume(settings: Settings, topics: Sequence[str], expected: int) -> Raw:
    """Every record of `topics` read from offset 0 by a plain AIOKafkaConsumer (its default fetch settings,
    no group, nothing done with the records), timed from its start to the `expected`-th record, or to the
    last one read when no record has come for 10 s."""
    consumer = AIOKafkaConsumer(
        *topics,
        **settings.kafka_security(),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    started = time.perf_counter()
    await consumer.start()
    read, last = 0, time.perf_counter()
    try:
        while read < expected and time.perf_counter() - last < 10:
            fetched = await consumer.getmany(timeout_ms=500)
            count = sum(len(records) for records in fetched.values())
            if count:
                read, last = read + count, time.perf_counter()
    finally:
        await consumer.stop()
    return Raw(read, last - started)


def machine() -> str:
    """The process's peak RSS and the machine's core count, as a line."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    return f"peak RSS of this process: {peak:,.0f} MB; {os.cpu_count()} cores (os.cpu_count())"


@asynccontextmanager
async def servers() -> AsyncIterator[Settings]:
    """A broker and database of their own, on free ports in a scratch folder, with the topics made;
    stopped and removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="jip-bench-") as scratch:
        data_dir = Path(scratch)
        ports = Ports.free()
        supervisor = Supervisor(data_dir)
        try:
            await supervisor.up(
                ports, infrastructure(data_dir, ports), progress=lambda line: progress(line.strip())
            )
            settings = Settings(
                kafka_bootstrap_servers=ports.kafka_bootstrap,
                mongodb_uri=ports.mongodb_uri,
                kafka_profile=KafkaProfile.TANSU,
                namespace="bench",
            )
            await ensure_topics(settings.kafka_bootstrap_servers, settings.namespace, 3)
            yield settings
        finally:
            supervisor.stop(progress=lambda _: None)
