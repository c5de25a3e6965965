"""The events topics read from their start, and verified.

`verify` checks every record: it reads as an envelope of a known event type and version; every stream's
versions are contiguous; every event names the digest of its stream's previous event, and the chain holds.
Each problem is kept with its topic, partition and offset; the reading never stops half way. The `Verifier`
is the check of one record at a time, so that a caller can watch its counts while it runs (the workspace
shows how many records are read so far). What a hash chain alone cannot see (a changed last event, a
truncated or rolled-back partition) needs signed checkpoints: issue 21, here."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from pydantic import ValidationError

from shared.contracts import CATALOGUE
from shared.envelope import Envelope, digest_of
from shared.errors import MalformedEvent
from shared.settings import Settings
from shared.topics import CONTEXTS, read_from_start

from . import LogUnreachable

Progress = Callable[[str], None]


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


@dataclass(frozen=True)
class Link:
    """The last event seen of a stream: where it is, and what the next one must name."""

    version: int
    digest: str
    at: str


@dataclass
class Verification:
    records: int = 0
    events: int = 0
    duplicates: int = 0  # the same event delivered again (the relay publishes at least once)
    streams: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Verifier:
    """Checks records one at a time, in log order per partition (a stream lives on one partition)."""

    def __init__(self) -> None:
        self.result = Verification()
        self.links: dict[str, Link] = {}
        self.digests: dict[str, str] = {}  # event id -> digest, to tell a duplicate from a forgery

    def check(self, topic: str, partition: int, offset: int, value: bytes | None) -> None:
        self.result.records += 1
        at = f"{topic}[{partition}]@{offset}"

        def problem(kind: str, detail: str, stream_id: str | None = None) -> None:
            self.result.problems.append(Problem(topic, partition, offset, kind, detail, stream_id))

        try:
            raw = json.loads(value or b"")
        except json.JSONDecodeError as exc:
            problem("corrupt record", f"not JSON ({exc.msg} at character {exc.pos})")
            return
        except UnicodeDecodeError:
            problem("corrupt record", "not UTF-8 text")
            return
        try:
            envelope = Envelope.model_validate(raw)
        except ValidationError as exc:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
            problem("not an envelope", f"truncated or malformed: {fields}")
            return
        stream = envelope.stream_id
        digest = digest_of(raw)
        known = self.digests.get(envelope.event_id)
        if known is not None:
            if known == digest:
                self.result.duplicates += 1
            else:
                problem(
                    "forged duplicate",
                    f"event {envelope.event_id} published twice with different content",
                    stream,
                )
            return
        self.digests[envelope.event_id] = digest
        self.result.events += 1
        current = CATALOGUE.current_version(envelope.event_type)
        if current is None:
            problem("unknown event type", f"{envelope.event_type} is not in the published contract", stream)
        elif envelope.schema_version > current:
            problem(
                "newer version",
                f"{envelope.event_type} v{envelope.schema_version}: this code reads up to v{current}",
                stream,
            )
        else:
            try:
                CATALOGUE.decode(envelope)
            except MalformedEvent as exc:
                problem("unreadable event", str(exc), stream)
        last = self.links.get(stream)
        expected = last.version + 1 if last else 1
        if envelope.stream_version != expected:
            version = envelope.stream_version
            if last is not None and version <= last.version:
                detail = f"a second event at version {version} (the stream is at {last.version})"
            else:
                after = last.version if last else "nothing"
                detail = (
                    f"version {version} follows {after}: versions {expected} to {version - 1} are missing"
                )
            problem("versions not contiguous", detail, stream)
        elif last is None and envelope.previous_hash is not None:
            problem("broken chain", "the first event of a stream names a previous one", stream)
        elif last is not None and envelope.previous_hash is None:
            problem(
                "unchained",
                f"version {envelope.stream_version} names no previous event (written before the chain)",
                stream,
            )
        elif last is not None and envelope.previous_hash != last.digest:
            problem(
                "broken chain",
                f"version {envelope.stream_version} names a previous event that is not the one at {last.at} "
                f"(version {last.version}): one of them was changed after it was written",
                stream,
            )
        if last is None or envelope.stream_version > last.version:
            self.links[stream] = Link(envelope.stream_version, digest, at)

    def finish(self, started: float) -> Verification:
        self.result.streams = len(self.links)
        self.result.seconds = time.monotonic() - started
        return self.result


def topics(settings: Settings) -> list[str]:
    return [settings.events_topic(c) for c in CONTEXTS]


async def records(settings: Settings) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Every record of the events topics from offset 0, in batches (shared/topics.py `read_from_start`);
    `LogUnreachable` if the broker cannot be reached."""
    try:
        async for batch in read_from_start(
            settings.kafka_bootstrap_servers, topics(settings), security=settings.kafka_security()
        ):
            yield batch
    except (KafkaConnectionError, KafkaTimeoutError, OSError) as exc:
        raise LogUnreachable(
            f"the broker at {settings.kafka_bootstrap_servers} did not answer ({exc})"
        ) from exc


async def verify(settings: Settings, progress: Progress, verifier: Verifier | None = None) -> Verification:
    """Every record of the events topics checked by `verifier` (a new one unless given: give one to watch
    its counts while it runs); every 20,000 records, a line to `progress`."""
    verifier = verifier or Verifier()
    started = time.monotonic()
    reported = 0
    async for batch in records(settings):
        for record in batch:
            try:
                verifier.check(record.topic, record.partition, record.offset, record.value)
            except Exception as exc:
                verifier.result.problems.append(
                    Problem(record.topic, record.partition, record.offset, "unreadable record", repr(exc))
                )
        if verifier.result.records - reported >= 20_000:
            reported = verifier.result.records
            rate = reported / (time.monotonic() - started)
            progress(
                f"  {reported:,} records read ({rate:,.0f}/s), {len(verifier.result.problems)} problem(s)"
            )
    return verifier.finish(started)
