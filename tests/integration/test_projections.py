"""Projections against the real broker and database: each event applied once, each stream in order, and
no record, however malformed, costing another record its delivery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy

from shared.language.contracts import CATALOGUE
from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.mechanics.consumer import Outcome, Projection, ProjectionRunner, Tx
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id, utc_now
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Client, connect
from shared.mechanics.positions import LEGACY, POSITIONS
from shared.mechanics.settings import Settings
from shared.mechanics.subscription import Subscription
from shared.mechanics.topics import dead_letter_topic
from tests.helpers import consuming, eventually, read_topic

# Deliberately not idempotent by itself ($inc), so only the stream positions stop a double count.
counter = Projection("counter", ["evidence"])


@counter.on(EvidenceItemRecorded)
async def count(event: EvidenceItemRecorded, _: Envelope, tx: Tx) -> None:
    await tx.db["counts"].update_one(
        {"_id": event.inspection_id}, {"$inc": {"n": 1}}, upsert=True, session=tx.session
    )


def envelope(
    payload: dict[str, Any] | None = None,
    *,
    stream_id: str | None = None,
    version: int = 1,
    event_type: str = EvidenceItemRecorded.event_type,
    schema_version: int = 1,
    after: Envelope | None = None,
) -> Envelope:
    """An evidence item recorded; `after`: the event it follows in its stream (its version and digest)."""
    if after is not None:
        stream_id, version = after.stream_id, after.stream_version + 1
    item = EvidenceItemRecorded(
        inspection_id="insp-1",
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
        event_type=event_type,
        schema_version=schema_version,
        stream_id=stream_id or f"s-{new_id()}",
        stream_version=version,
        inspection_id="insp-1",
        occurred_at=utc_now(),
        actor=Actor(inspectorate=Inspectorate.HMIC, role="inspector", user="u-2"),
        correlation_id=new_id(),
        previous_hash=after.digest() if after is not None else None,
        payload=payload if payload is not None else item.model_dump(mode="json"),
    )


def stream(length: int) -> list[Envelope]:
    """A stream's events, versions 1 to `length`, each naming the one before."""
    events = [envelope()]
    for _ in range(length - 1):
        events.append(envelope(after=events[-1]))
    return events


def record(value: bytes, offset: int = 0) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic="t",
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


def records(*envelopes: Envelope) -> list[ConsumerRecord[bytes, bytes]]:
    return [record(e.to_json(), n) for n, e in enumerate(envelopes)]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    client = connect(settings.mongodb_uri, "test")
    yield client
    await client.close()


def judgement_runner(settings: Settings, client: Client) -> ProjectionRunner:
    """A runner as the judgement service wires it."""
    store = EventStore(
        client, settings.database_name("judgement"), CATALOGUE, settings.events_topic("judgement")
    )
    return ProjectionRunner("judgement", settings, client, CATALOGUE, store)


@pytest.fixture
async def runner(settings: Settings, client: Client) -> AsyncIterator[ProjectionRunner]:
    """Started, so it can dead-letter; fed batches by the test itself."""
    runner = judgement_runner(settings, client)
    await runner.start()
    yield runner
    await runner.stop()


async def counted(client: Client, settings: Settings) -> int:
    doc = await client[settings.database_name("judgement")]["counts"].find_one({"_id": "insp-1"})
    return int(doc["n"]) if doc else 0


async def dead_letters(settings: Settings, at_least: int) -> list[ConsumerRecord[bytes, bytes]]:
    topic = dead_letter_topic(settings.namespace, "judgement")
    return await read_topic(settings.kafka_bootstrap_servers, topic, at_least=at_least)


async def caught_up(subscription: Subscription) -> bool:
    return subscription.progress.state == "ok"


def reason(dead: ConsumerRecord[bytes, bytes]) -> str:
    headers: dict[str, bytes] = dict(dead.headers)
    return headers["jip-dead-letter-reason"].decode()


async def test_a_duplicated_delivery_is_applied_once(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    delivered = records(envelope())

    assert await runner.process_batch(counter, delivered) == [Outcome.APPLIED]
    assert await runner.process_batch(counter, delivered) == [Outcome.DUPLICATE]
    assert await counted(client, settings) == 1


async def test_event_types_a_projection_does_not_read_are_passed_over(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    other = envelope(event_type="evidence.EvidenceItemWithdrawn")  # a known type counter does not read

    assert await runner.process(counter, record(other.to_json())) is Outcome.IGNORED
    assert await counted(client, settings) == 0


async def test_a_batch_with_an_event_its_projection_cannot_apply_dead_letters_only_that_event(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    fragile = Projection("fragile", ["evidence"])

    @fragile.on(EvidenceItemRecorded)
    async def apply(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
        if event.summary == "poison":
            raise ValueError("cannot file this one")
        await count(event, envelope, tx)

    poison = envelope(envelope().payload | {"summary": "poison"})
    batch = records(envelope(), poison, envelope())
    outcomes = await runner.process_batch(fragile, batch)
    again = await runner.process_batch(fragile, batch)  # redelivered: nothing applied twice

    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert again == [Outcome.DUPLICATE, Outcome.DEAD_LETTERED, Outcome.DUPLICATE]
    assert await counted(client, settings) == 2
    dead = await dead_letters(settings, at_least=2)
    assert [r.value for r in dead] == [poison.to_json()] * 2
    assert reason(dead[0]) == "projection failed: ValueError: cannot file this one"
    assert dict(dead[0].headers)["jip-dead-letter-cause"] == b"projection_failed"


async def test_an_event_arriving_before_its_predecessor_is_refused_loudly_and_waits_to_be_replayed(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    """A read model never sees a stream out of order: version 3 before version 2 goes to the dead-letter
    topic, naming the version it waits for, and applies once replayed after it."""
    first, second, third = stream(3)

    assert await runner.process_batch(counter, records(first, third)) == [
        Outcome.APPLIED,
        Outcome.DEAD_LETTERED,
    ]
    [dead] = await dead_letters(settings, at_least=1)
    assert reason(dead).startswith(
        f"{first.stream_id} version 3 arrived before version 2, which is not applied"
    )
    assert dict(dead.headers)["jip-dead-letter-cause"] == b"out_of_order"
    assert await runner.process_batch(counter, records(second)) == [Outcome.APPLIED]
    assert await runner.process_batch(counter, records(third)) == [Outcome.APPLIED]  # the replay
    assert await runner.process_batch(counter, records(first, second, third)) == [Outcome.DUPLICATE] * 3
    assert await counted(client, settings) == 3


async def test_an_event_its_projection_fails_on_holds_the_rest_of_its_stream_until_it_is_replayed(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    broken = {"yes": True}
    fragile = Projection("fragile", ["evidence"])

    @fragile.on(EvidenceItemRecorded)
    async def apply(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
        if broken["yes"] and envelope.stream_version == 1:
            raise ValueError("a bug, fixed later")
        await count(event, envelope, tx)

    first, second = stream(2)
    other = envelope()  # another stream: not held

    assert await runner.process_batch(fragile, records(first, second, other)) == [
        Outcome.DEAD_LETTERED,
        Outcome.DEAD_LETTERED,
        Outcome.DEAD_LETTERED,  # version 1 of its own stream: the bug bites it too
    ]
    broken["yes"] = False  # the fix is deployed; the dead letters are replayed in their order
    assert await runner.process_batch(fragile, records(first, second, other)) == [Outcome.APPLIED] * 3
    assert await counted(client, settings) == 3


async def test_a_projection_keeps_one_position_per_stream_not_one_record_per_event(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    history = stream(40)
    others = [envelope() for _ in range(10)]

    for start in range(0, 40, 10):
        await runner.process_batch(counter, records(*history[start : start + 10]))
    await runner.process_batch(counter, records(*others))
    replayed = await runner.process_batch(counter, records(*history, *others))

    assert replayed == [Outcome.DUPLICATE] * 50
    assert await counted(client, settings) == 50
    positions = client[settings.database_name("judgement")][POSITIONS]
    assert await positions.count_documents({}) == 11  # 40 events of one stream, and 10 streams of one
    assert (await positions.find_one({"_id": f"counter:{history[0].stream_id}"}) or {})["version"] == 40


async def test_an_event_that_does_not_follow_its_stream_s_chain_is_refused_not_taken_for_the_real_one(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    """Each event names its predecessor's digest: one forged into a stream (or rewritten) is refused loudly,
    and the real event is still applied, rather than passed over as a duplicate of the forgery."""
    first, second = stream(2)
    forged = envelope(stream_id=first.stream_id, version=2)  # names no predecessor
    rewritten = envelope(stream_id=first.stream_id, version=1)  # another event claiming version 1

    outcomes = await runner.process_batch(counter, records(first, forged, rewritten, second))

    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTERED, Outcome.DEAD_LETTERED, Outcome.APPLIED]
    assert await counted(client, settings) == 2
    refused = [reason(d) for d in await dead_letters(settings, at_least=2)]
    assert refused == [
        f"{first.stream_id} version 2 does not name version 1, as applied, as its previous event "
        "(previous_hash): the hash chain is broken",
        f"{first.stream_id} version 1 is not the event applied as that version (its digest differs): "
        "a forged or rewritten event",
    ]


async def test_a_projection_upgraded_in_place_carries_on_from_the_event_ids_it_kept_before(
    settings: Settings, client: Client, runner: ProjectionRunner
) -> None:
    """Before positions, a projection kept the id of each event it applied. A stream begun then starts
    where its first event delivered since stands: applied already if its id was kept, else next."""
    old, older = f"s-{new_id()}", f"s-{new_id()}"
    second = envelope(stream_id=old, version=2)
    third = envelope(after=second)
    fifth = envelope(stream_id=older, version=5)
    legacy = client[settings.database_name("judgement")][LEGACY]
    await legacy.insert_one({"_id": f"counter:{second.event_id}", "at": utc_now()})

    assert await runner.process_batch(counter, records(second, third, fifth)) == [
        Outcome.DUPLICATE,  # applied before the upgrade
        Outcome.APPLIED,
        Outcome.APPLIED,  # its stream's earlier events were applied before the upgrade
    ]
    assert await runner.process_batch(counter, records(envelope(stream_id=old, version=5))) == [
        Outcome.DEAD_LETTERED  # from now on, a stream is kept in order
    ]
    assert await counted(client, settings) == 2


# --- malformed records among good ones, through the real consumer ----------------------------------------

GOOD = 4


def malformed(kind: str) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes | None]], str | None]:
    """(value, key, headers, the reason it is dead-lettered for, or None where it is a good event)."""
    good = envelope().to_json()
    match kind:
        case "bad header bytes":
            return good, b"insp-1", [("x-bin", b"\xff\xfe"), ("traceparent", b"\xff")], None
        case "null header":
            return good, b"insp-1", [("x-null", None), ("traceparent", None)], None
        case "null key":
            return good, None, [], None
        case "null value":
            return None, b"insp-1", [], "the record has no value"
        case "oversize":
            return b"{" + b" " * 200_000 + b"}", b"insp-1", [], "over the limit of 100000"
        case "non-JSON":
            return b"{this is not json", b"insp-1", [], "not an event envelope: body: Invalid JSON"
        case "JSON that is no envelope":
            return b'{"summary": "risk"}', b"insp-1", [], "not an event envelope: event_id: Field required"
        case "unknown type":
            return (
                envelope(event_type="evidence.SomethingNewer").to_json(),
                b"insp-1",
                [],
                "unknown event type",
            )
        case "future version":
            later = envelope(schema_version=99).to_json()
            return (
                later,
                b"insp-1",
                [],
                "v99 is newer than this service understands (v2): upgrade the service",
            )
    raise AssertionError(kind)


KINDS = [
    "bad header bytes",
    "null header",
    "null key",
    "null value",
    "oversize",
    "non-JSON",
    "JSON that is no envelope",
    "unknown type",
    "future version",
]


async def produce(settings: Settings, items: Sequence[tuple[bytes | None, bytes | None, list[Any]]]) -> None:
    """Onto the evidence topic's partition 0, in this order, in as few batches as the producer makes."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=50, max_request_size=4_000_000
    )
    await producer.start()
    try:
        sent = [
            await producer.send(settings.events_topic("evidence"), v, key=k, headers=h, partition=0)
            for v, k, h in items
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


@pytest.mark.parametrize("kind", KINDS)
async def test_a_malformed_record_in_a_batch_costs_no_other_record_its_delivery(
    kind: str, settings: Settings, client: Client
) -> None:
    """Two good events, the malformed record, two more: every good event applied once, the bad one on the
    dead-letter topic with its reason (a header or key of any bytes does not make an event bad: it is
    applied), and the consumer still live for what comes next."""
    settings = settings.model_copy(update={"max_event_bytes": 100_000})
    value, key, headers, refused_for = malformed(kind)
    good: list[tuple[bytes | None, bytes | None, list[Any]]] = [
        (envelope().to_json(), b"insp-1", []) for _ in range(GOOD)
    ]
    await produce(settings, [*good[:2], (value, key, headers), *good[2:]])
    applied = GOOD + (refused_for is None)

    async with consuming(judgement_runner(settings, client), counter) as [subscription]:

        async def all_good_ones_applied() -> bool:
            return await counted(client, settings) == applied

        await eventually(all_good_ones_applied, seconds=40)
        await produce(settings, [(envelope().to_json(), b"insp-1", [])])

        async def still_live() -> bool:
            return await counted(client, settings) == applied + 1

        await eventually(still_live)
        await eventually(lambda: caught_up(subscription))

    dead = await dead_letters(settings, at_least=0 if refused_for is None else 1)
    if refused_for is None:
        assert dead == []
        return
    [letter] = dead
    assert refused_for in reason(letter)
    assert dict(letter.headers)["jip-source-offset"] == b"2"
    assert letter.value == (None if kind == "oversize" else value)  # too large: it stays at its source


class NotUtf8(str):
    """A header name whose bytes are not UTF-8: aiokafka's producer writes what `encode` gives."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return b"\xff\xfe"


async def produce_batch(
    settings: Settings, items: Sequence[tuple[bytes, list[Any]]], *, spoil: int | None = None
) -> None:
    """`items` (value, headers), keyed insp-1, in one batch on the evidence topic's partition 0, written by
    aiokafka's pure-Python builder (it encodes header names with `str.encode`). `spoil`: the index of a
    record whose key length (6) is changed to 63 before the batch's CRC is computed, so the CRC holds and
    only that record's own bytes are wrong."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        batch = producer.create_batch()
        builder = batch._builder = _DefaultRecordBatchBuilderPy(
            2, 0, is_transactional=0, producer_id=-1, producer_epoch=-1, base_sequence=0, batch_size=1 << 20
        )
        starts = []
        for value, headers in items:
            starts.append(len(builder._buffer))
            batch.append(timestamp=None, key=b"insp-1", value=value, headers=headers)
        if spoil is not None:
            at = bytes(builder._buffer).index(b"insp-1", starts[spoil]) - 1  # the key's length: 6, one byte
            builder._buffer[at] = 0x7E  # 63 bytes
        await (await producer.send_batch(batch, settings.events_topic("evidence"), partition=0))
    finally:
        await producer.stop()


async def test_batches_in_every_codec_and_a_record_the_client_cannot_parse_among_them(
    settings: Settings, client: Client
) -> None:
    """Batches compressed with gzip, snappy, lz4 and zstd are read. A batch the Kafka client cannot parse
    (aiokafka parses a batch as a whole, and one record's header name is not UTF-8) is read raw: the event
    whose header name is not UTF-8 is applied, as one with a header value of any bytes is, and so is the
    good event beside it in the same batch; nothing is dead-lettered, and the records after it are
    applied."""
    topic = settings.events_topic("evidence")
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers, compression_type=codec
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, envelope().to_json(), key=b"insp-1", partition=0)
        finally:
            await producer.stop()
    await produce_batch(settings, [(envelope().to_json(), [(NotUtf8("x"), b"")]), (envelope().to_json(), [])])
    await produce(settings, [(envelope().to_json(), b"insp-1", []) for _ in range(2)])

    async with consuming(judgement_runner(settings, client), counter) as [subscription]:

        async def all_applied() -> bool:
            return await counted(client, settings) == 8

        await eventually(all_applied, seconds=40)
        await eventually(lambda: caught_up(subscription))
        await asyncio.sleep(1)  # anything applied twice would show by now
        assert subscription._consumer is not None
        assert await subscription._consumer.committed(TopicPartition(topic, 0)) == 8

    assert await counted(client, settings) == 8
    assert await dead_letters(settings, at_least=0) == []


async def test_a_record_whose_own_bytes_are_broken_is_the_only_one_of_its_batch_dead_lettered(
    settings: Settings, client: Client
) -> None:
    """A batch whose CRC holds but one of whose records does not parse (its key length is wrong):
    the client cannot read the batch; read raw, that one position is dead-lettered with its reason, the
    other events of its batch and those after it are applied, each once."""
    spoiled = envelope().to_json()
    await produce_batch(
        settings, [(envelope().to_json(), []), (spoiled, []), (envelope().to_json(), [])], spoil=1
    )
    await produce(settings, [(envelope().to_json(), b"insp-1", [])])

    async with consuming(judgement_runner(settings, client), counter) as [subscription]:

        async def all_good_ones_applied() -> bool:
            return await counted(client, settings) == 3

        await eventually(all_good_ones_applied, seconds=40)
        await eventually(lambda: caught_up(subscription))
        await asyncio.sleep(1)

    assert await counted(client, settings) == 3
    [letter] = await dead_letters(settings, at_least=1)
    assert dict(letter.headers)["jip-source-offset"] == b"1"
    assert dict(letter.headers)["jip-dead-letter-cause"] == b"unreadable"
    # Its key read as 63 bytes, the fields after it read from the wrong place: what is found wrong first
    # depends on the bytes there.
    assert reason(letter).startswith(
        "the record at this position cannot be read: the record's bytes do not parse: "
    )


# --- taking the partitions: a consumer group on Kafka, every partition itself on the embedded broker ------


@pytest.mark.parametrize("grouped", [False, True], ids=["every partition, no group", "consumer group"])
async def test_a_projection_reads_every_partition_and_carries_on_from_the_offsets_it_committed(
    grouped: bool, settings: Settings, client: Client
) -> None:
    """With or without a consumer group, a projection reads each partition of its topics, commits the
    offsets it applied, and a restarted one starts from them: what it applied is not read again."""
    settings = settings.model_copy(update={"kafka_consumer_groups": grouped})
    topic = settings.events_topic("evidence")
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for partition in range(settings.topic_partitions):
            await producer.send_and_wait(topic, envelope().to_json(), key=b"insp-1", partition=partition)
    finally:
        await producer.stop()
    runner = judgement_runner(settings, client)

    async with consuming(runner, counter) as [subscription]:

        async def all_applied() -> bool:
            return await counted(client, settings) == settings.topic_partitions

        await eventually(all_applied, seconds=40)
        await eventually(lambda: caught_up(subscription))
        assert subscription._consumer is not None
        mine = {tp.partition for tp in subscription._consumer.assignment() if tp.topic == topic}
        assert mine == set(range(settings.topic_partitions))

    partitions = settings.topic_partitions
    assert await committed(settings, runner.group_id(counter), topic) == [1] * partitions

    await produce(settings, [(envelope().to_json(), b"insp-1", [])])  # onto partition 0
    async with consuming(judgement_runner(settings, client), counter) as [again]:

        async def the_new_one_applied() -> bool:
            return await counted(client, settings) == partitions + 1

        await eventually(the_new_one_applied, seconds=40)
        await eventually(lambda: caught_up(again))
    assert await committed(settings, runner.group_id(counter), topic) == [2] + [1] * (partitions - 1)


async def committed(settings: Settings, group: str, topic: str) -> list[int | None]:
    """The offsets committed under the group's name, partition by partition."""
    reader = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await reader.start()
    try:
        return [await reader.committed(TopicPartition(topic, p)) for p in range(settings.topic_partitions)]
    finally:
        await reader.stop()
