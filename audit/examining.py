"""What one record of the log says, examined on its own: the part of verifying that needs no other record.

`examine` reads a record's bytes as JSON, as an envelope and as its event (decoded by the catalogue), and
takes its digest (sha256 of the envelope as published, keys sorted); the `Verifier` (audit/log.py) then
places it in its stream's chain, which needs every record before it. Examining is most of a verification's
work and each record's is its own, so over a large log on a machine of 3 cores or more `Examiners` do it in
worker processes, one per core but one, while the reading goes on and the chain is checked here in log
order. On 2 cores they do not pay (bench/verify.py `--workers 2`, the broker on the same machine: the records
after the first 20,000 went at 3,600-4,300/s, against 5,900/s examined in one process), so there the
records are examined in this process.

An `Examined` holds what the chain needs, or the problem that makes the record no event at all; nothing of
it refers to another record, so it goes between processes as a tuple."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import NamedTuple

from pydantic import ValidationError

from shared.language.contracts import CATALOGUE
from shared.mechanics.envelope import Envelope, digest_of
from shared.mechanics.errors import MalformedEvent

# A log this long is examined in this process; beyond it, worker processes take over once they are ready.
ALONE_UP_TO = 20_000


class Examined(NamedTuple):
    """A record that is an envelope: its identity, its place in its stream, its digest and what is wrong
    with its event (`fault`: kind and detail), if anything. `chained` is False when decoding it failed in a
    way no check names (an "unreadable record"): it is counted, not chained."""

    event_id: str
    stream_id: str
    version: int
    previous: str | None
    digest: str
    fault: tuple[str, str] | None
    chained: bool = True


class NotAnEvent(NamedTuple):
    """A record that is no envelope: the problem's kind and detail."""

    kind: str
    detail: str


def examine(value: bytes | None) -> Examined | NotAnEvent:
    try:
        raw = json.loads(value or b"")
    except json.JSONDecodeError as exc:
        return NotAnEvent("corrupt record", f"not JSON ({exc.msg} at character {exc.pos})")
    except UnicodeDecodeError:
        return NotAnEvent("corrupt record", "not UTF-8 text")
    try:
        envelope = Envelope.model_validate(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
        return NotAnEvent("not an envelope", f"truncated or malformed: {fields}")
    fault: tuple[str, str] | None = None
    chained = True
    current = CATALOGUE.current_version(envelope.event_type)
    if current is None:
        fault = ("unknown event type", f"{envelope.event_type} is not in the published contract")
    elif envelope.schema_version > current:
        fault = (
            "newer version",
            f"{envelope.event_type} v{envelope.schema_version}: this code reads up to v{current}",
        )
    else:
        try:
            CATALOGUE.decode(envelope)
        except MalformedEvent as exc:
            fault = ("unreadable event", str(exc))
        except Exception as exc:
            fault, chained = ("unreadable record", repr(exc)), False
    return Examined(
        envelope.event_id,
        envelope.stream_id,
        envelope.stream_version,
        envelope.previous_hash,
        digest_of(raw),
        fault,
        chained,
    )


def examine_all(values: Sequence[bytes | None]) -> list[Examined | NotAnEvent]:
    """Each record examined; one that fails in a way no check names is an "unreadable record"."""
    found: list[Examined | NotAnEvent] = []
    for value in values:
        try:
            found.append(examine(value))
        except Exception as exc:
            found.append(NotAnEvent("unreadable record", repr(exc)))
    return found


def _ready() -> None:
    """Run in each worker as it starts: its imports done before the first records are sent."""


class Examiners:
    """Worker processes that examine records, `workers` of them (one per core but one unless given; with
    fewer than 2 none is started); started with `start`, usable once `ready`. Spawned, not forked: the
    caller may be a server with threads."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or (os.cpu_count() or 1) - 1)
        self.pool: ProcessPoolExecutor | None = None
        self.warming: list[Future[None]] = []

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
        self.warming = [self.pool.submit(_ready) for _ in range(self.workers)]

    @property
    def ready(self) -> bool:
        return self.pool is not None and all(f.done() for f in self.warming)

    def examine(self, values: Sequence[bytes | None]) -> list[asyncio.Future[list[Examined | NotAnEvent]]]:
        """`values` examined in `workers` slices at once: their results, in the order of `values`."""
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        size = -(-len(values) // self.workers)
        return [
            loop.run_in_executor(self.pool, examine_all, values[i : i + size])
            for i in range(0, len(values), size)
        ]

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
