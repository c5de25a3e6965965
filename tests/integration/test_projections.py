"""Projections against the real broker and database: each event applied once, bad messages dead-lettered."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord
from faststream.kafka import KafkaBroker

from shared.consumer import Outcome, Projection, ProjectionRunner, Tx
from shared.contracts import CATALOGUE
from shared.contracts.evidence import EvidenceItemRecorded
from shared.envelope import Actor, Envelope, Inspectorate, new_id, utc_now
from shared.eventstore import EventStore
from shared.mongo import Client, connect
from shared.settings import Settings
from shared.topics import dead_letter_topic
from tests.helpers import eventually, read_topic

# Deliberately not idempotent by itself ($inc), so only the applied-event record stops a double count.
counter = Projection("counter", ["evidence"])


@counter.on(EvidenceItemRecorded)
async def count(event: EvidenceItemRecorded, _: Envelope, tx: Tx) -> None:
    await tx.db["counts"].update_one(
        {"_id": event.inspection_id}, {"$inc": {"n": 1}}, upsert=True, session=tx.session
    )


def envelope(inspection_id: str = "insp-1", payload: dict[str, object] | None = None) -> Envelope:
    item = EvidenceItemRecorded(
        inspection_id=inspection_id,
        evidence_item_id=new_id(),
        inspectorate=Inspectorate.HMIC,
        inspector="u-1",
        agency="police",
        activity="practice_observation",
        judgement_area="deep_dive",
        bearing="weakness",
        summary="risk not assessed",
    )
    return Envelope(
        event_id=new_id(),
        event_type=item.event_type,
        schema_version=1,
        stream_id=f"s-{new_id()}",
        stream_version=1,
        inspection_id=inspection_id,
        occurred_at=utc_now(),
        actor=Actor(inspectorate=Inspectorate.HMIC, role="inspector", user="u-2"),
        correlation_id=new_id(),
        payload=payload if payload is not None else item.model_dump(mode="json"),
    )


def record(topic: str, value: bytes, offset: int = 0) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"insp-1",
        value=value,
        checksum=None,
        serialized_key_size=6,
        serialized_value_size=len(value),
        headers=(),
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    client = connect(settings.mongodb_uri, "test")
    yield client
    await client.close()


def judgement_runner(
    settings: Settings, client: Client, broker: KafkaBroker | None = None
) -> ProjectionRunner:
    """A runner as the judgement service wires it; the broker only needs starting to dead-letter."""
    return ProjectionRunner(
        "judgement",
        settings,
        client,
        CATALOGUE,
        broker or KafkaBroker(settings.kafka_bootstrap_servers),
        dead_letter_topic(settings.namespace, "judgement"),
        EventStore(
            client, settings.database_name("judgement"), CATALOGUE, settings.events_topic("judgement")
        ),
    )


async def counted(client: Client, settings: Settings, inspection_id: str = "insp-1") -> int:
    doc = await client[settings.database_name("judgement")]["counts"].find_one({"_id": inspection_id})
    return int(doc["n"]) if doc else 0


async def test_a_duplicated_delivery_is_applied_once(settings: Settings, client: Client) -> None:
    runner = judgement_runner(settings, client)
    delivered = record(settings.events_topic("evidence"), envelope().to_json())

    assert await runner.process(counter, delivered) is Outcome.APPLIED
    assert await runner.process(counter, delivered) is Outcome.DUPLICATE
    assert await counted(client, settings) == 1


async def test_malformed_messages_go_to_the_dead_letter_topic_and_the_consumer_carries_on(
    settings: Settings, client: Client
) -> None:
    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    runner = judgement_runner(settings, client, broker)
    runner.subscribe(counter)
    topic = settings.events_topic("evidence")
    missing_summary = envelope().payload | {"summary": None}
    messages = [
        b"{this is not json",
        envelope().to_json(),
        envelope(payload=missing_summary).to_json(),
        envelope().to_json(),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    await broker.start()
    try:
        for value in messages:  # one key, so one partition, in this order
            await producer.send_and_wait(topic, value, key=b"insp-1")

        async def both_good_ones_applied() -> bool:
            return await counted(client, settings) == 2

        await eventually(both_good_ones_applied)
    finally:
        await broker.stop()
        await producer.stop()

    dead = await read_topic(
        settings.kafka_bootstrap_servers, dead_letter_topic(settings.namespace, "judgement"), at_least=2
    )
    assert [r.value for r in dead] == [messages[0], messages[2]]
    reasons = [dict(r.headers)["jip-dead-letter-reason"].decode() for r in dead]
    assert reasons[0].startswith("not an event envelope")
    assert "evidence.EvidenceItemRecorded payload is invalid: summary" in reasons[1]
    assert all(dict(r.headers)["jip-source-topic"] == topic.encode() for r in dead)
    assert all(
        dict(r.headers)["jip-dead-letter-consumer"] == b"%s.judgement.counter" % settings.namespace.encode()
        for r in dead
    )


async def test_event_types_a_projection_does_not_read_are_ignored(settings: Settings, client: Client) -> None:
    runner = judgement_runner(settings, client)
    other = envelope().model_copy(update={"event_type": "scheduling.SomethingNewer"})

    assert await runner.process(counter, record("t", other.to_json())) is Outcome.IGNORED
    assert await counted(client, settings) == 0


async def test_a_batch_with_an_event_its_projection_cannot_apply_dead_letters_only_that_event(
    settings: Settings, client: Client
) -> None:
    fragile = Projection("fragile", ["evidence"])

    @fragile.on(EvidenceItemRecorded)
    async def apply(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
        if event.summary == "poison":
            raise ValueError("cannot file this one")
        await count(event, envelope, tx)

    broker = KafkaBroker(settings.kafka_bootstrap_servers)
    runner = judgement_runner(settings, client, broker)
    poison = envelope(payload=envelope().payload | {"summary": "poison"})
    batch = [
        record("t", envelope().to_json(), 0),
        record("t", poison.to_json(), 1),
        record("t", envelope().to_json(), 2),
    ]
    await broker.start()
    try:
        outcomes = await runner.process_batch(fragile, batch)
        again = await runner.process_batch(fragile, batch)  # redelivered: nothing applied twice
    finally:
        await broker.stop()

    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert again == [Outcome.DUPLICATE, Outcome.DEAD_LETTERED, Outcome.DUPLICATE]
    assert await counted(client, settings) == 2
    dead = await read_topic(
        settings.kafka_bootstrap_servers, dead_letter_topic(settings.namespace, "judgement"), at_least=2
    )
    assert [r.value for r in dead] == [poison.to_json()] * 2
    assert (
        dict(dead[0].headers)["jip-dead-letter-reason"]
        == b"projection failed: ValueError: cannot file this one"
    )
