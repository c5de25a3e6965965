"""Benchmark: what an idle stack costs, the CPU its processes use while nobody asks anything (issue 24 §2).

    uv run python bench/idle.py                # 60 s measured, after a minute with no command
    uv run python bench/idle.py --seconds 120 --settle 90

It starts the whole embedded stack as `jip stack up` does (object store, broker, database, the five
services, the workspace and the checkpointer, on free loopback ports in a temporary data directory),
leaves it without a command for a minute (issue 24 §2's "idle": no commands for a minute; a projection
counts as idle after 30 s with no record and then fetches less often), then reads each process's CPU
time (user + system, /proc) at the start and the end of the measured window. It prints each process's
share of one core and the total, beside the target (3 % of one core for the whole stack), with the
machine's core count and load. CPU time is what the process itself used, so other work on the machine
changes it little. After the measure, each process's resident memory (RSS, issue 24 §7's 150 MB per
service) is printed too, and what the idleness costs the first event after it: an inspection scheduled is
put on the scheduling topic, and the time taken until the judgement service's projection has applied it
(its committed offset passes the event) is printed, beside the same for a second event right after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from baselines import progress
from processes import cpu_of, rss_mb
from synthetic import synthetic

from embedded.components import checkpointer, infrastructure, services, workspace
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from jip.commands.tokens import stack_env
from shared.mechanics.settings import KafkaProfile, Settings

TARGET = 3.0  # % of one core, the whole stack (issue 24 §2)


async def applied_after(settings: Settings, nth: int) -> float:
    """Seconds from an event put on the scheduling topic (the synthetic log's `nth` inspection scheduled,
    bench/synthetic.py: each has two scheduling events) to the judgement projection committing past it."""
    scheduled = [e for context, e in synthetic(nth + 1, 0) if context == "scheduling"][2 * nth]
    topic = settings.events_topic("scheduling")
    group = settings.consumer_group("judgement", "evidence")
    producer = AIOKafkaProducer(**settings.producer_options())
    watcher = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group)
    await producer.start()
    await watcher.start()
    try:
        started = time.monotonic()
        key = (scheduled.inspection_id or scheduled.stream_id).encode()
        sent = await producer.send_and_wait(topic, scheduled.to_json(), key=key)
        where = TopicPartition(topic, sent.partition)
        while True:
            committed = await watcher.committed(where)
            if committed is not None and committed > sent.offset:
                return time.monotonic() - started
            await asyncio.sleep(0.02)
    finally:
        await watcher.stop()
        await producer.stop()


async def measure(seconds: float, settle: float) -> tuple[dict[str, float], dict[str, float], list[float]]:
    """Each process's share of one core over `seconds` of idleness (%), its RSS (MB) at the end, and the
    seconds the first event after the idleness, then a second, took to be applied."""
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        ports = Ports.free()
        supervisor = Supervisor(data_dir)
        try:
            await supervisor.up(ports, infrastructure(data_dir, ports), progress=lambda _: None)
            env = stack_env(data_dir)
            layer = [
                *services(ports, env=env),
                workspace(ports, signing_key=data_dir / "auth" / "signing-key.pem"),
                checkpointer(data_dir),
            ]
            await supervisor.up(ports, [layer], progress=lambda _: None)
            progress(f"stack up; settling for {settle:.0f} s")
            await asyncio.sleep(settle)
            pids = {name: running.pid for name, running in supervisor.running().items()}
            before, started = {name: cpu_of(pid) for name, pid in pids.items()}, time.monotonic()
            progress(f"measuring for {seconds:.0f} s")
            await asyncio.sleep(seconds)
            elapsed = time.monotonic() - started
            share = {name: 100 * (cpu_of(pid) - before[name]) / elapsed for name, pid in pids.items()}
            rss = {name: rss_mb(pid) for name, pid in pids.items()}
            settings = Settings(
                kafka_bootstrap_servers=ports.kafka_bootstrap, kafka_profile=KafkaProfile.TANSU
            )
            return share, rss, [await applied_after(settings, n) for n in (0, 1)]
        finally:
            supervisor.stop(progress=lambda _: None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="the idle window measured (default 60)")
    parser.add_argument(
        "--settle", type=float, default=60.0, help="no command for this long before measuring (default 60)"
    )
    args = parser.parse_args()
    share, rss, applied = asyncio.run(measure(args.seconds, args.settle))
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"{os.cpu_count()} cores, load {load}; "
        f"idle for {args.seconds:.0f} s after {args.settle:.0f} s to settle"
    )
    print(f"{'process':<14} {'CPU, % of one core':>20} {'RSS':>10}")
    for name in sorted(share, key=lambda n: -share[n]):
        print(f"{name:<14} {share[name]:19.2f}% {rss[name]:7.0f} MB")
    total = sum(share.values())
    print(
        f"{'total':<14} {total:19.2f}% {sum(rss.values()):7.0f} MB   "
        f"target ≤ {TARGET:.0f}%: {total / TARGET:.1f}x it"
    )
    print(
        f"the first event after the idleness applied by judgement in {applied[0]:.2f} s, "
        f"the next in {applied[1]:.2f} s"
    )


if __name__ == "__main__":
    main()
