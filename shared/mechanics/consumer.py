"""Read models built from events: each event applied once and each stream in order, and no record, however
malformed, costing another record its delivery.

Delivery is at least once. A projection keeps, per stream, the version it has reached
(shared/mechanics/positions.py), moved in the same transaction as its read-model change; a delivered batch is
applied in one such transaction. An event at or below its stream's position is a duplicate (a
redelivery, a replay, the relay publishing again) and changes nothing. The next version is applied, or
passed over when the projection does not read its type. A later one means its predecessor has not been
applied: it is refused loudly, to the dead-letter topic, and so is everything after it in that stream
until the missing event is replayed (`jip deadletters replay`), so a read model never sees a stream out
of order.

A record that cannot be read as an event (no value, too large, not JSON, not an envelope, an unknown type,
a newer schema version) goes to the service's dead-letter topic (shared/mechanics/deadletter.py) with the
reason, as does an event its projection fails on; the other records of the batch are applied. A database
outage is retried, never dead-lettered. Reading the records off Kafka is shared/mechanics/subscription.py's
part."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase

from shared.mechanics.catalogue import Event, EventCatalogue, parse_envelope
from shared.mechanics.clock import CLOCK, ClockStore
from shared.mechanics.deadletter import REPLAY_FOR, Cause, DeadLetters
from shared.mechanics.envelope import Envelope, utc_now
from shared.mechanics.errors import MalformedEvent
from shared.mechanics.eventstore import EventStore
from shared.mechanics.logs import describe
from shared.mechanics.mongo import Client, Document, is_transient, transaction
from shared.mechanics.positions import Positions, Reached, StreamMoved
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry, context_from_headers

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Tx:
    """The projection's database and the transaction its writes must join, and the service's event
    store for a handler that reacts to an event with a command of its own. Such a command is appended in
    its own transaction before the read model commits, so it must be idempotent: a redelivered event
    runs it again. `memo` holds what a handler read in this transaction for the next events of the batch
    (shared/views/evidence_items.py), which must keep it as their writes change it."""

    db: AsyncDatabase[Document]
    session: AsyncClientSession
    store: EventStore
    memo: dict[str, Any] = field(default_factory=dict)


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
    IGNORED = "ignored"  # an event type this projection does not read, or a replay for another consumer
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
    refusal: tuple[str, Cause] | None = None  # why it is to be dead-lettered

    def refuse(self, reason: str, cause: Cause) -> None:
        self.refusal = (reason, cause)


class ProjectionRunner:
    """Applies delivered records to a service's projections, and dead-letters what it cannot apply."""

    def __init__(
        self,
        service: str,
        settings: Settings,
        client: Client,
        catalogue: EventCatalogue,
        store: EventStore,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.service = service
        self.store = store
        self.settings = settings
        self.client = client
        self.db = client[settings.database_name(service)]
        self.positions = Positions(self.db)
        self.catalogue = catalogue
        self.max_record_bytes = settings.max_event_bytes
        telemetry = telemetry or Telemetry.of_process(service)
        self._tracer = telemetry.tracer(__name__)
        self.metrics = telemetry.metrics
        self.dead_letters = DeadLetters(settings, service, self.metrics)
        # A rehearsal platform's clock is read again as each batch begins (shared/mechanics/clock.py).
        rehearsal = settings.environment == "rehearsal"
        self.clock = ClockStore(client, settings.platform_database()) if rehearsal else None

    async def start(self) -> None:
        await self.dead_letters.start()

    async def stop(self) -> None:
        await self.dead_letters.stop()

    def group_id(self, projection: Projection) -> str:
        return self.settings.consumer_group(self.service, projection.name)

    def topics(self, projection: Projection) -> list[str]:
        """What the projection reads: its contexts' events, and what is replayed to this service."""
        return [*(self.settings.events_topic(c) for c in projection.contexts), self.dead_letters.replay_topic]

    async def process(self, projection: Projection, record: ConsumerRecord[bytes, bytes]) -> Outcome:
        return (await self.process_batch(projection, [record]))[0]

    async def process_batch(
        self, projection: Projection, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> list[Outcome]:
        """Apply the batch in one transaction (one commit per batch, not per event). Should that fail for
        any reason but an outage, apply the records one at a time, so only the event at fault is
        dead-lettered. An outage, or a stream moved by another consumer, is raised: the whole batch is
        to be delivered again."""
        if self.clock is not None:  # an outage here is raised too: the batch waits for the clock
            await CLOCK.refresh(self.clock)
        deliveries = [self._receive(projection, record) for record in records]
        try:
            for delivery in deliveries:
                self._read(projection, delivery)
            try:
                await self._apply(projection, deliveries)
            except Exception as exc:
                if is_transient(exc) or isinstance(exc, StreamMoved):
                    raise
                for delivery in deliveries:
                    await self._apply_alone(projection, delivery)
            for delivery in deliveries:
                if delivery.refusal is not None:
                    await self._dead_letter(projection, delivery, *delivery.refusal)
        except Exception as exc:
            if not is_transient(exc) and not isinstance(exc, StreamMoved):
                raise
            log.warning(
                "%s: %s; the batch will be delivered again", projection.name, describe(exc), exc_info=False
            )
            for delivery in deliveries:
                delivery.outcome = None
            raise
        finally:
            for delivery in deliveries:
                self._finish(projection, delivery)
        return [d.outcome for d in deliveries if d.outcome is not None]

    # --- reading ---------------------------------------------------------------------------------------

    def _receive(self, projection: Projection, record: ConsumerRecord[bytes, bytes]) -> _Delivery:
        """The messaging conventions' process span: a child of the span that sent the record, and
        linked to it (the creation context) as the conventions ask of consumers."""
        creation = context_from_headers((k, v) for k, v in record.headers or () if v is not None)
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

    def _read(self, projection: Projection, delivery: _Delivery) -> None:
        """The record's envelope, or why it has none. Nothing here reads a header but the replay's
        addressee, and that only as bytes: a header of any bytes, or none, cannot stop a batch."""
        record = delivery.record
        if record.topic == self.dead_letters.replay_topic:
            addressee = {k: v for k, v in record.headers or () if v is not None}.get(REPLAY_FOR)
            if addressee != self.group_id(projection).encode():
                delivery.outcome = Outcome.IGNORED  # replayed to another of the service's projections
                return
        if record.value is None:
            delivery.refuse("the record has no value (a null value is no event)", Cause.MALFORMED)
            return
        if len(record.value) > self.max_record_bytes:
            delivery.refuse(
                f"the record's value is {len(record.value)} bytes, over the limit of "
                f"{self.max_record_bytes} for an event (JIP_MAX_EVENT_BYTES)",
                Cause.OVERSIZE,
            )
            return
        try:
            envelope = delivery.envelope = parse_envelope(record.value)
        except MalformedEvent as exc:
            delivery.refuse(str(exc), Cause.MALFORMED)
            return
        delivery.span.set_attribute("jip.event.type", envelope.event_type)
        delivery.span.set_attribute("messaging.message.id", envelope.event_id)

    # --- applying --------------------------------------------------------------------------------------

    async def _positions(self, projection: Projection, deliveries: Sequence[_Delivery]) -> dict[str, Reached]:
        """Where each stream of the batch stands in this projection."""
        first: dict[str, Envelope] = {}
        for delivery in deliveries:
            if delivery.envelope is not None:
                first.setdefault(delivery.envelope.stream_id, delivery.envelope)
        return await self.positions.of(projection.name, first) if first else {}

    def _plan(self, projection: Projection, deliveries: Sequence[_Delivery], at: dict[str, Reached]) -> None:
        """Decide each readable record's outcome against its stream's position, in batch order, moving
        the positions in `at` as a successful transaction would."""
        for delivery in deliveries:
            envelope = delivery.envelope
            if envelope is None or delivery.outcome is not None or delivery.refusal is not None:
                continue
            stream, version, reached = envelope.stream_id, envelope.stream_version, at[envelope.stream_id]
            digest = envelope.digest()
            if version <= reached.version:
                if version == reached.version and reached.digest not in (None, digest):
                    delivery.refuse(
                        f"{stream} version {version} is not the event applied as that version (its digest "
                        "differs): a forged or rewritten event",
                        Cause.MALFORMED,
                    )
                else:
                    delivery.outcome = Outcome.DUPLICATE
                continue
            if version > reached.version + 1:
                delivery.refuse(
                    f"{stream} version {version} arrived before version {reached.version + 1}, which is not "
                    "applied: it waits for it (replay the stream's dead letters in order)",
                    Cause.OUT_OF_ORDER,
                )
                continue
            if reached.digest is not None and envelope.previous_hash != reached.digest:
                delivery.refuse(
                    f"{stream} version {version} does not name version {reached.version}, as applied, as "
                    "its previous event (previous_hash): the hash chain is broken",
                    Cause.MALFORMED,
                )
                continue
            if envelope.event_type not in self.catalogue:
                delivery.refuse(f"unknown event type {envelope.event_type}", Cause.MALFORMED)
                continue
            handler = projection.handlers.get(envelope.event_type)
            if handler is not None:
                try:
                    delivery.event = self.catalogue.decode(envelope)
                except MalformedEvent as exc:
                    delivery.refuse(str(exc), Cause.MALFORMED)
                    continue
            delivery.handler = handler
            at[stream] = Reached(version, digest)

    async def _apply(self, projection: Projection, deliveries: Sequence[_Delivery]) -> None:
        """In one transaction: move the streams' positions and change the read model. A position that
        moved since it was read (another consumer of the partition, in a rebalance) aborts it all."""
        before = await self._positions(projection, deliveries)
        after = dict(before)
        self._plan(projection, deliveries, after)
        if after == before:
            return
        async with transaction(self.client) as session:
            await self.positions.move(projection.name, before, after, session)
            tx = Tx(self.db, session, self.store)
            for delivery in deliveries:
                if delivery.handler is not None and delivery.outcome is None and delivery.refusal is None:
                    assert delivery.envelope is not None
                    # Current while it runs: its queries and any event it appends join the event's trace.
                    with trace.use_span(delivery.span, end_on_exit=False):
                        await delivery.handler(delivery.event, delivery.envelope, tx)
        for delivery in deliveries:
            if delivery.envelope is not None and delivery.outcome is None and delivery.refusal is None:
                delivery.outcome = Outcome.APPLIED if delivery.handler else Outcome.IGNORED

    async def _apply_alone(self, projection: Projection, delivery: _Delivery) -> None:
        """One record in a transaction of its own; if its handler fails, it is dead-lettered, and its
        stream waits for it."""
        if delivery.envelope is None or delivery.refusal is not None or delivery.outcome is Outcome.IGNORED:
            return
        delivery.outcome, delivery.event, delivery.handler = None, None, None
        try:
            await self._apply(projection, [delivery])
        except Exception as exc:
            if is_transient(exc) or isinstance(exc, StreamMoved):
                raise
            record = delivery.record
            log.exception(
                "%s failed on %s[%d]@%d", projection.name, record.topic, record.partition, record.offset
            )
            delivery.outcome = None
            delivery.refuse(f"projection failed: {describe(exc)}", Cause.PROJECTION_FAILED)

    # --- finishing -------------------------------------------------------------------------------------

    def _finish(self, projection: Projection, delivery: _Delivery) -> None:
        outcome = delivery.outcome.value if delivery.outcome else "delivered again"
        event_type = delivery.envelope.event_type if delivery.envelope else "unread"
        delivery.span.set_attribute("jip.outcome", outcome)
        delivery.span.end()
        group = self.group_id(projection)
        self.metrics.consumed.add(
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
            self.metrics.projection_lag.record(
                max((utc_now() - delivery.envelope.occurred_at).total_seconds(), 0.0),
                {"messaging.consumer.group.name": group, "jip.event.type": event_type},
            )

    async def _dead_letter(
        self, projection: Projection, delivery: _Delivery, reason: str, cause: Cause
    ) -> None:
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
        await self.dead_letters.record(record, self.group_id(projection), reason, cause)
        delivery.outcome = Outcome.DEAD_LETTERED
