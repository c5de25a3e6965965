"""Kafka topics: one per bounded context for its events, one dead-letter and one replay topic per consuming
service, and one for the log's signed checkpoints, all under the deployment's namespace. Created
explicitly with their partition counts (an auto-created topic gets the broker's default)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

SERVICES = ("scheduling", "evidence", "judgement", "lscb", "reporting")
# The log is the record of every inspection: auditors replay it from the start, reporting rebuilds its
# documents from it, and a rebuilt read model is only as complete as the log. Nothing is ever deleted.
KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1", "cleanup.policy": "delete"}
CONTEXTS = SERVICES  # each service is one bounded context and publishes one events topic


def topic_configs(replication_factor: int) -> dict[str, str]:
    """A topic's settings: kept forever; and, replicated, a write acknowledged (acks=all) only once it is
    on all replicas but one, so one broker down stops no write. From three replicas, one broker lost
    also loses no acknowledged event (each is on two at least); with two, an event acknowledged while one
    broker was down is on one broker only until the other catches up. With a single replica (the
    embedded stack) there is no choice to make."""
    if replication_factor < 2:
        return dict(KEEP_FOREVER)
    return KEEP_FOREVER | {"min.insync.replicas": str(replication_factor - 1)}


_ALREADY_EXISTS = TopicAlreadyExistsError.errno


def events_topic(namespace: str, context: str) -> str:
    return f"{namespace}.{context}.events"


def dead_letter_topic(namespace: str, service: str) -> str:
    return f"{namespace}.{service}.deadletter"


def replay_topic(namespace: str, service: str) -> str:
    """Dead letters replayed to the service's consumers (`jip deadletters replay`), each addressed to one."""
    return f"{namespace}.{service}.replay"


def checkpoints_topic(namespace: str) -> str:
    """The signed checkpoints of the log (audit/checkpoints.py): one partition, so they stay in order."""
    return f"{namespace}.audit.checkpoints"


def all_topics(namespace: str) -> list[str]:
    return (
        [events_topic(namespace, c) for c in CONTEXTS]
        + [dead_letter_topic(namespace, s) for s in SERVICES]
        + [replay_topic(namespace, s) for s in SERVICES]
        + [checkpoints_topic(namespace)]
    )


CHECKPOINT_BYTES = 64 * 1024 * 1024  # a checkpoint names every stream's head: ~200 bytes a stream, compressed


def new_topic(topic: str, partitions: int, replication_factor: int) -> NewTopic:
    """A topic as the platform makes it: the checkpoints in one partition, so they stay in order, with room
    for a large record; the others in `partitions`."""
    configs = topic_configs(replication_factor)
    if topic.endswith(".audit.checkpoints"):
        return NewTopic(
            topic, 1, replication_factor, topic_configs=configs | {"max.message.bytes": str(CHECKPOINT_BYTES)}
        )
    return NewTopic(topic, partitions, replication_factor, topic_configs=configs)


async def ensure_topics(
    bootstrap_servers: str,
    namespace: str,
    partitions: int,
    replication_factor: int = 1,
    security: Mapping[str, Any] | None = None,
) -> list[str]:
    """Create any of the namespace's topics that are missing; returns the names created. `security` is
    aiokafka's TLS/SASL options (Settings.kafka_security()), here and below."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **(security or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics(namespace) if t not in existing]
        if not missing:
            return []
        response = await admin.create_topics([new_topic(t, partitions, replication_factor) for t in missing])
        failed = [
            (t, code, msg) for t, code, msg in response.topic_errors if code not in (0, _ALREADY_EXISTS)
        ]
        if failed:  # another process creating the same topic at once can make tansu answer -1: look again
            existing = set(await admin.list_topics())
            failed = [(t, code, msg) for t, code, msg in failed if t not in existing]
        if failed:
            raise RuntimeError(f"could not create topics: {failed}")
        return missing
    finally:
        await admin.close()


async def partitions_of(
    bootstrap_servers: str, topic: str, security: Mapping[str, Any] | None = None
) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **(security or {}))
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        return sorted(p["partition"] for p in described["partitions"])
    finally:
        await admin.close()


async def read_from_start(
    bootstrap_servers: str,
    topics: Sequence[str],
    *,
    idle_seconds: float = 1.0,
    batch: int = 2000,
    security: Mapping[str, Any] | None = None,
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Every record of `topics` from offset 0, in batches, until none has arrived for `idle_seconds` of
    reading, the caller's time over a batch not counted (architecture.md: tansu's end offsets are
    unreliable, so they are not asked for). No consumer group: nothing is committed, and the services' own
    consumers are not disturbed."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        **(security or {}),
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    try:
        await consumer.start()  # inside: a broker that refuses the start still has its client closed
        assigned = [
            TopicPartition(t, p) for t in topics for p in await partitions_of(bootstrap_servers, t, security)
        ]
        consumer.assign(assigned)
        await consumer.seek_to_beginning(*assigned)
        last = time.monotonic()
        while True:
            fetched = await consumer.getmany(timeout_ms=100, max_records=batch)
            records = [r for part in fetched.values() for r in part]
            if records:
                yield records
                # Idle is counted from here: however long the caller took over these records, the broker
                # has had only this long to answer.
                last = time.monotonic()
            elif time.monotonic() - last > idle_seconds:
                return
    finally:
        await consumer.stop()
