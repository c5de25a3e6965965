"""Read models built from events, each event applied exactly once.

Delivery is at least once. A projection records the ids of the events it applied in the same
transaction as its read-model change, so a redelivered, replayed or restarted event changes
nothing. A message that cannot be read as an event goes to the service's dead-letter topic with
the reason, and the consumer carries on; a database outage is retried, never dead-lettered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from opentelemetry.trace import SpanKind
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.catalogue import Event, EventCatalogue, parse_envelope
from shared.envelope import Envelope, utc_now
from shared.errors import MalformedEvent
from shared.mongo import Client, Document, is_transient, transaction
from shared.settings import Settings
from shared.telemetry import context_from_headers, tracer

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Tx:
    """The projection's database and the transaction its writes must join."""

    db: AsyncDatabase[Document]
    session: AsyncClientSession


Handler = Callable[[Any, Envelope, Tx], Awaitable[None]]


class Projection:
    """A named read model: which contexts' events it reads and what it does with each event type."""

    def __init__(self, name: str, contexts: Sequence[str]) -> None:
        self.name = name
        self.contexts = tuple(contexts)
        self.handlers: dict[str, Handler] = {}

    def on(self, event: type[E]) -> Callable[[Callable[[E, Envelope, Tx], Awaitable[None]]], Handler]:
        def register(handler: Callable[[E, Envelope, Tx], Awaitable[None]]) -> Handler:
            self.handlers[event.event_type] = handler
            return handler

        return register


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # an event type this projection does not read
    DEAD_LETTERED = "dead-lettered"


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
    ) -> None:
        self.service = service
        self.settings = settings
        self.client = client
        self.db = client[settings.database_name(service)]
        self.applied = self.db["applied_events"]
        self.catalogue = catalogue
        self.broker = broker
        self.dead_letter_topic = dead_letter_topic
        self._tracer = tracer(__name__)

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
            for record in records:
                await self.process(projection, record)

        subscriber(consume)

    async def process(self, projection: Projection, record: ConsumerRecord[bytes, bytes]) -> Outcome:
        headers = list(record.headers or ())
        with self._tracer.start_as_current_span(
            f"{record.topic} process", kind=SpanKind.CONSUMER, context=context_from_headers(headers)
        ) as span:
            span.set_attribute("messaging.system", "kafka")
            span.set_attribute("messaging.consumer.group.name", self.group_id(projection))
            span.set_attribute("messaging.kafka.offset", record.offset)
            try:
                envelope = parse_envelope(record.value or b"")
                handler = projection.handlers.get(envelope.event_type)
                if handler is None:
                    outcome = Outcome.IGNORED
                else:
                    span.set_attribute("jip.event.type", envelope.event_type)
                    span.set_attribute("jip.event.id", envelope.event_id)
                    event = self.catalogue.decode(envelope)
                    outcome = await self._apply_once(projection, handler, event, envelope)
            except MalformedEvent as exc:
                outcome = await self._dead_letter(projection, record, str(exc))
            except Exception as exc:
                if is_transient(exc):
                    log.warning("%s: database unavailable (%s); will retry the message", projection.name, exc)
                    await asyncio.sleep(1)  # then NACK: the message is delivered again
                    raise
                log.exception(
                    "%s failed on %s[%d]@%d", projection.name, record.topic, record.partition, record.offset
                )
                outcome = await self._dead_letter(projection, record, f"projection failed: {exc!r}")
            span.set_attribute("jip.outcome", outcome.value)
            return outcome

    async def _apply_once(
        self, projection: Projection, handler: Handler, event: Event, envelope: Envelope
    ) -> Outcome:
        async with transaction(self.client) as session:
            try:
                await self.applied.insert_one(
                    {"_id": f"{projection.name}:{envelope.event_id}", "at": utc_now()}, session=session
                )
            except DuplicateKeyError:
                await session.abort_transaction()
                return Outcome.DUPLICATE
            await handler(event, envelope, Tx(self.db, session))
        return Outcome.APPLIED

    async def _dead_letter(
        self, projection: Projection, record: ConsumerRecord[bytes, bytes], reason: str
    ) -> Outcome:
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
        return Outcome.DEAD_LETTERED
