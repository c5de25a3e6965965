"""The relay that publishes each service's outbox to Kafka, keyed as each stream is
(shared/mechanics/eventstore.py).

Records are published in position order: each stream's in version order, whichever replica appended
them (a driver's ObjectId orders two processes' records by their random prefixes, not by commit order).

At least once: a record is deleted only after the broker acknowledged it, so a relay killed
between the two publishes it again after restart, and idempotent consumers apply it once.
One relay per service holds a lease at a time, so scaled-out replicas do not publish twice."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from opentelemetry.trace import SpanKind
from pymongo.errors import DuplicateKeyError

from shared.mechanics.logs import describe
from shared.mechanics.mongo import Client, is_transient
from shared.mechanics.telemetry import Telemetry, context_from, current_carrier

log = logging.getLogger(__name__)
_LEASE = "outbox-relay"


class OutboxRelay:
    def __init__(
        self,
        client: Client,
        database: str,
        producer_options: dict[str, object],
        owner: str,
        *,
        batch_size: int = 256,
        idle_poll_seconds: float = 0.25,
        quiet_poll_seconds: float = 5.0,
        lease_seconds: float = 10.0,
        telemetry: Telemetry | None = None,
    ) -> None:
        db = client[database]
        self.outbox = db["outbox"]
        self.leases = db["leases"]
        self.producer_options = producer_options
        self._producer: AIOKafkaProducer | None = None
        self.owner = owner
        self.batch_size = batch_size
        self.idle_poll = idle_poll_seconds  # the first poll after a publish ...
        self.quiet_poll = quiet_poll_seconds  # ... doubling, while nothing is appended, up to this
        self.lease = timedelta(seconds=lease_seconds)
        self._wake = asyncio.Event()
        self._renewed_at: datetime | None = None  # when this relay last took or renewed the lease
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        telemetry = telemetry or Telemetry.of_process(database)
        self._tracer = telemetry.tracer(__name__)
        self._metrics = telemetry.metrics
        self._counted_at = 0.0  # when the backlog was last counted (event-loop time)

    def notify(self) -> None:
        """Something was appended: publish now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(**self.producer_options)  # needs the running loop
        await self._producer.start()
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self, grace_seconds: float = 5.0) -> None:
        # Let a batch in flight finish: a send cancelled half way can leave the producer unable to stop.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace_seconds)
            except TimeoutError:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.leases.delete_one({"_id": _LEASE, "owner": self.owner})
        self._renewed_at = None
        if self._producer is not None:
            await self._producer.stop()

    async def _run(self) -> None:
        poll = self.idle_poll
        while not self._stopping:
            published = 0
            try:
                if await self._hold_lease():
                    published = await self.publish_pending()
                    await self._count_backlog(empty=not published)
            except Exception as exc:
                if is_transient(exc) or isinstance(exc, KafkaError):  # an outage: one line, no traceback
                    log.warning("outbox relay: %s; retrying in 1 s", describe(exc))
                else:
                    log.exception("outbox relay failed; retrying in 1 s")
                await asyncio.sleep(1)
            # This process's appends wake the relay at once (notify); the poll finds another replica's, and
            # grows while there are none, so an idle service spares its database.
            poll = self.idle_poll if published else min(poll * 2, self.quiet_poll)
            if published < self.batch_size and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), poll)
                if self._wake.is_set():
                    poll = self.idle_poll

    async def _hold_lease(self) -> bool:
        now = datetime.now(UTC)
        if self._renewed_at is not None and now - self._renewed_at < self.lease / 3:
            return True  # renewed recently enough: spare the database a write per loop
        held_or_free = {"_id": _LEASE, "$or": [{"owner": self.owner}, {"expires_at": {"$lt": now}}]}
        try:
            await self.leases.update_one(
                held_or_free, {"$set": {"owner": self.owner, "expires_at": now + self.lease}}, upsert=True
            )
        except DuplicateKeyError:  # another replica holds it, so the upsert collided with its lease
            self._renewed_at = None
            return False
        self._renewed_at = now
        return True

    async def publish_pending(self) -> int:
        """Publish up to one batch of pending records; returns how many were published."""
        assert self._producer is not None, "start() the relay first"
        # A stream's next event commits only after its previous one, with a later position: a batch
        # never holds a stream's version without every earlier one still waiting.
        oldest = self.outbox.find().sort([("position", 1), ("_id", 1)])
        records = await oldest.limit(self.batch_size).to_list()
        if not records:
            return 0
        acks = []
        for record in records:
            # The span continues the trace of the command that appended the event.
            with self._tracer.start_as_current_span(
                f"send {record['topic']}",
                kind=SpanKind.PRODUCER,
                context=context_from(record.get("trace", {})),
                attributes={
                    "messaging.system": "kafka",
                    "messaging.operation.name": "send",
                    "messaging.operation.type": "send",
                    "messaging.destination.name": record["topic"],
                    "messaging.kafka.message.key": record["key"],
                    "messaging.message.id": record.get("event_id", ""),
                    "jip.event.type": record["event_type"],
                },
            ):
                headers = [
                    ("content-type", b"application/json"),
                    ("jip-event-type", record["event_type"].encode()),
                    ("jip-schema-version", str(record["schema_version"]).encode()),
                ]
                headers += [(k, v.encode()) for k, v in current_carrier().items()]
                # send() queues in call order; the producer keeps that order within a partition.
                acks.append(
                    await self._producer.send(
                        record["topic"], record["value"], key=record["key"].encode(), headers=headers
                    )
                )
        await asyncio.gather(*acks)
        await self.outbox.delete_many({"_id": {"$in": [r["_id"] for r in records]}})
        for record in records:
            self._metrics.sent.add(
                1,
                {
                    "messaging.system": "kafka",
                    "messaging.operation.name": "send",
                    "messaging.destination.name": record["topic"],
                    "jip.event.type": record["event_type"],
                },
            )
        return len(records)

    async def _count_backlog(self, *, empty: bool) -> None:
        """The outbox's length for the backlog gauge, at most once a second, by the lease holder only; not
        counted when the relay has just found it `empty`."""
        now = asyncio.get_running_loop().time()
        if now - self._counted_at >= 1.0:
            self._counted_at = now
            backlog = 0 if empty else await self.outbox.count_documents({})
            self._metrics.outbox_backlog.set(backlog, {"db.namespace": self.outbox.database.name})
