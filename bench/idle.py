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
service) is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from baselines import progress
from processes import cpu_of, rss_mb

from embedded.components import checkpointer, infrastructure, services, workspace
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from jip.commands.tokens import stack_env

TARGET = 3.0  # % of one core, the whole stack (issue 24 §2)


async def measure(seconds: float, settle: float) -> tuple[dict[str, float], dict[str, float]]:
    """Each process's share of one core over `seconds` of idleness (%), and its RSS (MB) at the end."""
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
            return share, {name: rss_mb(pid) for name, pid in pids.items()}
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
    share, rss = asyncio.run(measure(args.seconds, args.settle))
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


if __name__ == "__main__":
    main()
