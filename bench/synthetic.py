"""A synthetic log of JTAIs for the benchmarks, written straight to the topics as the services write it:
each inspection scheduled and notified, its evidence items, findings and a final LSCB evaluation, with one
board register; every event names the digest of its stream's previous one."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer

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


class Log:
    """Envelopes as the services write them, one clock tick apart."""

    def __init__(self) -> None:
        self.by_context: dict[str, list[Envelope]] = {}
        self.tick = 0
        self.heads: dict[str, str] = {}  # stream -> digest of its last event

    def add(self, context: str, stream_id: str, version: int, event: Event) -> None:
        self.tick += 1
        actor = Actor(inspectorate=Inspectorate.OFSTED, role="inspector", user="bench")
        self.by_context.setdefault(context, []).append(
            Envelope(
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
        )
        self.heads[stream_id] = self.by_context[context][-1].digest()

    @property
    def size(self) -> int:
        return sum(len(e) for e in self.by_context.values())


def synthetic(inspections: int, items: int) -> Log:
    log = Log()
    where = {"area_code": "E08000036", "local_area": "Wakefield"}
    log.add(
        "lscb", "lscb-board-E08000036", 1, BoardOfficerAppointed(**where, office=Office.CHAIR, name="Chair")
    )
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
        log.add("scheduling", f"inspection-{iid}", 1, scheduled)
        notified = NotificationRecorded(
            inspection_id=iid,
            recipient=Recipient.LSCB_CHAIR,
            agency=None,
            notified_by=Inspectorate.OFSTED,
            notified_at=START,
            addressee="Chair",
        )
        log.add("scheduling", f"inspection-{iid}", 2, notified)
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
            log.add("evidence", f"evidence-item-{iid}-ev-{k}", 1, item)
        for f, kind in enumerate(FindingKind):
            if kind is FindingKind.AREA_FOR_IMPROVEMENT:
                continue
            cited = [f"{iid}-ev-{k}" for k in range(f, min(items, f + 6), 3)] or [f"{iid}-ev-0"]
            finding = FindingRecorded(
                inspection_id=iid,
                finding_id=f"{iid}-f-{f}",
                kind=kind,
                addressed_to=Agency.PARTNERSHIP,
                text=f"Finding {f} of inspection {n}.",
                evidence_item_ids=cited,
            )
            log.add("judgement", f"findings-{iid}", f + 1, finding)
        final = LscbJudgementFinalised(
            inspection_id=iid,
            proposal=1,
            grade=None,
            text="The board holds partners to account.",
            evidence_item_ids=[f"{iid}-ev-0"],
            signed_off_by=INSPECTORATES,
        )
        log.add("lscb", f"lscb-evaluation-{iid}", 1, final)
    return log


async def publish(settings: Settings, log: Log) -> float:
    producer = AIOKafkaProducer(**settings.producer_options(), max_batch_size=1024 * 1024)
    await producer.start()
    started = time.perf_counter()
    try:
        for context, envelopes in log.by_context.items():
            topic = settings.events_topic(context)
            for chunk in range(0, len(envelopes), 5000):
                acks = [
                    # Every stream here is one inspection's, so keyed by it (shared/mechanics/eventstore.py).
                    await producer.send(topic, e.to_json(), key=(e.inspection_id or e.stream_id).encode())
                    for e in envelopes[chunk : chunk + 5000]
                ]
                await asyncio.gather(*acks)
            progress(f"  {len(envelopes):,} events on {topic}")
    finally:
        await producer.stop()
    return time.perf_counter() - started


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
