"""Benchmark: evidence items over HTTP until they show in the judgement read model, beside the raw
aiokafka produce-to-consume round trip on the same broker in the same run.

    uv run python bench/pipeline.py                  # starts its own embedded stack on free ports
    uv run python bench/pipeline.py -n 2000 -c 16    # more items, more concurrent clients

Its stack is a rehearsal platform (JIP_ENVIRONMENT=rehearsal), as `jip demo` needs: evidence is recorded
once notice has started, and notice is given on the notice date, so the benchmark moves the clock to it
before it notifies the area (embedded/demo/story.py), as the demo does; nothing is timed until then.

The pipeline measured: POST /inspections/{id}/evidence -> event and outbox record in one transaction
-> outbox relay -> Kafka -> the judgement service's projection -> its read model. Arrival is seen
through a MongoDB change stream on the read model (which adds a few milliseconds of its own).
Latency is measured one item at a time (nothing else in flight) and under load (`-c` clients);
throughput is items per second from the first request to the last arrival. A 503 (the service's
database did not answer in time) is counted as refused and not retried; the figures are of the items
accepted. Under load it also prints the CPU time each process of the stack (/proc) spent on an item,
which says where an item's cost lies. Figures go to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from baselines import database_transactions, kafka_round_trip, preload, progress, summary
from processes import cpu_of, rss_mb
from pymongo import AsyncMongoClient

from embedded.components import REHEARSAL_ENV, infrastructure, services
from embedded.demo import People, eventually, first_fieldwork_week
from embedded.demo.story import RehearsalClock
from embedded.demo.timetable import at
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from jip.commands import tokens
from shared.mechanics.settings import KafkaProfile, Settings

RSS_TARGET_MB = 150
SETTLE_SECONDS = 3.0  # after the last arrival, before the database's operations are counted


def evidence_item(n: int) -> dict[str, Any]:
    return {
        "agency": "police",
        "activity": "case_sampling",
        "judgement_area": "deep_dive",
        "bearing": "weakness" if n % 3 else "strength",
        "case_reference": f"CASE-{n % 500:04d}",
        "summary": "Risk assessment of a child missing from home did not consider exploitation. " * 4,
    }


class Arrivals:
    """Watches the judgement read model and notes when each evidence item arrives."""

    def __init__(self, mongodb_uri: str, database: str) -> None:
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_uri)
        self.collection = self.client[database]["evidence_items"]
        self.seen: dict[str, float] = {}
        self.waiters: dict[str, asyncio.Future[float]] = {}
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    async def operations(self) -> int:
        """The database's operations so far, from every client (its serverStatus opcounters)."""
        status = await self.client.admin.command("serverStatus")
        return sum(int(n) for n in status["opcounters"].values())

    async def _watch(self) -> None:
        async with await self.collection.watch() as stream:
            self.ready.set()
            async for change in stream:
                now = time.perf_counter()
                item_id = str(change["documentKey"]["_id"])
                self.seen.setdefault(item_id, now)
                waiter = self.waiters.pop(item_id, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(now)

    async def start(self) -> None:
        self.task = asyncio.create_task(self._watch())
        await asyncio.wait_for(self.ready.wait(), 10)

    async def arrival(self, item_id: str, timeout: float = 60) -> float:  # noqa: ASYNC109
        if item_id in self.seen:
            return self.seen[item_id]
        future = self.waiters.setdefault(item_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(future, timeout)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.client.close()


async def pipeline(
    urls: dict[str, str],
    people: People,
    arrivals: Arrivals,
    items: int,
    concurrency: int,
    sequential: int,
    pids: dict[str, int],
) -> dict[str, Any]:
    """The figures of the run; with the CPU time each process of `pids` spent on an item under load (from
    the first request under load to the settle after the last arrival)."""
    limits = httpx.Limits(max_connections=concurrency + 2)
    async with httpx.AsyncClient(timeout=60, limits=limits, headers=people.auditor) as http:
        clock = RehearsalClock(http, urls["scheduling"], people.lead)
        created = await http.post(
            f"{urls['scheduling']}/inspections",
            headers=people.lead,
            json={
                "area": "Barnsley",
                "deep_dive_theme": "neglect",
                "fieldwork_starts": str(first_fieldwork_week((await clock.rehearsal()).today)),
            },
        )
        created.raise_for_status()
        inspection = f"{urls['evidence']}/inspections/{created.json()['inspection_id']}"
        url = f"{inspection}/evidence"
        # Notice is given on the notice date, neither earlier nor later (001 Proposal two).
        notice_date = date.fromisoformat(created.json()["notice_date"])
        await clock.move_to(at(notice_date, "09:00"), "the notice date of the benchmark's inspection")
        notified = await http.post(  # evidence is accepted from the start of notice
            f"{urls['scheduling']}/inspections/{created.json()['inspection_id']}/notifications",
            headers=people.lead,
            json={"recipient": "lscb_chair"},
        )
        notified.raise_for_status()

        async def evidence_knows_the_inspection() -> bool:
            response = await http.get(inspection)
            return response.status_code == 200 and bool(response.json()["notice_started"])

        await eventually(evidence_knows_the_inspection, "the evidence service to learn of the inspection")
        headers = people.of("hmic")

        refused: list[str] = []  # 503s: the service's database did not answer in time

        async def record(n: int) -> tuple[float, float, str] | None:
            started = time.perf_counter()
            response = await http.post(url, headers=headers, json=evidence_item(n))
            if response.status_code == 503:
                refused.append(response.json()["detail"])
                return None
            response.raise_for_status()
            return started, time.perf_counter(), response.json()["evidence_item_id"]

        progress(f"pipeline: {sequential} items one at a time")
        alone = []
        for n in range(sequential):
            if (recorded := await record(n)) is not None:
                alone.append(await arrivals.arrival(recorded[2]) - recorded[0])

        progress(f"pipeline: {items} items from {concurrency} concurrent clients")
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(items):
            queue.put_nowait(n)
        sent: list[tuple[float, float, str]] = []

        async def client() -> None:
            while not queue.empty():
                if (recorded := await record(queue.get_nowait())) is not None:
                    sent.append(recorded)

        operations_before = await arrivals.operations()
        cpu_before = {name: cpu_of(pid) for name, pid in pids.items()}
        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        accepted = time.perf_counter()
        if not sent:
            raise RuntimeError(f"every item was refused: {refused[0]}")
        landed = [await arrivals.arrival(item_id) for _, _, item_id in sent]
        finished = max(landed)
        await asyncio.sleep(SETTLE_SECONDS)  # lscb and reporting apply the last items too
        operations = await arrivals.operations() - operations_before
        cpu = {name: cpu_of(pid) - cpu_before[name] for name, pid in pids.items()}
    per_item = {name: round(1000 * seconds / len(sent), 1) for name, seconds in cpu.items()}
    return {
        "one_at_a_time": summary(alone),
        "under_load": {
            **summary([a - s for (s, _, _), a in zip(sent, landed, strict=True)]),
            "clients": concurrency,
            "http_accept": summary([done - s for s, done, _ in sent]),
            "http_requests_per_s": round(len(sent) / (accepted - began)),
            "items_per_s_end_to_end": round(len(sent) / (finished - began)),
            "database_operations_per_item": round(operations / (len(sent) + len(refused)), 1),
            "cpu_ms_per_item": dict(sorted(per_item.items(), key=lambda kv: -kv[1])),
        },
        "refused": len(refused),
        "refused_because": refused[:1],
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    return await measure(
        args.items,
        args.concurrency,
        args.sequential,
        args.kafka_records,
        args.transactions,
        args.preload,
        args.preload_batch,
    )


async def measure(
    items: int,
    concurrency: int,
    sequential: int,
    kafka_records: int,
    transactions: int = 0,
    preloaded: int = 0,
    preload_batch: int = 10,
) -> dict[str, Any]:
    """Starts the embedded stack and measures the pipeline on it; the raw Kafka round trip unless
    `kafka_records` is 0 (bench/peer.py leaves it out), the raw database's transactions unless
    `transactions` is 0; after `preloaded` records are put on the evidence topic (bench/baselines.py)."""
    raw: dict[str, Any] | None = None
    database: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="jip-bench-") as scratch:
        data_dir = Path(scratch)
        ports = Ports.free()
        supervisor = Supervisor(data_dir)
        progress(f"starting the embedded stack in {data_dir}")
        try:
            settings = Settings(
                kafka_bootstrap_servers=ports.kafka_bootstrap,
                mongodb_uri=ports.mongodb_uri,
                kafka_profile=KafkaProfile.TANSU,
            )
            shown = lambda line: progress(line.strip())  # noqa: E731
            await supervisor.up(ports, infrastructure(data_dir, ports), progress=shown)
            if preloaded:
                await preload(settings, preloaded, preload_batch)
            env = tokens.stack_env(data_dir) | REHEARSAL_ENV
            await supervisor.up(ports, [services(ports, env=env)], progress=shown)
            arrivals = Arrivals(ports.mongodb_uri, settings.database_name("judgement"))
            await arrivals.start()
            try:
                urls = {name: ports.service_url(name) for name in ports.services}
                people = People(tokens.signer(data_dir))
                pids = {name: running.pid for name, running in supervisor.running().items()}
                measured = await pipeline(urls, people, arrivals, items, concurrency, sequential, pids)
            finally:
                await arrivals.stop()
            running = supervisor.running()
            memory = {name: round(rss_mb(running[name].pid)) for name in ports.services if name in running}
            if kafka_records:
                raw = await kafka_round_trip(settings, sequential, kafka_records)
            if transactions:
                database = await database_transactions(ports.mongodb_uri, concurrency, transactions)
        finally:
            supervisor.stop(progress=lambda _: None)
    return {
        "pipeline": measured,
        "raw_kafka": raw,
        "raw_database": database,
        "rss_mb_after": memory,
        "setup": {
            "broker": "tansu 0.6.0 on the embedded object store",
            "database": "SecantusDB 0.7.0b3",
            "items": items,
            "concurrency": concurrency,
            "preloaded": preloaded,
            "preload_batch": preload_batch,
            "cores": os.cpu_count(),
        },
    }


def report(figures: dict[str, Any]) -> str:
    p, k = figures["pipeline"], figures["raw_kafka"]
    load = p["under_load"]

    def row(label: str, f: dict[str, Any]) -> str:
        return f"  {label:<20} n={f['n']:<5} p50 {f['p50_ms']:>7} ms  p99 {f['p99_ms']:>7} ms"

    lines = [
        "Evidence item: HTTP POST -> event store + outbox -> relay -> Kafka -> judgement read model",
        row("one at a time", p["one_at_a_time"]),
        row(f"{load['clients']} clients", load) + f"  {load['items_per_s_end_to_end']} items/s end to end",
        row("  HTTP accept only", load["http_accept"]) + f"  {load['http_requests_per_s']} requests/s",
        f"  database operations per item under load: {load['database_operations_per_item']} (every "
        "service's, and this benchmark's change stream; serverStatus opcounters)",
        "  CPU per item under load, ms: "
        + ", ".join(f"{name} {ms}" for name, ms in load["cpu_ms_per_item"].items())
        + f" ({sum(load['cpu_ms_per_item'].values()):.1f} in all; the machine has "
        f"{figures['setup']['cores']} cores)",
    ]
    if p["refused"]:
        lines.append(f"  refused (503, not retried): {p['refused']}: {p['refused_because'][0]}")
    if k is not None:
        ratio = p["one_at_a_time"]["p50_ms"] / max(k["one_at_a_time"]["p50_ms"], 0.1)
        lines += [
            "Raw aiokafka produce -> consume, 1 KB records, same broker and run",
            row("one at a time", k["one_at_a_time"]) + f"  (the pipeline's p50 is {ratio:.1f}x this)",
            f"  {'bulk':<20} n={k['bulk_records']:<5} produce {k['produce_per_s']} records/s, "
            f"produce+consume {k['produce_to_consume_per_s']} records/s",
        ]
    d = figures["raw_database"]
    if d is not None:
        ratio = load["items_per_s_end_to_end"] / max(d["per_s"], 1)
        lines += [
            "Raw database transactions (an event and its outbox record each), same database and run",
            f"  {d['writers']} writers: {d['per_s']} transactions/s ({d['conflicts_retried']} write "
            f"conflicts retried); one writer: {d['one_writer_per_s']}/s"
            f"  (the pipeline's {load['clients']}-client throughput is {ratio:.2f}x the first; "
            "issue 24 §3: >= 1)",
        ]
    spread = load["p99_ms"] / max(p["one_at_a_time"]["p99_ms"], 0.1)
    lines.append(f"  p99 under load is {spread:.1f}x the one-at-a-time p99 (issue 24 §3: <= 5)")
    if figures["setup"]["preloaded"]:
        lines.append(
            f"  on a log of {figures['setup']['preloaded']:,} records preloaded on the evidence topic"
        )
    memory = ", ".join(f"{name} {mb} MB" for name, mb in figures["rss_mb_after"].items())
    lines.append(
        f"Each service's resident memory after the run (issue 24 §7: at most {RSS_TARGET_MB} MB): {memory}"
    )
    return "\n".join([*lines, f"{figures['setup']['cores']} cores (os.cpu_count())"])


def cli() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-n", "--items", type=int, default=1000, help="items recorded under load (default 1000)"
    )
    parser.add_argument(
        "-c", "--concurrency", type=int, default=8, help="concurrent HTTP clients (default 8)"
    )
    parser.add_argument(
        "--sequential", type=int, default=200, help="items measured one at a time (default 200)"
    )
    parser.add_argument(
        "--kafka-records",
        type=int,
        default=5000,
        help="records in the raw bulk run (default 5000; 0 leaves the raw round trip out)",
    )
    parser.add_argument(
        "--transactions",
        type=int,
        default=2000,
        help="raw database transactions to time, from as many writers as clients (default 2000; 0 leaves "
        "them out)",
    )
    parser.add_argument(
        "--preload",
        type=int,
        default=0,
        metavar="N",
        help="put N 1 KB records on the evidence topic before the services start, the groups reading it "
        "committed past them, to measure over a long log (issue 24 §5; about 1,000 records/s on tansu)",
    )
    parser.add_argument(
        "--preload-batch",
        type=int,
        default=10,
        metavar="K",
        help="about K preloaded records to a record batch (default 10; the broker's store keeps one object "
        "per batch)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = asyncio.run(main(args))
    print(json.dumps(figures, indent=2) if args.json else report(figures))


if __name__ == "__main__":
    cli()
