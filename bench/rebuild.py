"""Benchmark: rebuild every document of the reporting service from a log of at least 100,000 events.

    uv run python bench/rebuild.py                    # 200 JTAI inspections of 500 evidence items each
    uv run python bench/rebuild.py -i 50 -e 200       # smaller

Starts the embedded broker and database on free ports, writes a synthetic log straight to the topics
(each inspection: scheduled, notified, evidence items, findings, a final LSCB evaluation; one board
register), then runs the same rebuild as `jip documents rebuild` twice: from an empty read model (every
document new), and again over the rebuilt one, where every checksum must match. Figures go to stdout
(events/s read into the read model; documents/s rendered); progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from jip.stack import Ports, Supervisor, infrastructure
from services.reporting.rebuild import Summary, rebuild
from shared.catalogue import Event
from shared.contracts.evidence import Activity, Bearing, EvidenceItemRecorded
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.lscb import BoardOfficerAppointed, LscbJudgementFinalised, Office
from shared.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.contracts.vocabulary import Agency
from shared.envelope import Actor, Envelope, Inspectorate
from shared.settings import KafkaProfile, Settings
from shared.topics import ensure_topics

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
                payload=event.model_dump(mode="json"),
            )
        )

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
                    await producer.send(topic, e.to_json(), key=e.key.encode())
                    for e in envelopes[chunk : chunk + 5000]
                ]
                await asyncio.gather(*acks)
            progress(f"  {len(envelopes):,} events on {topic}")
    finally:
        await producer.stop()
    return time.perf_counter() - started


def figures(summary: Summary) -> dict[str, Any]:
    return {
        "events_read": summary.events_read,
        "events_kept": summary.events_kept,
        "read_seconds": round(summary.read_seconds, 1),
        "events_per_s": round(summary.events_read / summary.read_seconds),
        "documents": summary.documents,
        "render_seconds": round(summary.render_seconds, 1),
        "documents_per_s": round(summary.documents / summary.render_seconds, 1),
        "events_rendered_per_s": round(summary.events_kept / summary.render_seconds),
        "matching": len(summary.matching),
        "changed": len(summary.changed),
        "new": len(summary.new),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    log = synthetic(args.inspections, args.items)
    progress(f"synthetic log: {log.size:,} events, {args.inspections} inspections")
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
            produced = await publish(settings, log)
            progress("rebuild 1: from an empty read model")
            first = await rebuild(settings, progress)
            progress("rebuild 2: drop the read model and rebuild it again; every checksum must match")
            second = await rebuild(settings, progress)
        finally:
            supervisor.stop(progress=lambda _: None)
    return {
        "log": {"events": log.size, "inspections": args.inspections, "publish_seconds": round(produced, 1)},
        "first": figures(first),
        "second": figures(second),
        "all_match": second.ok and len(second.matching) == second.documents,
    }


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-i", "--inspections", type=int, default=200, help="inspections (default 200)")
    parser.add_argument("-e", "--items", type=int, default=500, help="evidence items each (default 500)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = asyncio.run(main(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    second = result["second"]
    print(
        f"Log: {result['log']['events']:,} events ({result['log']['inspections']} inspections)\n"
        f"Rebuild (drop, replay, render, compare):\n"
        f"  read into the read model: {second['events_read']:,} events in {second['read_seconds']} s "
        f"= {second['events_per_s']:,} events/s\n"
        f"  rendered: {second['documents']} documents in {second['render_seconds']} s "
        f"= {second['documents_per_s']} documents/s ({second['events_rendered_per_s']:,} events/s)\n"
        f"  checksums: {second['matching']} of {second['documents']} match"
        + ("" if result["all_match"] else f", {second['changed']} CHANGED")
    )


if __name__ == "__main__":
    cli()
