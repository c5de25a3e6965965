"""What bench/pipeline.py measures the platform against in the same run, and the log it can start from.

- `kafka_round_trip`: the broker without the platform, 1 KB records produced and consumed by aiokafka;
- `database_transactions`: the database without the platform, transactions that each write what one
  command writes (an event and its outbox record), from as many concurrent writers as the pipeline has
  clients, and from one: the rate issue 24 §3 compares the pipeline's throughput with;
- `preload`: N records already on the evidence topic before the services start (issue 24 §5), with every
  consumer group that reads it committed past them, so the pipeline then runs over a long log without
  applying it.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from shared.mechanics.settings import Settings
from shared.mechanics.topics import ensure_topics

# The consumer groups that read the evidence topic: (service, projection), services/*/projections.py.
EVIDENCE_READERS = [("judgement", "evidence"), ("lscb", "board-evidence"), ("reporting", "letter-sources")]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summary(latencies: Sequence[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def kafka_round_trip(settings: Settings, sequential: int, bulk: int) -> dict[str, Any]:
    """The same broker without the platform: 1 KB records produced and consumed by aiokafka."""
    topic = f"bench.roundtrip.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    await admin.close()
    options = settings.producer_options()
    producer = AIOKafkaProducer(**options)
    fetch_wait = settings.consumer_options()["fetch_max_wait_ms"]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        fetch_max_wait_ms=fetch_wait,
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    await consumer.seek_to_beginning(partition)
    payload = b"x" * 1000
    try:
        progress(f"raw kafka: {sequential} records one at a time")
        alone = []
        for _ in range(sequential):
            started = time.perf_counter()
            await producer.send_and_wait(topic, payload, key=b"k")
            while not (await consumer.getmany(partition, timeout_ms=1000)).get(partition):
                pass
            alone.append(time.perf_counter() - started)

        progress(f"raw kafka: {bulk} records in bulk")
        began = time.perf_counter()
        acks = [await producer.send(topic, payload, key=b"k") for _ in range(bulk)]
        await asyncio.gather(*acks)
        produced = time.perf_counter()
        received = 0
        while received < bulk:
            received += sum(
                len(r) for r in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values()
            )
        finished = time.perf_counter()
    finally:
        await consumer.stop()
        await producer.stop()
    return {
        "one_at_a_time": summary(alone),
        "bulk_records": bulk,
        "produce_per_s": round(bulk / (produced - began)),
        "produce_to_consume_per_s": round(bulk / (finished - began)),
    }


async def database_transactions(mongodb_uri: str, writers: int, count: int) -> dict[str, Any]:
    """Transactions per second, each inserting an event document and its outbox record (about 1 KB each,
    as an evidence item's are), `count` of them from `writers` concurrent writers and `count // 4` from
    one, in a scratch database dropped afterwards."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    db = client[f"bench_transactions_{uuid.uuid4().hex[:8]}"]
    payload = "x" * 1000

    conflicts = 0

    async def transaction(n: int) -> None:
        """One transaction, tried again while it loses a write conflict to another (SecantusDB reports
        one between concurrent inserts into a collection): the rate counts each once, committed."""
        nonlocal conflicts
        while True:
            try:
                async with client.start_session() as session, await session.start_transaction():
                    await db["events"].insert_one({"_id": f"e-{n}", "envelope": payload}, session=session)
                    await db["outbox"].insert_one({"_id": f"o-{n}", "value": payload}, session=session)
                return
            except OperationFailure as exc:
                if not exc.has_error_label("TransientTransactionError"):
                    raise
                conflicts += 1

    async def rate(writers: int, count: int, first: int) -> float:
        numbers = iter(range(first, first + count))

        async def writer() -> None:
            for n in numbers:
                await transaction(n)

        began = time.perf_counter()
        await asyncio.gather(*(writer() for _ in range(writers)))
        return count / (time.perf_counter() - began)

    try:
        await db["events"].insert_one({"_id": "warm-up"})
        progress(f"raw database: {count} transactions from {writers} writers, {count // 4} from one")
        concurrent = await rate(writers, count, 0)
        alone = await rate(1, count // 4, count)
        return {
            "writers": writers,
            "per_s": round(concurrent),
            "one_writer_per_s": round(alone),
            "conflicts_retried": conflicts,
        }
    finally:
        await client.drop_database(db.name)
        await client.close()


async def preload(settings: Settings, records: int, per_batch: int = 10) -> None:
    """`records` 1 KB records on the evidence topic, spread over its partitions, about `per_batch` to a
    record batch, and the groups that read it committed past them: the log is long, and nothing of it is to
    be applied. tansu keeps each record batch as an object of its store, so the batches, not the records,
    are what a long log costs a fetch: the relay publishes what a service appended since its last publish
    as one batch, a handful of events when commands come one at a time."""
    await ensure_topics(settings.kafka_bootstrap_servers, settings.namespace, settings.topic_partitions)
    topic = settings.events_topic("evidence")
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=5, max_batch_size=per_batch * 1100
    )
    await producer.start()
    ends: dict[int, int] = {}
    began = time.perf_counter()
    try:
        payload = b"x" * 1000
        for start in range(0, records, 10_000):
            sent = [
                await producer.send(topic, payload, key=f"preload-{n}".encode())
                for n in range(start, min(start + 10_000, records))
            ]
            for metadata in await asyncio.gather(*sent):
                ends[metadata.partition] = max(ends.get(metadata.partition, 0), metadata.offset + 1)
            done = min(start + 10_000, records)
            progress(
                f"preload: {done:,} of {records:,} records ({done / (time.perf_counter() - began):,.0f}/s)"
            )
    finally:
        await producer.stop()
    for service, projection in EVIDENCE_READERS:
        group = settings.consumer_group(service, projection)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            partitions = {TopicPartition(topic, p): end for p, end in ends.items()}
            consumer.assign(list(partitions))
            await consumer.commit(partitions)
        finally:
            await consumer.stop()
