"""Benchmark: what the `jip` command costs to start, against Python itself starting, in the same run.

    uv run python bench/cli.py            # 10 runs of each
    uv run python bench/cli.py -n 30

Each command runs as a new process (`python -m jip …`), as a user runs it; the figure is the CPU time
(user + system) the process used, its median over the runs, beside `python -c pass` measured the same way.
`jip --help` imports no command's module (jip/commands/__init__.py), and `jip token` only PyJWT and
cryptography (shared/mechanics/signing.py): issue 22 point 9 and issue 24 ask each for 0.3 s at most. The
token is issued from a signing key made in a temporary data directory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """The CPU time (user + system) of one run of `argv` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=REPOSITORY, stdout=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=10, help="runs of each command (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "JIP_DATA_DIR": data_dir}
        python = [sys.executable]
        commands = {
            "python -c pass (baseline)": [*python, "-c", "pass"],
            "jip --help": [*python, "-m", "jip", "--help"],
            "jip token ofsted:lead_inspector": [*python, "-m", "jip", "token", "ofsted:lead_inspector"],
        }
        cpu_seconds(commands["jip token ofsted:lead_inspector"], env)  # makes the key, warms the caches
        medians = {
            name: statistics.median(cpu_seconds(argv, env) for _ in range(args.runs))
            for name, argv in commands.items()
        }
    baseline = medians["python -c pass (baseline)"]
    for name, seconds in medians.items():
        print(f"{name:<36} {seconds:6.3f} s CPU (median of {args.runs})  {seconds / baseline:5.1f}x Python")


if __name__ == "__main__":
    main()
