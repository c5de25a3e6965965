"""What one record of the log says, examined on its own: the part of verifying that needs no other record.

`examine` reads a record's bytes as JSON, as an envelope and as its event (decoded by the catalogue), and
takes its digest (sha256 of the envelope as published, keys sorted); the `Verifier` (audit/log.py) then
places it in its stream's chain, which needs every record before it. Examining is most of a verification's
work and each record's is its own, so over a large log on a machine of 3 cores or more `Examiners` do it in
worker processes, one per core but one, while this process reads, examines a share of each fetch itself
and checks the chain in log order. On 2 cores, the broker on the same machine, they did not pay
(bench/verify.py at 101,201 records, one worker beside this process: 7,144 and 7,429 records/s against
4,590 and 11,571/s with none, back to back on a machine loaded by others), so there the records are
examined in this process unless `workers` is given.

Examining a record costs the most in its event's own validation (its model's validators, ~20 µs), then in
its digest and in reading its JSON: the digest's canonical encoder is made once (`CANONICAL`, `_COMPILED`),
and the JSON is read by pydantic's compiled parser, `json.loads` being asked only about what that one
refuses (`parsed`). Nothing is checked less: ~54 µs a record examined and placed in its chain, from ~66
(tests/unit/test_audit_examining.py holds the fast paths to the slow ones).

An `Examined` holds what the chain needs, or the problem that makes the record no event at all; nothing of
it refers to another record, so it goes between processes as a tuple."""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import from_json

from shared.language.contracts import CATALOGUE
from shared.mechanics.envelope import Envelope
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


# The canonical form of shared/mechanics/envelope.py `digest_of` (json.dumps, keys sorted, no spaces, unicode
# as is), its encoder made once: json.dumps makes a JSONEncoder on every call, and that one makes the
# compiled encoder on every call, with a record of the containers it is in (against a circular structure,
# which JSON read back cannot be). The same compiled encoder, with the same options, writes the same text;
# tests/unit/test_audit_examining.py holds the two digests equal.
CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_COMPILED = (
    None
    if c_make_encoder is None or c_encode_basestring is None
    else c_make_encoder(None, CANONICAL.default, c_encode_basestring, None, ":", ",", True, False, True)
)


def digest(published: dict[str, Any]) -> str:
    """`digest_of(published)`: the sha256 of the envelope as read back, its keys sorted, no spaces.
    (pydantic's serialiser is faster, but keeps a dict's order and writes a float otherwise; rebuilding
    the dicts in key order in Python costs more than it saves.)"""
    canonical = CANONICAL.encode(published) if _COMPILED is None else "".join(_COMPILED(published, 0))
    return hashlib.sha256(canonical.encode()).hexdigest()


def parsed(value: bytes) -> Any:
    """`value` read as JSON as `json.loads` reads it. pydantic's parser (compiled) reads a well-formed UTF-8
    record to the same values in half the time; whatever it refuses (bytes that are not JSON, but also JSON
    it is stricter about: a byte-order mark, UTF-16, a lone surrogate) is read again by `json.loads`, whose
    answer, or error, is the one that counts."""
    try:
        return from_json(value, cache_strings="keys")
    except ValueError:
        return json.loads(value)


def examine(value: bytes | None) -> Examined | NotAnEvent:
    try:
        raw = parsed(value or b"")
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
        digest(raw),
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


def examine_sent(values: Sequence[bytes | None]) -> list[tuple[Any, ...]]:
    """`examine_all` in a worker: each record's answer as a plain tuple, which goes between processes in a
    quarter of the time a named tuple takes (pickle rebuilds a named one in Python); `restored` names them
    again."""
    return [tuple(found) for found in examine_all(values)]


def restored(sent: list[tuple[Any, ...]]) -> list[Examined | NotAnEvent]:
    """What `examine_sent` gave, as the `Examined` and `NotAnEvent` it was (their lengths tell them apart)."""
    make = tuple.__new__
    return [make(Examined, t) if len(t) == EXAMINED else make(NotAnEvent, t) for t in sent]


EXAMINED = len(Examined._fields)
# How `Examiners.balance` moves this process's share of a fetch: the step, and the most it takes.
BALANCE = (0.02, 0.9)


def _ready() -> None:
    """Run in each worker as it starts: its imports done before the first records are sent."""


class Examiners:
    """Worker processes that examine records, `workers` of them (one per core but one on 3 cores or more, none
    on fewer, unless given; with 0 none is started); started with `start`, usable once `ready`. A fetch is
    shared between them and this process, which examines a share of it itself while they examine the rest:
    `here`, one part in 2 * workers + 1 to begin with (for it also reads the records and checks the chain),
    then more when it waited for them (`balance`), less when they had finished first, so that neither side
    idles however busy the machine is. Forked when `forking` (the caller has no thread but its own and its
    event loop's: `jip audit verify`, a bench): a forked worker is ready at once, where a spawned one first
    imports the contracts (~2 s of CPU, several times that on a loaded machine: over a log of 100,000
    records it was ready when most were read). Otherwise spawned: a server's threads may hold locks a
    forked child would wait on for ever."""

    def __init__(self, workers: int | None = None, forking: bool = False) -> None:
        cores = os.cpu_count() or 1
        self.workers = max(0, (cores - 1 if cores >= 3 else 0) if workers is None else workers)
        self.forking = forking and "fork" in multiprocessing.get_all_start_methods()
        self.pool: ProcessPoolExecutor | None = None
        self.warming: list[Future[None]] = []
        self.here = 1 / (2 * self.workers + 1)

    def start(self) -> None:
        context = multiprocessing.get_context("fork" if self.forking else "spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context)
        self.warming = [self.pool.submit(_ready) for _ in range(self.workers)]

    @property
    def ready(self) -> bool:
        return self.pool is not None and all(f.done() for f in self.warming)

    def examine(
        self, values: Sequence[bytes | None]
    ) -> tuple[asyncio.Future[list[Examined | NotAnEvent]], Sequence[bytes | None]]:
        """The first part of `values` examined in `workers` slices at once: their results, in the order of
        `values`, to come; and the rest, for this process to examine while they work."""
        assert self.pool is not None
        pool, loop = self.pool, asyncio.get_running_loop()
        sent = values[: len(values) - int(len(values) * self.here)]
        size = -(-len(sent) // self.workers)

        slices = [  # sent now: they work while this process examines the rest
            loop.run_in_executor(pool, examine_sent, sent[i : i + size]) for i in range(0, len(sent), size)
        ]

        async def examined() -> list[Examined | NotAnEvent]:
            return [found for part in await asyncio.gather(*slices) for found in restored(part)]

        return asyncio.ensure_future(examined()), values[len(sent) :]

    def balance(self, waited: bool) -> None:
        """This process's share moved by a step: up when it `waited` for the workers' part of a fetch, down
        when that was ready before it."""
        self.here = min(BALANCE[1], self.here + BALANCE[0]) if waited else max(0.0, self.here - BALANCE[0])

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
