"""Reading a projection's records off Kafka ourselves, and knowing when it has stopped keeping up.

Each projection reads raw records with aiokafka: no framework parses them first, so a header of any bytes
(or none), a null key or value, or a record too large reaches shared/mechanics/consumer.py, which
dead-letters that one record and applies the rest. Offsets are committed only after a batch is applied, so
a batch is delivered again after an outage or a crash (and applied once).

On Kafka each projection is a consumer group, so a service's replicas share its partitions. Where each
service runs once (the embedded tansu broker, `Settings.consumer_groups`), a projection takes every
partition of its topics itself and commits its offsets under the group's name with no membership: no
join to wait for, and no heartbeats, each of which tansu answers by reading and writing the group's state
in its store. A second copy of such a service would read every record too, and apply none twice.

When the Kafka client itself cannot parse what the broker returned (aiokafka parses a record batch as a
whole, so one record whose header name is not UTF-8, or whose own bytes are broken, makes every record of
its batch unreadable to it), the subscription reads that partition one record at a time, and where the
client raises at a position it fetches that batch's bytes itself and reads them record by record
(raw_fetch.py, raw_records.py): every record it can read from the position on is applied (a header name
that is not UTF-8 is read with its bad bytes replaced, as a header value of any bytes already is), each
offset it cannot read (a record whose own structure is broken, a batch that does not decompress or whose
CRC does not match its bytes) is dead-lettered with its place and the reason, and the partition moves
past the batch; the other partitions go on. Only when that raw fetch gets no batch at the position is the
position dead-lettered as the client's fault names it.

An idle projection fetches less often: after `IDLE_AFTER` seconds with no record, each fetch waits up to
`IDLE_FETCH_WAIT_MS` at the broker instead of the configured wait, and the first record back restores it.
An idle stack then costs the broker and each service little (bench/idle.py); the first event after a
quiet spell waits up to that long for its projection, the ones after it do not.

`Progress` is what `/health` and the metrics show: a projection whose batches keep failing, or whose lag
does not fall, for longer than `JIP_PROJECTION_STUCK_SECONDS` is stuck."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError, CorruptRecordException, KafkaError, UnsupportedCodecError

from shared.mechanics.consumer import Projection, ProjectionRunner
from shared.mechanics.deadletter import Cause
from shared.mechanics.logs import describe
from shared.mechanics.raw_fetch import NoRawBatch, raw_batch, read_past

log = logging.getLogger(__name__)
BATCH = 200
JOIN_ALLOWANCE = 30.0  # seconds a projection may take to join its group before it counts as stuck
IDLE_AFTER = 30.0  # seconds without a record before a projection counts as idle
IDLE_FETCH_WAIT_MS = 5000  # how long an idle projection's fetch waits at the broker, and its getmany here
STARVED_WAIT_MS = 4000  # the longest a fetch waits at the broker to read a long partition
BUSY_GETMANY_MS = 1000  # how long a busy projection's getmany waits for records before it looks again
Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]


def _partitions(consumer: AIOKafkaConsumer, topics: list[str], group: str) -> list[TopicPartition]:
    """Every partition of the topics, as the metadata the consumer started with names them. A topic the
    broker does not have is left out, and said so (the services create every topic of the namespace
    before their projections start; a consumer group would pass it over too): a missing topic must not
    stop the projection reading the others. None at all is a broker not ready yet."""
    found: list[TopicPartition] = []
    for topic in topics:
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            found += [TopicPartition(topic, p) for p in sorted(partitions)]
        else:
            log.warning("%s: the broker has no topic %s: not read until the service restarts", group, topic)
    if not found:
        raise KafkaError(f"the broker names no partition of {', '.join(topics)} yet")
    return found


def _unreadable(exc: BaseException) -> bool:
    """A fault in the records the broker returned, not in reaching it: skipping the record is the cure."""
    if isinstance(exc, CorruptRecordException | UnsupportedCodecError):
        return True
    return not isinstance(exc, KafkaError | ConsumerStoppedError | asyncio.CancelledError)


@dataclass
class Progress:
    """How a projection is keeping up, for `/health` and the `jip.projection.stuck` gauge."""

    group: str
    stuck_after: float
    lag: int = 0
    moved_at: float = field(default_factory=lambda: time.monotonic())  # last applied, or nothing to read
    failing_since: float | None = None
    failures: int = 0
    last_failure: str | None = None
    running: bool = False
    joining_since: float | None = None  # started, and not yet given its partitions

    def applied(self) -> None:
        self.moved_at, self.failing_since, self.failures = time.monotonic(), None, 0

    def failed(self, reason: str) -> None:
        self.failures += 1
        self.last_failure = reason
        if self.failing_since is None:
            self.failing_since = time.monotonic()

    @property
    def state(self) -> str:
        """ok, behind (lag, falling), starting (joining its group), or stuck (not running, failing, lag
        that does not fall, or a join that takes longer than JOIN_ALLOWANCE or being behind may)."""
        now = time.monotonic()
        if not self.running:
            allowed = max(self.stuck_after, JOIN_ALLOWANCE)
            joining = self.joining_since is not None and now - self.joining_since <= allowed
            return "starting" if joining else "stuck"
        if self.failing_since is not None and now - self.failing_since > self.stuck_after:
            return "stuck"
        if self.lag > 0:
            return "stuck" if now - self.moved_at > self.stuck_after else "behind"
        return "ok"

    def view(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"status": self.state, "lag": self.lag}
        if self.failures:
            shown |= {"failures": self.failures, "last_failure": self.last_failure}
        return shown


class Subscription:
    """One projection's consumer: fetch, apply, commit; read carefully past what cannot be parsed."""

    def __init__(self, runner: ProjectionRunner, projection: Projection) -> None:
        self.runner, self.projection = runner, projection
        settings = runner.settings
        self.progress = Progress(runner.group_id(projection), settings.projection_stuck_seconds)
        self._options: dict[str, Any] = {
            **settings.kafka_security(),
            **settings.consumer_options(),
            "bootstrap_servers": settings.kafka_bootstrap_servers,
            "group_id": runner.group_id(projection),
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "max_partition_fetch_bytes": 8 * 1024 * 1024,
        }
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._careful: dict[TopicPartition, int] = {}  # partitions read one record at a time, and how long
        self._busy_wait_ms: int = self._options.get("fetch_max_wait_ms", 500)
        self._last_record = time.monotonic()
        self._wait_ms = BUSY_GETMANY_MS
        self._starved = 0  # fetches in a row that read nothing behind the high watermark
        runner.metrics.watch_projection(self.progress.group, lambda: self.progress.state == "stuck")

    async def start(self) -> None:
        """Take the partitions (join the group, or assign them all) and read, in the background: a join
        takes tansu half its session timeout, which the service's start-up need not wait for. Until the
        projection has its partitions it is `starting`, which /health counts as well, for as long as it
        may be behind before it is stuck."""
        self.progress.joining_since = time.monotonic()
        self._task = asyncio.create_task(self._join_and_run(), name=f"projection {self.projection.name}")
        self._task.add_done_callback(self._ended)

    async def _join_and_run(self) -> None:
        backoff = 0.5
        topics, grouped = self.runner.topics(self.projection), self.runner.settings.consumer_groups
        while True:
            consumer = AIOKafkaConsumer(*(topics if grouped else ()), **self._options)
            try:
                await consumer.start()
                if not grouped:
                    consumer.assign(_partitions(consumer, topics, self.progress.group))
                break
            except KafkaError as exc:  # the broker or a topic is not there yet: try again, and say so
                await consumer.stop()
                doing = "joining the group" if grouped else "taking its partitions"
                self._failed(f"{doing} failed: {describe(exc)}")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
            except BaseException:
                await consumer.stop()
                raise
        self._consumer = consumer
        self.progress.running, self.progress.joining_since = True, None
        self.progress.applied()
        await self._run()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()
        self.progress.running = False

    def _ended(self, task: asyncio.Task[None]) -> None:
        self.progress.running, self.progress.joining_since = False, None
        if not task.cancelled() and task.exception() is not None:
            log.error("%s stopped: %s", self.progress.group, describe(task.exception()))  # type: ignore[arg-type]

    async def _run(self) -> None:
        assert self._consumer is not None
        consumer, backoff = self._consumer, 0.5
        while True:
            try:
                batch = await self._fetch(consumer)
            except ConsumerStoppedError:
                return
            except Exception as exc:  # reaching the broker, or a fault the client did not place
                self._failed(f"fetch failed: {describe(exc)}")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
                continue
            records = [r for tp in sorted(batch) for r in batch[tp]]
            if records:
                # Before any await: aiokafka sends its next fetch as soon as this one's records are taken,
                # with the wait then set, so an idle projection's long wait would hold up the next record.
                self._pace(consumer, True)
                try:
                    await self.runner.process_batch(self.projection, records)
                except Exception as exc:
                    self._failed(describe(exc))
                    for tp, held in batch.items():  # deliver the batch again
                        consumer.seek(tp, held[0].offset)
                    await self._measure(consumer, applied=False)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 10)
                    continue
                with contextlib.suppress(KafkaError):  # a rebalance: the next owner delivers it again
                    await consumer.commit({tp: held[-1].offset + 1 for tp, held in batch.items()})
            backoff = 0.5
            await self._measure(consumer, applied=bool(records))
            if not records:  # a fetch that brought records was paced as they came, above
                self._pace(consumer, False)

    def _pace(self, consumer: AIOKafkaConsumer, read: bool) -> None:
        """The broker's wait for the next fetches: the configured one while records come, a longer one
        once the projection has been idle for IDLE_AFTER seconds. And two fetches in a row that brought
        nothing while the broker holds records past the position (lag) double the configured wait, up to
        STARVED_WAIT_MS, for as long as the consumer lives: tansu's s3 engine lists every batch object
        of a partition at each fetch and stops when the wait has run out, so on a partition of a few
        thousand batches a 50 ms fetch would never read anything (bench/README.md, issue 24 §5). aiokafka
        reads the wait from its fetcher for every request it makes, and has no public way to change it."""
        now = time.monotonic()
        starved = not read and self.progress.lag > 0
        self._starved = self._starved + 1 if starved else 0
        if read:
            self._last_record = now
        elif self._starved >= 2 and self._busy_wait_ms < STARVED_WAIT_MS:  # twice, not a fetch in flight
            self._busy_wait_ms = min(max(self._busy_wait_ms, 25) * 2, STARVED_WAIT_MS)
            log.info(
                "%s: a fetch read nothing behind the high watermark: waits %d ms at the broker now",
                self.progress.group,
                self._busy_wait_ms,
            )
        idle = now - self._last_record > IDLE_AFTER
        wait = max(self._busy_wait_ms, IDLE_FETCH_WAIT_MS) if idle else self._busy_wait_ms
        self._wait_ms = max(wait, BUSY_GETMANY_MS)  # how long a getmany waits here
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is not None and getattr(fetcher, "_fetch_max_wait_ms", wait) != wait:
            fetcher._fetch_max_wait_ms = wait

    def _failed(self, reason: str) -> None:
        log.warning("%s: %s; trying again", self.progress.group, reason)
        self.progress.failed(reason)
        self.runner.metrics.projection_failures.add(1, {"messaging.consumer.group.name": self.progress.group})

    async def _fetch(self, consumer: AIOKafkaConsumer) -> Batch:
        """A batch; after a fault in the records, the faulty partition one record at a time for a while."""
        if not self._careful:
            try:
                fetched: Batch = await consumer.getmany(timeout_ms=self._wait_ms, max_records=BATCH)
                return fetched
            except Exception as exc:
                if not _unreadable(exc):
                    raise
                log.warning("%s: a record batch cannot be read (%s)", self.progress.group, describe(exc))
                self._careful = dict.fromkeys(consumer.assignment(), BATCH)
                await self._rewind(consumer)
        batch: Batch = {}
        for tp in sorted(self._careful):
            if tp not in consumer.assignment():
                del self._careful[tp]
                continue
            position = await consumer.position(tp)
            try:
                got = await consumer.getmany(tp, timeout_ms=100, max_records=1)
            except Exception as exc:
                if not _unreadable(exc):
                    raise
                try:
                    await self._skip(consumer, tp, position, exc)
                except BaseException:  # not applied: this partition, and those read before it, read again
                    consumer.seek(tp, position)
                    for read, held in batch.items():
                        consumer.seek(read, held[0].offset)
                    raise
                continue
            if got.get(tp):
                batch[tp] = got[tp]
            self._careful[tp] -= 1
            if self._careful[tp] <= 0 or not got.get(tp):
                del self._careful[tp]
        return batch

    async def _rewind(self, consumer: AIOKafkaConsumer) -> None:
        """Back to the committed offsets: a fetch that failed on one partition may have taken records of
        others with it, which were never applied."""
        for tp in consumer.assignment():
            committed = await consumer.committed(tp)
            if committed is None:
                await consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, committed)

    async def _skip(
        self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int, exc: BaseException
    ) -> None:
        """Read past a position whose batch the Kafka client cannot parse: the batch read raw, its readable
        records from the position on applied, each offset it cannot read dead-lettered with its reason,
        the partition committed and moved past the batch. Should the raw fetch get no batch there, the
        position alone is dead-lettered, as the client's fault names it. A fault in reaching the broker,
        or in applying, is raised: the position is read again."""
        try:
            batch = await raw_batch(consumer, tp, offset, self._options["max_partition_fetch_bytes"])
        except NoRawBatch as why:
            log.warning("%s: %s[%d]@%d: %s", self.progress.group, tp.topic, tp.partition, offset, why)
            await self._dead_letter(
                tp, offset, f"the Kafka client cannot read the record at this position: {describe(exc)}"
            )
            consumer.seek(tp, offset + 1)
            self._careful[tp] = BATCH
            return
        records, unreadable = read_past(tp, batch, offset)
        log.warning(
            "%s: %s[%d]@%d: the Kafka client cannot read the batch of offsets %d to %d (%s): read it "
            "record by record, %d readable, %d not",
            self.progress.group,
            tp.topic,
            tp.partition,
            offset,
            batch.base_offset,
            batch.next_offset - 1,
            describe(exc),
            len(records),
            len(unreadable),
        )
        if records:
            await self.runner.process_batch(self.projection, records)
        for position, reason in unreadable:
            await self._dead_letter(tp, position, f"the record at this position cannot be read: {reason}")
        with contextlib.suppress(KafkaError):  # a rebalance: the next owner delivers it again
            await consumer.commit({tp: batch.next_offset})
        consumer.seek(tp, batch.next_offset)
        self._careful[tp] = BATCH
        if records:
            self.progress.applied()

    async def _dead_letter(self, tp: TopicPartition, offset: int, reason: str) -> None:
        log.warning("%s: %s[%d]@%d: %s", self.progress.group, tp.topic, tp.partition, offset, reason)
        source = (tp.topic, tp.partition, offset)
        await self.runner.dead_letters.publish(self.progress.group, source, reason, Cause.UNREADABLE)

    async def _measure(self, consumer: AIOKafkaConsumer, *, applied: bool) -> None:
        """Lag per partition (high watermark at the last fetch less the next offset) and progress."""
        lag = 0
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            behind = max(highwater - await consumer.position(tp), 0)
            lag += behind
            self.runner.metrics.consumer_lag.set(
                behind,
                {
                    "messaging.system": "kafka",
                    "messaging.consumer.group.name": self.progress.group,
                    "messaging.destination.name": tp.topic,
                    "messaging.destination.partition.id": str(tp.partition),
                },
            )
        self.progress.lag = lag
        if applied or lag == 0:
            self.progress.applied()
