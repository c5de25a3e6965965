"""bench/peer.py's peer, the `eventsourcing` library on SQLite files, does the workload it is measured on:
every evidence item recorded reaches its agency's profile, counted by bearing, and the table sets the
platform's figures over the peer's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import peer  # bench/ holds scripts, not a package


def test_every_item_recorded_reaches_the_agencys_profile_by_bearing(tmp_path: Path) -> None:
    figures = peer.peer(tmp_path, items=30, clients=4, sequential=5)

    # bench/pipeline.py's items: every third a strength (n = 0, 3, ...), the rest weaknesses
    assert figures["profile"] == {"strength": 2 + 10, "weakness": 3 + 20}
    assert figures["one_at_a_time"]["n"] == 5
    load = figures["under_load"]
    assert (load["n"], load["clients"], load["command_accept"]["n"]) == (30, 4, 30)
    assert 0 < load["command_accept"]["p50_ms"] <= load["max_ms"]
    assert load["items_per_s_end_to_end"] > 0


def test_the_table_sets_the_platforms_figures_over_the_peers_or_says_why_it_has_none() -> None:
    def side(p50: float, per_s: int, accept: str) -> dict[str, Any]:
        figure = {"n": 10, "p50_ms": p50, "p99_ms": p50 * 2, "max_ms": p50 * 3}
        return {
            "one_at_a_time": figure,
            "under_load": {**figure, "clients": 8, accept: figure, "items_per_s_end_to_end": per_s},
            "refused": 0,
        }

    figures = {
        "peer": side(10.0, 200, "command_accept"),
        "platform": side(45.0, 50, "http_accept"),
        "setup": {"peer": "p", "platform": "q", "items": 10, "clients": 8, "sequential": 10, "cores": 2},
    }

    table = peer.report(figures).splitlines()

    assert "one at a time, p50" in table[3]
    assert table[3].split()[-2:] == ["4.5x", "ms"]
    assert next(line for line in table if "throughput" in line).split()[-2:] == ["0.25x", "items/s"]
    assert table[-1].startswith("2 cores")

    figures["platform"] = {"failed": "HTTPStatusError: 503 Service Unavailable"}
    table = peer.report(figures).splitlines()

    assert table[3].split()[-4:] == ["10.0", "-", "-", "ms"]
    assert "the platform did not finish: HTTPStatusError: 503 Service Unavailable" in table[-2]
