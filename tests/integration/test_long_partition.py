"""A partition of more record batches than an S3 listing page holds, read back through the embedded broker
(issue 24 §5).

tansu keeps each record batch as an object of the store and, on every fetch, lists all of the partition's
batch objects (`list-type=2&prefix=<partition>/records/`, no max-keys), keeping only what it listed before
the fetch's wait ran out. The store answers that listing in one page however long the partition: the test
writes 1,100 batches, one record each, as the relay publishes one at a time, reads them back with the
platform's consumer options from the first offset and from one near the end, and reads in the store's
request log that no listing of the partition needed a second request."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from embedded.components import infrastructure
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from shared.mechanics.settings import KafkaProfile, Settings
from shared.mechanics.topics import new_topic

BATCHES = 1_100  # past S3's 1,000 keys a page


@dataclass(frozen=True)
class Broker:
    bootstrap: str
    requests: Path  # the object store's request log


@pytest.fixture(scope="module")
async def broker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Broker]:
    data_dir = tmp_path_factory.mktemp("long-partition")
    requests = tmp_path_factory.mktemp("requests") / "objectstore.log"
    ports = Ports.free()
    supervisor = Supervisor(data_dir)
    [[objectstore, _], [kafka]] = infrastructure(data_dir, ports, warn=lambda _: None)
    logged = dataclasses.replace(
        objectstore, env={**objectstore.env, "JIP_OBJECTSTORE_REQUEST_LOG": str(requests)}
    )
    await supervisor.up(ports, [[logged], [kafka]], progress=lambda _: None)
    try:
        yield Broker(ports.kafka_bootstrap, requests)
    finally:
        supervisor.stop(progress=lambda _: None)


async def read(broker: Broker, partition: TopicPartition, start: int, count: int) -> list[bytes]:
    options = Settings(kafka_bootstrap_servers=broker.bootstrap, kafka_profile=KafkaProfile.TANSU)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=broker.bootstrap, enable_auto_commit=False, **options.consumer_options()
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        consumer.seek(partition, start)
        values: list[bytes] = []
        while len(values) < count:
            fetched = await consumer.getmany(partition, timeout_ms=30_000)
            assert fetched, f"nothing fetched after {len(values)} records from offset {start}"
            values += [record.value or b"" for record in fetched[partition]]
        return values
    finally:
        await consumer.stop()


async def test_a_partition_of_many_batches_reads_back_whole_and_in_order(broker: Broker) -> None:
    topic = f"long-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([new_topic(topic, 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=0)
    await producer.start()
    try:
        written = [f"record {n}".encode() for n in range(BATCHES)]
        offsets = [(await producer.send_and_wait(topic, value, partition=0)).offset for value in written]
    finally:
        await producer.stop()
    assert offsets == list(range(BATCHES))  # one record a batch: a batch object each

    partition = TopicPartition(topic, 0)
    assert await read(broker, partition, 0, BATCHES) == written
    assert await read(broker, partition, BATCHES - 30, 30) == written[-30:]

    prefix = f"prefix=clusters%2Ftansu_cluster%2Ftopics%2F{topic}%2Fpartitions%2F0000000000%2Frecords%2F"
    listings = [line.split("\t") for line in broker.requests.read_text().splitlines() if prefix in line]
    assert listings, "tansu listed the partition's batches"
    assert not [query for _, _, _, query, *_ in listings if "continuation-token" in query]
    # the largest answer held every batch's key (each <Contents> well over 100 bytes)
    assert max(int(size) for *_, size in listings) > BATCHES * 100
