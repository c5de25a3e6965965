"""Read models built from events, each event applied exactly once.

Delivery is at least once. A projection records the ids of the events it applied in the same
transaction as its read-model change, so a redelivered, replayed or restarted event changes
nothing; a delivered batch is applied in one such transaction. A message that cannot be read as an
event goes to the service's dead-letter topic with the reason, and the consumer carries on; a
database outage is retried, never dead-lettered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from aiokafka import ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.catalogue import Event, EventCatalogue, parse_envelope
from shared.envelope import Envelope, utc_now
from shared.errors import MalformedEvent
from shared.eventstore import EventStore
from shared.logs import describe
from shared.mongo import Client, Document, is_transient, transaction
from shared.settings import Settings
from shared.telemetry import Telemetry, context_from_headers

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Tx:
    """The projection's database and the transaction its writes must join, and the service's event
    store for a handler that reacts to an event with a command of its own. Such a command is appended in
    its own transaction before the read model commits, so it must be idempotent: a redelivered event
    runs it again."""

    db: AsyncDatabase[Document]
    session: AsyncClientSession
    store: EventStore


Handler = Callable[[Any, Envelope, Tx], Awaitable[None]]


class Projection:
    """A named read model: which contexts' events it reads and what it does with each event type."""

    def __init__(self, name: str, contexts: Sequence[str]) -> None:
        self.name = name
        self.contexts = tuple(contexts)
        self.handlers: dict[str, Handler] = {}

    def on(self, event: type[E]) -> Callable[[Callable[[E, Envelope, Tx], Awaitable[None]]], Handler]:
        """Register a handler; several handlers of one event type run in the order registered."""

        def register(handler: Callable[[E, Envelope, Tx], Awaitable[None]]) -> Handler:
            earlier = self.handlers.get(event.event_type)
            if earlier is None:
                self.handlers[event.event_type] = handler
                return handler

            async def both(e: Any, envelope: Envelope, tx: Tx) -> None:
                await earlier(e, envelope, tx)
                await handler(e, envelope, tx)

            self.handlers[event.event_type] = both
            return handler

        return register


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # an event type this projection does not read
    DEAD_LETTERED = "dead-lettered"


@dataclass
class _Delivery:
    """One record on its way through a batch."""

    record: ConsumerRecord[bytes, bytes]
    span: Span
    envelope: Envelope | None = None
    event: Event | None = None
    handler: Handler | None = None
    outcome: Outcome | None = None

    @property
    def event_id(self) -> str:
        assert self.envelope is not None
        return self.envelope.event_id


async def _records(message: Any) -> Any:
    """Decoder: hand over the raw records, so a malformed one reaches us instead of failing decoding."""
    return message.raw_message


class ProjectionRunner:
    def __init__(
        self,
        service: str,
        settings: Settings,
        client: Client,
        catalogue: EventCatalogue,
        broker: KafkaBroker,
        dead_letter_topic: str,
        store: EventStore,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.service = service
        self.store = store
        self.settings = settings
        self.client = client
        self.db = client[settings.database_name(service)]
        self.applied = self.db["applied_events"]
        self.catalogue = catalogue
        self.broker = broker
        self.dead_letter_topic = dead_letter_topic
        telemetry = telemetry or Telemetry.of_process(service)
        self._tracer = telemetry.tracer(__name__)
        self._metrics = telemetry.metrics

    def group_id(self, projection: Projection) -> str:
        return self.settings.consumer_group(self.service, projection.name)

    def subscribe(self, projection: Projection) -> None:
        topics = [self.settings.events_topic(c) for c in projection.contexts]

        # Batches of raw records: one offset commit per batch, and malformed records reach process().
        subscriber: Any = self.broker.subscriber(
            *topics,
            group_id=self.group_id(projection),
            batch=True,
            max_records=200,
            auto_offset_reset="earliest",
            decoder=_records,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{self.service}.{projection.name}",
            **self.settings.consumer_options(),
        )

        async def consume(records: list[Any]) -> None:
            await self.process_batch(projection, records)
            self._record_lag(projection, subscriber.consumer, records)

        subscriber(consume)

    def _record_lag(self, projection: Projection, consumer: Any, records: Sequence[Any]) -> None:
        """Consumer lag per partition: its high watermark at the last fetch, less the next offset."""
        if consumer is None:
            return
        last: dict[TopicPartition, int] = {}
        for record in records:
            partition = TopicPartition(record.topic, record.partition)
            last[partition] = max(last.get(partition, -1), record.offset)
        for partition, offset in last.items():
            highwater = consumer.highwater(partition)
            if highwater is not None:
                self._metrics.consumer_lag.set(
                    max(highwater - offset - 1, 0),
                    {
                        "messaging.system": "kafka",
                        "messaging.consumer.group.name": self.group_id(projection),
                        "messaging.destination.name": partition.topic,
                        "messaging.destination.partition.id": str(partition.partition),
                    },
                )

    async def process(self, projection: Projection, record: ConsumerRecord[bytes, bytes]) -> Outcome:
        return (await self.process_batch(projection, [record]))[0]

    async def process_batch(
        self, projection: Projection, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> list[Outcome]:
        """Dead-letter what cannot be read, then apply the rest in one transaction (one commit per batch,
        not per event). Should that fail for any reason but an outage, apply them one at a time, so only
        the event at fault is dead-lettered. An outage is retried: the whole batch is delivered again."""
        deliveries = [self._receive(projection, record) for record in records]
        try:
            seen: set[str] = set()
            for delivery in deliveries:
                await self._read(projection, delivery, seen)
            pending = [d for d in deliveries if d.outcome is None]
            if pending:
                await self._apply_or_isolate(projection, pending)
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning(
                "%s: database unavailable (%s); the batch will be delivered again", projection.name, exc
            )
            await asyncio.sleep(1)  # then NACK
            raise
        finally:
            for delivery in deliveries:
                self._finish(projection, delivery)
        return [d.outcome for d in deliveries if d.outcome is not None]

    def _receive(self, projection: Projection, record: ConsumerRecord[bytes, bytes]) -> _Delivery:
        """The messaging conventions' process span: a child of the span that sent the record, and
        linked to it (the creation context) as the conventions ask of consumers."""
        creation = context_from_headers(record.headers or ())
        sent = trace.get_current_span(creation).get_span_context()
        span = self._tracer.start_span(
            f"process {record.topic}",
            kind=SpanKind.CONSUMER,
            context=creation,
            links=[Link(sent)] if sent.is_valid else None,
            attributes={
                "messaging.system": "kafka",
                "messaging.operation.name": "process",
                "messaging.operation.type": "process",
                "messaging.destination.name": record.topic,
                "messaging.destination.partition.id": str(record.partition),
                "messaging.consumer.group.name": self.group_id(projection),
                "messaging.kafka.offset": record.offset,
                "messaging.kafka.message.key": (record.key or b"").decode("utf-8", "replace"),
            },
        )
        return _Delivery(record, span)

    def _finish(self, projection: Projection, delivery: _Delivery) -> None:
        outcome = delivery.outcome.value if delivery.outcome else "delivered again"
        event_type = delivery.envelope.event_type if delivery.envelope else "unread"
        delivery.span.set_attribute("jip.outcome", outcome)
        delivery.span.end()
        group = self.group_id(projection)
        self._metrics.consumed.add(
            1,
            {
                "messaging.system": "kafka",
                "messaging.operation.name": "process",
                "messaging.destination.name": delivery.record.topic,
                "messaging.consumer.group.name": group,
                "jip.event.type": event_type,
                "jip.outcome": outcome,
            },
        )
        if delivery.outcome is Outcome.APPLIED and delivery.envelope is not None:
            self._metrics.projection_lag.record(
                max((utc_now() - delivery.envelope.occurred_at).total_seconds(), 0.0),
                {"messaging.consumer.group.name": group, "jip.event.type": event_type},
            )

    async def _read(self, projection: Projection, delivery: _Delivery, seen: set[str]) -> None:
        try:
            envelope = delivery.envelope = parse_envelope(delivery.record.value or b"")
            handler = projection.handlers.get(envelope.event_type)
            if handler is None:
                delivery.outcome = Outcome.IGNORED
                return
            delivery.span.set_attribute("jip.event.type", envelope.event_type)
            delivery.span.set_attribute("messaging.message.id", envelope.event_id)
            if envelope.event_id in seen:  # published twice, delivered in one batch
                delivery.outcome = Outcome.DUPLICATE
                return
            delivery.event, delivery.handler = self.catalogue.decode(envelope), handler
            seen.add(envelope.event_id)
        except MalformedEvent as exc:
            delivery.outcome = await self._dead_letter(projection, delivery, str(exc), "malformed")

    async def _apply_or_isolate(self, projection: Projection, pending: list[_Delivery]) -> None:
        try:
            await self._apply(projection, pending)
        except Exception as exc:
            if is_transient(exc):
                raise
            if len(pending) > 1:
                for delivery in pending:
                    await self._apply_or_isolate(projection, [delivery])
                return
            record = pending[0].record
            log.exception(
                "%s failed on %s[%d]@%d", projection.name, record.topic, record.partition, record.offset
            )
            pending[0].outcome = await self._dead_letter(
                projection, pending[0], f"projection failed: {describe(exc)}", "projection_failed"
            )

    async def _apply(self, projection: Projection, pending: list[_Delivery]) -> None:
        """In one transaction: record the events as applied and change the read model; events already
        applied (a redelivery, a replay) change nothing."""
        keys = [f"{projection.name}:{d.event_id}" for d in pending]
        async with transaction(self.client) as session:
            done = {
                doc["_id"]
                async for doc in self.applied.find({"_id": {"$in": keys}}, {"_id": 1}, session=session)
            }
            fresh = [(key, d) for key, d in zip(keys, pending, strict=True) if key not in done]
            if fresh:
                now, tx = utc_now(), Tx(self.db, session, self.store)
                await self.applied.insert_many([{"_id": key, "at": now} for key, _ in fresh], session=session)
                for _, delivery in fresh:
                    assert delivery.handler is not None and delivery.envelope is not None  # noqa: PT018
                    # Current while it runs: its queries and any event it appends join the event's trace.
                    with trace.use_span(delivery.span, end_on_exit=False):
                        await delivery.handler(delivery.event, delivery.envelope, tx)
        applied = {key for key, _ in fresh}
        for key, delivery in zip(keys, pending, strict=True):
            delivery.outcome = Outcome.APPLIED if key in applied else Outcome.DUPLICATE

    async def _dead_letter(
        self, projection: Projection, delivery: _Delivery, reason: str, cause: str
    ) -> Outcome:
        record = delivery.record
        with trace.use_span(delivery.span, end_on_exit=False):  # the warning carries the trace id
            log.warning(
                "dead-lettering %s[%d]@%d for %s: %s",
                record.topic,
                record.partition,
                record.offset,
                projection.name,
                reason,
            )
        headers = {k: v.decode("latin-1") for k, v in record.headers or ()}
        headers |= {
            "jip-dead-letter-reason": reason[:1000],
            "jip-dead-letter-consumer": self.group_id(projection),
            "jip-source-topic": record.topic,
            "jip-source-partition": str(record.partition),
            "jip-source-offset": str(record.offset),
            "jip-dead-lettered-at": utc_now().isoformat(),
        }
        await self.broker.publish(
            record.value or b"", self.dead_letter_topic, key=record.key, headers=headers
        )
        self._metrics.dead_letters.add(
            1,
            {
                "messaging.destination.name": record.topic,
                "messaging.consumer.group.name": self.group_id(projection),
                "jip.dead_letter.cause": cause,
            },
        )
        return Outcome.DEAD_LETTERED
