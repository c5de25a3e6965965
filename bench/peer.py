"""Benchmark: the same workload on a single-process peer, the `eventsourcing` library on SQLite files,
beside this platform's pipeline, in one run (issue 24 §6): the figure to weigh when choosing between a
monolith and this suite.

    uv run python bench/peer.py                       # 300 items from 8 clients, 100 one at a time
    uv run python bench/peer.py --items 2000 --clients 16

The workload on both: a command records an evidence item (bench/pipeline.py's items: police, weakness or
strength) and a projection keeps a per-agency profile from it. The peer is one process: an
`eventsourcing` application records an EvidenceItem aggregate in its SQLite file (WAL, a commit per item),
and a follower in its own thread (the library's MultiThreadedRunner) pulls the new event and records the
agency's profile (counts by bearing) with its tracking position in a second SQLite file, in one
transaction. An item has arrived when the follower has committed it. The platform is bench/pipeline.py on
the embedded stack: HTTP POST -> event store + outbox -> relay -> Kafka -> the judgement read model.

Each is measured one item at a time (nothing else in flight), then under load (`--clients` threads on the
peer, concurrent HTTP clients on the platform): p50/p99 from the command to the item's arrival, and items
per second from the first command to the last arrival. The table gives the platform's figure over the
peer's, and the machine's core count. Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from baselines import progress, summary
from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEventProtocol, event
from eventsourcing.persistence import Tracking
from eventsourcing.system import Follower, Leader, MultiThreadedRunner, System
from pipeline import evidence_item, measure


class EvidenceItem(Aggregate):
    """An evidence item as an inspector records it."""

    class Recorded(Aggregate.Created):
        agency: str
        activity: str
        judgement_area: str
        bearing: str
        case_reference: str
        summary: str

    @event(Recorded)
    def __init__(
        self,
        agency: str,
        activity: str,
        judgement_area: str,
        bearing: str,
        case_reference: str,
        summary: str,
    ) -> None:
        self.agency = agency
        self.activity = activity
        self.judgement_area = judgement_area
        self.bearing = bearing
        self.case_reference = case_reference
        self.summary = summary


class AgencyProfile(Aggregate):
    """How many evidence items an agency has of each bearing."""

    class Started(Aggregate.Created):
        agency: str

    class Counted(Aggregate.Event):
        bearing: str

    @staticmethod
    def create_id(agency: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/agency-profiles/{agency}")

    @event(Started)
    def __init__(self, agency: str) -> None:
        self.agency = agency
        self.bearings: dict[str, int] = {}

    @event(Counted)
    def count(self, bearing: str) -> None:
        self.bearings[bearing] = self.bearings.get(bearing, 0) + 1


class Arrivals:
    """When each evidence item reached its agency's profile, noted by the follower's thread."""

    def __init__(self) -> None:
        self.seen: dict[UUID, float] = {}
        self.changed = threading.Condition()

    def note(self, item_id: UUID) -> None:
        with self.changed:
            self.seen[item_id] = time.perf_counter()
            self.changed.notify_all()

    def arrival(self, item_id: UUID, timeout: float = 60) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: item_id in self.seen, timeout):
                raise TimeoutError(f"evidence item {item_id} did not reach its profile in {timeout} s")
            return self.seen[item_id]


class Evidence(Leader[UUID]):
    """The peer's command side: records evidence items."""

    def record(self, **item: str) -> UUID:
        recorded = EvidenceItem(**item)
        self.save(recorded)
        return recorded.id


class AgencyProfiles(Follower[UUID]):
    """The peer's projection: each agency's profile, recorded with the position of the event it follows."""

    arrivals: Arrivals | None = None

    def policy(
        self, domain_event: DomainEventProtocol[UUID], processing_event: ProcessingEvent[UUID]
    ) -> None:
        if isinstance(domain_event, EvidenceItem.Recorded):
            try:
                profile: AgencyProfile = self.repository.get(AgencyProfile.create_id(domain_event.agency))
            except AggregateNotFoundError:
                profile = AgencyProfile(domain_event.agency)
            profile.count(domain_event.bearing)
            processing_event.collect_events(profile)

    def process_event(self, domain_event: DomainEventProtocol[UUID], tracking: Tracking) -> None:
        super().process_event(domain_event, tracking)  # committed: the profile and its tracking position
        if self.arrivals is not None:
            self.arrivals.note(domain_event.originator_id)


def peer(scratch: Path, items: int, clients: int, sequential: int) -> dict[str, Any]:
    """The peer's figures, its SQLite files in `scratch`; the police profile must count every item."""
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "EVIDENCE_SQLITE_DBNAME": str(scratch / "evidence.sqlite"),
        "AGENCYPROFILES_SQLITE_DBNAME": str(scratch / "profiles.sqlite"),
        "AGENCYPROFILES_AGGREGATE_CACHE_MAXSIZE": "100",  # a profile is not replayed for every item
    }
    runner: MultiThreadedRunner[UUID] = MultiThreadedRunner(System(pipes=[[Evidence, AgencyProfiles]]), env)
    arrivals = Arrivals()
    runner.get(AgencyProfiles).arrivals = arrivals
    runner.start()
    try:
        evidence = runner.get(Evidence)

        def record(n: int) -> tuple[float, float, UUID]:
            started = time.perf_counter()
            item_id = evidence.record(**evidence_item(n))
            return started, time.perf_counter(), item_id

        progress(f"peer: {sequential} items one at a time")
        alone = []
        for n in range(sequential):
            started, _, item_id = record(n)
            alone.append(arrivals.arrival(item_id) - started)

        progress(f"peer: {items} items from {clients} threads")
        began = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            sent = list(pool.map(record, range(items)))
        accepted = time.perf_counter()
        landed = [arrivals.arrival(item_id) for _, _, item_id in sent]
        finished = max(landed)
        profile: AgencyProfile = runner.get(AgencyProfiles).repository.get(AgencyProfile.create_id("police"))
        if sum(profile.bearings.values()) != sequential + items:
            raise RuntimeError(f"the police profile counted {profile.bearings}, not {sequential + items}")
    finally:
        runner.stop()
    return {
        "one_at_a_time": summary(alone),
        "under_load": {
            **summary([a - s for (s, _, _), a in zip(sent, landed, strict=True)]),
            "clients": clients,
            "command_accept": summary([done - s for s, done, _ in sent]),
            "commands_per_s": round(items / (accepted - began)),
            "items_per_s_end_to_end": round(items / (finished - began)),
        },
        "profile": profile.bearings,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jip-peer-") as scratch:
        progress(f"peer: eventsourcing on SQLite files in {scratch}")
        measured = peer(Path(scratch), args.items, args.clients, args.sequential)
    try:
        platform = (await measure(args.items, args.clients, args.sequential, kafka_records=0))["pipeline"]
    except (
        Exception
    ) as failure:  # the peer's figures are printed all the same, with what stopped the platform
        progress(f"the platform's pipeline did not finish: {failure!r}")
        platform = {"failed": f"{type(failure).__name__}: {failure}"}
    return {
        "peer": measured,
        "platform": platform,
        "setup": {
            "peer": f"eventsourcing {version('eventsourcing')}, SQLite files (WAL), MultiThreadedRunner",
            "platform": "bench/pipeline.py on the embedded stack (tansu, SecantusDB)",
            "items": args.items,
            "clients": args.clients,
            "sequential": args.sequential,
            "cores": os.cpu_count(),
        },
    }


def report(figures: dict[str, Any]) -> str:
    peer_, platform = figures["peer"], figures["platform"]
    setup = figures["setup"]
    failed = "failed" in platform
    clients = setup["clients"]

    def row(label: str, a: float, b: float | None, unit: str) -> str:
        if b is None:
            return f"  {label:<26} {a:>10} {'-':>10} {'-':>14}  {unit}"
        ratio = b / max(a, 0.1)
        return f"  {label:<26} {a:>10} {b:>10} {ratio:>13.{1 if ratio >= 1 else 2}f}x  {unit}"

    def figure(key: str, *path: str) -> float | None:
        if failed:
            return None
        value: Any = platform[key]
        for step in path:
            value = value[step]
        return float(value)

    lines = [
        "Evidence item recorded -> its agency's profile (peer) / the judgement read model (platform)",
        f"peer: {setup['peer']}; platform: {setup['platform']}",
        f"  {'':<26} {'peer':>10} {'platform':>10} {'platform/peer':>14}",
    ]
    for label, key in (("one at a time", "one_at_a_time"), (f"{clients} clients", "under_load")):
        lines += [
            row(f"{label}, p50", peer_[key]["p50_ms"], figure(key, "p50_ms"), "ms"),
            row(f"{label}, p99", peer_[key]["p99_ms"], figure(key, "p99_ms"), "ms"),
        ]
    load = peer_["under_load"]
    lines += [
        row(
            f"{clients} clients, throughput",
            load["items_per_s_end_to_end"],
            figure("under_load", "items_per_s_end_to_end"),
            "items/s",
        ),
        row(
            "command accepted, p50",
            load["command_accept"]["p50_ms"],
            figure("under_load", "http_accept", "p50_ms"),
            "ms",
        ),
    ]
    if failed:
        lines.append(f"  the platform did not finish: {platform['failed']}")
    elif platform["refused"]:
        lines.append(
            f"  platform refused (503, not retried): {platform['refused']}: {platform['refused_because'][0]}"
        )
    lines.append(
        f"{setup['cores']} cores (os.cpu_count()); {setup['items']} items under load, "
        f"{setup['sequential']} one at a time"
    )
    return "\n".join(lines)


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-n", "--items", type=int, default=300, help="items recorded under load (default 300)"
    )
    parser.add_argument(
        "-c", "--clients", type=int, default=8, help="concurrent clients, threads on the peer (default 8)"
    )
    parser.add_argument(
        "--sequential", type=int, default=100, help="items measured one at a time (default 100)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = asyncio.run(main(args))
    print(json.dumps(figures, indent=2) if args.json else report(figures))


if __name__ == "__main__":
    cli()
