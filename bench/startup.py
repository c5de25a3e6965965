"""Benchmark: how long each service takes to start, against Python itself starting, in the same run.

    uv run python bench/startup.py            # 3 runs of each
    uv run python bench/startup.py -n 5
    uv run python bench/startup.py --only reporting,workspace

It starts an embedded object store, broker and database of its own (free loopback ports, a temporary data
directory), then, for each service and the workspace:
- imports: `python -c "import services.NAME.app"` as a new process;
- ready: from starting `python -m services.NAME` to its first 200 from /health (the workspace's
  /health/live), as `jip stack up` waits for it;
each as wall time and as the CPU time (user + system) the process used, which a busy machine changes less,
the median of its runs (after one run of each, which may compile the bytecode), beside `python -c
pass` measured the same way, with the machine's core count and load. Each process gets the environment
the stack gives its components (embedded/supervisor.py process_environment). Issue 24 §1 asks each
service be ready within 2 s of its process starting on an idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from processes import cpu_of

from embedded.components import Component, infrastructure, services, workspace
from embedded.ports import WORKSPACE, Ports
from embedded.supervisor import Supervisor, process_environment
from jip.commands.tokens import stack_env

REPOSITORY = Path(__file__).resolve().parent.parent


def run_seconds(argv: list[str]) -> tuple[float, float]:
    """One run of `argv` as a child process, in the environment the stack gives its components: its wall
    time, and the CPU time (user + system) it used."""
    env = process_environment({})
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, cwd=REPOSITORY, env=env, stdout=subprocess.DEVNULL, check=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


async def ready_seconds(supervisor: Supervisor, ports: Ports, component: Component) -> tuple[float, float]:
    """From the process's start to its first answer (wall, and the CPU it used), then stopped again."""
    started = time.perf_counter()
    await supervisor.up(ports, [[component]], progress=lambda _: None, ready_within=600)
    seconds = time.perf_counter() - started
    cpu = cpu_of(supervisor.running()[component.name].pid)
    supervisor.stop([component.name], progress=lambda _: None)
    return seconds, cpu


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


Figures = dict[str, tuple[tuple[float, float], tuple[float, float]]]  # imports, ready: (wall, CPU)


async def measure(names: list[str], runs: int) -> Figures:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        ports = Ports.free()
        supervisor = Supervisor(data_dir)
        try:
            await supervisor.up(ports, infrastructure(data_dir, ports), progress=lambda _: None)
            env = stack_env(data_dir)
            components = {c.name: c for c in services(ports, env=env)}
            components[WORKSPACE] = workspace(ports, signing_key=data_dir / "auth" / "signing-key.pem")
            figures = {}
            for name in names:
                importing = [sys.executable, "-c", f"import services.{name}.app"]
                run_seconds(importing)  # compiles the bytecode, where it is not yet
                imports = medians([run_seconds(importing) for _ in range(runs)])
                ready = medians(
                    [await ready_seconds(supervisor, ports, components[name]) for _ in range(runs)]
                )
                figures[name] = (imports, ready)
            return figures
        finally:
            supervisor.stop(progress=lambda _: None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=3, help="runs of each (default 3)")
    everything = "scheduling,evidence,judgement,lscb,reporting,workspace"
    parser.add_argument("--only", default=everything, help=f"comma-separated (default {everything})")
    args = parser.parse_args()
    baseline = medians([run_seconds([sys.executable, "-c", "pass"]) for _ in range(args.runs)])
    figures = asyncio.run(measure(args.only.split(","), args.runs))
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"{os.cpu_count()} cores, load {load}; python -c pass {baseline[0]:.3f} s wall, {baseline[1]:.3f} s "
        f"CPU (medians of {args.runs})"
    )
    print(f"{'':<12} {'imports':^25} {'process start to ready':^25}")
    print(f"{'service':<12} {'wall':>8} {'CPU':>8} {'x pass':>7} {'wall':>8} {'CPU':>8} {'x pass':>7}")
    for name, ((import_wall, import_cpu), (ready_wall, ready_cpu)) in figures.items():
        print(
            f"{name:<12} {import_wall:6.2f} s {import_cpu:6.2f} s {import_wall / baseline[0]:6.0f}x "
            f"{ready_wall:6.2f} s {ready_cpu:6.2f} s {ready_wall / baseline[0]:6.0f}x"
        )


if __name__ == "__main__":
    main()
