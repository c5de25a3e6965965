"""The events topics read from their start, and verified.

`verify` checks every record: it reads as an envelope of a known event type and version; every stream's
versions are contiguous; every event names the digest of its stream's previous event, and the chain holds.
Each problem is kept with its topic, partition and offset; the reading never stops half way. What a record
says on its own is examined by audit/examining.py (shared with worker processes over a large log on 3 cores or
more); the `Verifier` places each examined record in its stream, one record at a time, so that a caller can
watch its counts while it runs (the workspace shows how many records are read so far). The records come from
audit/batches.py, which names a corrupt batch or missing offsets and reads on. A stream's events are checked
in version order even when they are read out of order (a stream spread over partitions, as old logs have: a
note, not a problem). What a hash chain alone cannot see (a changed last event, a truncated or rolled-back
partition) is checked against signed checkpoints (audit/checkpoints.py), through `expected` here."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError

from shared.mechanics.settings import Settings
from shared.mechanics.topics import CONTEXTS

from . import LogUnreachable
from .answers import Reading, Record
from .batches import read
from .examining import ALONE_UP_TO, Examined, Examiners, NotAnEvent, examine, examine_all

Progress = Callable[[str], None]
Found = list[Examined | NotAnEvent]


@dataclass(frozen=True)
class Problem:
    topic: str
    partition: int
    offset: int
    kind: str
    detail: str
    stream_id: str | None = None

    @property
    def where(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"

    def __str__(self) -> str:
        stream = f" {self.stream_id}" if self.stream_id else ""
        return f"{self.where}{stream}: {self.kind}: {self.detail}"


class Link(NamedTuple):
    """An event of a stream as the chain needs it: its version, its digest, the digest it names as its
    stream's previous event, and where it is in the log. A tuple: one is kept for every stream's head, and
    a dataclass instance with its dict of attributes is half as large again."""

    version: int
    digest: str
    previous: str | None
    topic: str
    partition: int
    offset: int

    @property
    def at(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


@dataclass
class Verification:
    records: int = 0
    events: int = 0
    duplicates: int = 0  # the same event delivered again (the relay publishes at least once)
    streams: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    # What is worth knowing but is no fault of the log's content: a stream spread over partitions.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Verifier:
    """Checks records one at a time, in log order per partition. A stream's events are checked in version
    order: one read before its predecessor (a stream spread over partitions is read in no set order) waits
    for it, and what still waits at the end is a gap. `links` holds every stream's last event: its head."""

    def __init__(self) -> None:
        self.result = Verification()
        self.links: dict[str, Link] = {}
        self.waiting: dict[str, dict[int, Link]] = {}  # stream -> version -> an event read before its turn
        self.digests: dict[str, str] = {}  # event id -> digest, to tell a duplicate from a forgery
        # stream -> the partition of its first event read, one tuple per partition shared by its streams
        self.partitions: dict[str, tuple[str, int]] = {}
        self.shared: dict[tuple[str, int], tuple[str, int]] = {}
        self.spread: set[str] = set()  # streams found on more than one partition, said once
        self.reading = Reading()  # damage found by the reader, and where each partition ended
        # Events a kept checkpoint covers (audit/checkpoints.py `expect`): stream -> version -> (digest,
        # topic, partition, offset, when the checkpoint was taken); each found is checked and removed.
        self.expected: dict[str, dict[int, tuple[str, str, int, int, str]]] = {}

    def check(self, topic: str, partition: int, offset: int, value: bytes | None) -> None:
        self.take(topic, partition, offset, examine(value))

    def take(self, topic: str, partition: int, offset: int, examined: Examined | NotAnEvent) -> None:
        """A record examined (audit/examining.py, here or in a worker process) placed in its stream."""
        self.result.records += 1
        if isinstance(examined, NotAnEvent):
            self.result.problems.append(Problem(topic, partition, offset, examined.kind, examined.detail))
            return
        stream, digest = examined.stream_id, examined.digest
        known = self.digests.get(examined.event_id)
        if known is not None:
            if known == digest:
                self.result.duplicates += 1
            else:
                detail = f"event {examined.event_id} published twice with different content"
                self.result.problems.append(
                    Problem(topic, partition, offset, "forged duplicate", detail, stream)
                )
            return
        self.digests[examined.event_id] = digest
        self.result.events += 1
        if examined.fault is not None:
            kind, detail = examined.fault
            named = stream if examined.chained else None
            self.result.problems.append(Problem(topic, partition, offset, kind, detail, named))
            if not examined.chained:
                return
        self._place(stream, topic, partition)
        self._chain(stream, Link(examined.version, digest, examined.previous, topic, partition, offset))

    def damaged(self, topic: str, partition: int, first: int, last: int, kind: str, detail: str) -> None:
        """Records that could not be read as written (audit/batches.py): named by their first offset."""
        self.result.problems.append(Problem(topic, partition, first, kind, detail))

    def _problem(self, event: Link, kind: str, detail: str, stream: str) -> None:
        self.result.problems.append(Problem(event.topic, event.partition, event.offset, kind, detail, stream))

    def _place(self, stream: str, topic: str, partition: int) -> None:
        here = (topic, partition)
        first = self.partitions.setdefault(stream, self.shared.setdefault(here, here))
        if first != here and stream not in self.spread:
            self.result.notes.append(
                f"{stream} has events on {first[0]}[{first[1]}] and {topic}[{partition}]: a consumer may "
                "read them out of order (a stream's events need one key); verified in version order"
            )
            self.spread.add(stream)

    def _chain(self, stream: str, event: Link) -> None:
        last = self.links.get(stream)
        expected = last.version + 1 if last else 1
        if event.version > expected:  # its predecessor is not read yet
            waiting = self.waiting.setdefault(stream, {})
            if event.version in waiting:
                self._problem(
                    event, "versions not contiguous", f"a second event at version {event.version}", stream
                )
            else:
                waiting[event.version] = event
            return
        if last is not None and event.version <= last.version:
            detail = f"a second event at version {event.version} (the stream is at {last.version})"
            self._problem(event, "versions not contiguous", detail, stream)
            return
        self._link(stream, last, event)
        self._release(stream)

    def _link(self, stream: str, last: Link | None, event: Link) -> None:
        if last is None and event.version == 1 and event.previous is not None:
            self._problem(event, "broken chain", "the first event of a stream names a previous one", stream)
        elif last is not None and event.previous is None:
            detail = f"version {event.version} names no previous event (written before the chain)"
            self._problem(event, "unchained", detail, stream)
        elif last is not None and event.previous != last.digest:
            detail = (
                f"version {event.version} names a previous event that is not the one at {last.at} "
                f"(version {last.version}): one of them was changed after it was written"
            )
            self._problem(event, "broken chain", detail, stream)
        self.links[stream] = event
        wanted = self.expected.get(stream)
        kept = wanted.pop(event.version, None) if wanted else None
        if kept is not None:
            self._as_kept(stream, event, *kept)

    def _as_kept(
        self, stream: str, event: Link, digest: str, topic: str, partition: int, offset: int, taken_at: str
    ) -> None:
        """The event is the one a kept checkpoint covers, where it was then."""
        if event.digest != digest:
            detail = (
                f"version {event.version} is not the event the checkpoint of {taken_at} covers: its "
                f"digest is {event.digest[:12]}…, the checkpoint's {digest[:12]}… (changed since)"
            )
            self._problem(event, "changed event", detail, stream)
        elif (event.topic, event.partition, event.offset) != (topic, partition, offset):
            then = f"{topic}[{partition}]@{offset}"
            detail = f"version {event.version} was at {then} at the checkpoint of {taken_at}"
            self._problem(event, "moved event", detail, stream)

    def _release(self, stream: str) -> None:
        """The stream's waiting events that now follow its last, in version order."""
        waiting = self.waiting.get(stream)
        while waiting and (event := waiting.pop(self.links[stream].version + 1, None)):
            self._link(stream, self.links[stream], event)
        if waiting is not None and not waiting:
            del self.waiting[stream]

    def finish(self, started: float) -> Verification:
        """What still waits is after a gap: named at the first event after each gap, whose chain is then
        checked on from there."""
        for stream in sorted(self.waiting):
            while waiting := self.waiting.get(stream):
                event = waiting.pop(min(waiting))
                last = self.links.get(stream)
                after, expected = (last.version, last.version + 1) if last else ("nothing", 1)
                missing = (
                    f"version {expected} is missing"
                    if expected == event.version - 1
                    else f"versions {expected} to {event.version - 1} are missing"
                )
                detail = f"version {event.version} follows {after}: {missing}"
                self._problem(event, "versions not contiguous", detail, stream)
                self._link(stream, None, event)  # its chain is checked on from here
                self._release(stream)
        self.result.streams = len(self.links)
        self.result.seconds = time.monotonic() - started
        return self.result


def topics(settings: Settings) -> list[str]:
    return [settings.events_topic(c) for c in CONTEXTS]


async def records(settings: Settings, reading: Reading | None = None) -> AsyncIterator[list[Record]]:
    """Every record of the events topics from offset 0 to where each partition ended when the reading began,
    a fetch at a time (audit/batches.py; what cannot be read goes to `reading`); `LogUnreachable` if the
    broker cannot be reached."""
    try:
        async for batch in read(settings, topics(settings), reading or Reading()):
            yield batch
    except (KafkaConnectionError, KafkaTimeoutError, OSError) as exc:
        raise LogUnreachable(
            f"the broker at {settings.kafka_bootstrap_servers} did not answer ({exc})"
        ) from exc


async def verify(
    settings: Settings, progress: Progress, verifier: Verifier | None = None, workers: int | None = None
) -> Verification:
    """Every record of the events topics checked by `verifier` (a new one unless given: give one to watch
    its counts while it runs), and every damaged batch or missing offset named; every 20,000 records, a
    line to `progress`. In a log of more than ALONE_UP_TO records (as the broker says after the first fetch)
    the records are examined by `workers` processes (one per core but one on 3 cores or more unless given; 0
    examines them all here) and this one, which takes a share of each fetch (audit/examining.py), a few
    fetches at a time, while the next are read; the chain is checked here in log order. Memory holds those
    fetches and what later records are checked against: per stream its head (a tuple) and the partition of its
    first event (one tuple per partition, shared), per event its id and digest (to tell a duplicate, which may
    come at any time, from a forgery): O(streams + events), not records' contents; ~460 bytes an event where
    every event is its own stream, as evidence items are."""
    verifier = verifier or Verifier()
    started = time.monotonic()
    reported = 0
    reading = verifier.reading
    # Forked workers only for a caller with no thread but its own and its event loop's (those that looked up
    # the broker's address, idle once it is connected): audit/examining.py `Examiners`.
    alone = all(t is threading.main_thread() or t.name.startswith("asyncio_") for t in threading.enumerate())
    examiners = Examiners(workers, forking=alone)
    result = verifier.result
    # Fetches handed to the examiners, oldest first (at most one more than there are examiners): each with
    # its workers' slices to come and what this process examined of it.
    examining: deque[tuple[list[Record], asyncio.Future[Found], Found]] = deque()

    def damage() -> None:
        for d in reading.damage:
            verifier.damaged(d.topic, d.partition, d.first, d.last, d.kind, d.detail)
        reading.damage.clear()

    def take(batch: list[Record], found: Iterable[Examined | NotAnEvent]) -> None:
        for record, examined in zip(batch, found, strict=True):
            try:
                verifier.take(record.topic, record.partition, record.offset, examined)
            except Exception as exc:
                verifier.result.problems.append(
                    Problem(record.topic, record.partition, record.offset, "unreadable record", repr(exc))
                )

    async def taken() -> None:
        """The oldest fetch's records, examined, checked in order."""
        batch, sent, here = examining.popleft()
        examiners.balance(waited=not sent.done())
        take(batch, chain(await sent, here))

    try:
        async for batch in records(settings, reading):
            damage()
            if examiners.pool is None and examiners.workers and result.records + reading.left > ALONE_UP_TO:
                examiners.start()
            if examiners.ready:
                sent, rest = examiners.examine([r.value for r in batch])
                examining.append((batch, sent, examine_all(rest)))  # examined here while they work
                while len(examining) > examiners.workers:
                    await taken()
            else:  # none handed over yet: the examiners, once ready, stay ready
                take(batch, examine_all([r.value for r in batch]))
            if verifier.result.records - reported >= 20_000:
                reported = verifier.result.records
                rate = reported / (time.monotonic() - started)
                problems = len(verifier.result.problems)
                progress(f"  {reported:,} records read ({rate:,.0f}/s), {problems} problem(s)")
        while examining:
            await taken()
    finally:
        for _, sent, _ in examining:
            sent.cancel()
        examiners.stop()
    damage()
    return verifier.finish(started)
