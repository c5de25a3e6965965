"""Reading a partition's record batch as the broker stores it, for when the Kafka client cannot parse it.

aiokafka parses a record batch as a whole: one record whose header name is not UTF-8, or whose own bytes
are broken, makes every record of its batch unreadable to it. The subscription (subscription.py) then
asks the broker for that batch's bytes with the consumer's own client and reads them record by record
(raw_records.py), so that only the offsets that cannot be read are dead-lettered."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError, for_code
from aiokafka.protocol.fetch import FetchRequest

from shared.mechanics.raw_records import RawBatch, RawRecord, batches

RAW_FETCH_WAITS_MS = (500, 4000)  # a raw fetch that gets nothing is asked again, waiting longer
READ_UNCOMMITTED = 0  # as the projections' consumers read (aiokafka's default isolation level)


class NoRawBatch(Exception):
    """The broker's answer to a raw fetch held no batch at the position asked for."""


async def fetch_one(
    client: Any, node: int, topic: str, partition: int, offset: int, max_bytes: int, wait_ms: int
) -> tuple[int, int, bytes]:
    """One partition's records from `offset`, at most `max_bytes` (the broker gives at least the one batch
    holding the offset), asked of `node` with aiokafka's client: the broker's error code, the partition's
    high-water mark and the record set's bytes, as it answers them. audit/batches.py reads past a damaged
    partition with it too."""
    request = FetchRequest(
        wait_ms, 1, max_bytes, READ_UNCOMMITTED, [(topic, [(partition, offset, max_bytes)])]
    )
    response = await client.send(node, request)
    for answered, partitions in response.topics:
        for number, error, high_water, *data in partitions:
            if (answered, number) == (topic, partition):
                return error, high_water, data[-1] or b""
    raise NoRawBatch("the broker's answer to a fetch of it did not name the partition")


async def raw_batch(consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int, size: int) -> RawBatch:
    """The record batch that holds `offset` (or the first after it), as the broker stores it, read by
    shared/mechanics/raw_records.py. Asked of the partition's leader with the consumer's own client
    (`consumer._client`, aiokafka's: bootstrapped already, with the settings' security options and
    the cluster's metadata), as audit/batches.py asks its own. A fault in reaching the broker, or an
    error it answers that passes (its leader moved), is raised; an answer with no batch there is
    `NoRawBatch`."""
    client = consumer._client
    node = client.cluster.leader_for_partition(tp)
    if node is None or node < 0:
        raise KafkaError(f"no leader is known for {tp.topic}[{tp.partition}]")
    for wait_ms in RAW_FETCH_WAITS_MS:
        error, _, raw = await fetch_one(client, node, tp.topic, tp.partition, offset, size, wait_ms)
        if error:
            fault = for_code(error)
            if fault.retriable:
                raise fault()
            raise NoRawBatch(f"the broker answered a fetch of it with {fault.__name__}")
        for batch in batches(raw):
            if batch.next_offset > offset:
                return batch
        if raw:
            raise NoRawBatch(f"the broker's {len(raw)} bytes at this position hold no whole v2 batch")
    raise NoRawBatch(f"the broker gave no bytes at this position within {RAW_FETCH_WAITS_MS[-1]} ms")


CHANGED = "the record batch's CRC does not match its bytes: they were changed after it was written"


def read_past(
    tp: TopicPartition, batch: RawBatch, offset: int
) -> tuple[list[ConsumerRecord[bytes, bytes]], list[tuple[int, str]]]:
    """What of a batch read raw is from `offset` on: its readable records, and the offsets it cannot
    read with the reason. A transaction marker holds neither; a batch whose CRC does not match has no
    record to be trusted."""
    if batch.is_control:
        return [], []
    if not batch.crc_ok:
        return [], [(o, CHANGED) for o in range(max(offset, batch.base_offset), batch.next_offset)]
    records = [consumer_record(tp, r) for r in batch.records if r.offset >= offset]
    return records, [(u.offset, u.reason) for u in batch.unreadable if u.offset >= offset]


def consumer_record(tp: TopicPartition, record: RawRecord) -> ConsumerRecord[bytes, bytes]:
    """A record read raw, as aiokafka gives one."""
    return ConsumerRecord(
        topic=tp.topic,
        partition=tp.partition,
        offset=record.offset,
        timestamp=record.timestamp,
        timestamp_type=record.timestamp_type,
        key=record.key,
        value=record.value,
        checksum=None,
        serialized_key_size=-1 if record.key is None else len(record.key),
        serialized_value_size=-1 if record.value is None else len(record.value),
        headers=[(name, value) for name, value in record.headers],
    )
