"""The records of a Kafka Fetch answer, read leniently: what the Kafka client cannot parse, named per record.

aiokafka parses a record batch as a whole and raises at the first thing it does not accept, so one record
whose header name is not UTF-8, or whose own bytes are broken, makes every record of its batch unreadable
to it. This module reads the bytes of one partition's record set (magic v2 record batches: the 61-byte
batch header, then the records, decompressed first when the batch's attributes name a codec, with
aiokafka.codec's gzip, snappy, lz4 or zstd decoder) one record at a time:

- a header name that is not UTF-8 is decoded with errors="replace": the record is read, as one whose header
  value is any bytes is (a header says nothing a projection reads as an event);
- a record whose own structure is broken (a varint that overruns, a length past the record's end, fields
  that do not fill the length it gives) is `Unreadable` at its offset, with the reason, and the reading
  goes on with the next record, where the broken record's length prefix says it begins; when that prefix
  cannot be read either, every offset left in the batch is unreadable;
- a batch whose codec is unknown or whose compressed bytes do not decompress has every offset unreadable;
- a batch whose CRC does not match its bytes is read all the same and says so (`crc_ok`): what to make of
  records whose bytes were changed after they were written is the caller's to decide.

A record set ends with the last whole batch: the broker may cut the answer short in the middle of one,
and a batch header that does not parse (not magic 2, a length too short for a header) ends it too, for
its length cannot be trusted to find the next. Pure: bytes in, records out; no I/O."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka.codec import gzip_decode, lz4_decode, snappy_decode, zstd_decode
from aiokafka.record.util import calc_crc32c

# BaseOffset, Length, PartitionLeaderEpoch, Magic, CRC, Attributes, LastOffsetDelta, FirstTimestamp,
# MaxTimestamp, ProducerId, ProducerEpoch, BaseSequence, Records count.
HEADER = struct.Struct(">qiibIhiqqqhii")
assert HEADER.size == 61
AFTER_LENGTH = 12  # BaseOffset and Length: what the batch's Length does not count
CRC_FROM = 21  # the CRC covers the bytes from Attributes to the batch's end
CODEC_MASK, TIMESTAMP_TYPE_MASK, TRANSACTIONAL_MASK, CONTROL_MASK = 0x07, 0x08, 0x10, 0x20
LOG_APPEND_TIME = 1
CODECS: dict[int, tuple[str, Callable[[bytes], bytes]]] = {
    1: ("gzip", gzip_decode),
    2: ("snappy", snappy_decode),
    3: ("lz4", lz4_decode),
    4: ("zstd", zstd_decode),
}


@dataclass(frozen=True)
class RawRecord:
    """One record as its batch holds it."""

    offset: int
    timestamp: int
    timestamp_type: int  # 0: the producer's create time, 1: the broker's log-append time
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes | None]]
    size: int  # the record's bytes, its length prefix not counted


@dataclass(frozen=True)
class Unreadable:
    """An offset whose record cannot be read, and why."""

    offset: int
    reason: str


@dataclass
class RawBatch:
    """One record batch: its offsets (`base_offset` to `next_offset` - 1), what was read of them and what
    could not be."""

    base_offset: int
    next_offset: int
    attributes: int
    crc_ok: bool
    records: list[RawRecord] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def is_control(self) -> bool:
        """A transaction marker the broker wrote, not records a producer sent."""
        return bool(self.attributes & CONTROL_MASK)

    @property
    def is_transactional(self) -> bool:
        return bool(self.attributes & TRANSACTIONAL_MASK)


class _Broken(Exception):
    """A record's structure does not hold: the reason."""


def batches(data: bytes | bytearray | memoryview) -> list[RawBatch]:
    """Every whole record batch of a partition's record set, in order, each with its records read."""
    data = bytes(data)
    found: list[RawBatch] = []
    position = 0
    while len(data) - position >= HEADER.size:
        (
            base_offset,
            length,
            _epoch,
            magic,
            crc,
            attributes,
            last_offset_delta,
            first_timestamp,
            max_timestamp,
            _producer_id,
            _producer_epoch,
            _base_sequence,
            count,
        ) = HEADER.unpack_from(data, position)
        end = position + AFTER_LENGTH + length
        if magic != 2 or length < HEADER.size - AFTER_LENGTH or last_offset_delta < 0:
            break  # not a batch this reads, or a length that cannot be: nothing after it can be found
        if end > len(data):
            break  # cut short by the broker's size limit: the next fetch begins with it
        batch = RawBatch(
            base_offset,
            base_offset + last_offset_delta + 1,
            attributes,
            calc_crc32c(data[position + CRC_FROM : end]) == crc,
        )
        _read_records(batch, data[position + HEADER.size : end], count, first_timestamp, max_timestamp)
        found.append(batch)
        position = end
    return found


def _read_records(batch: RawBatch, body: bytes, count: int, first_timestamp: int, max_timestamp: int) -> None:
    """The batch's records from its `body` (the bytes after the header), into `batch`."""
    codec = batch.attributes & CODEC_MASK
    if codec:
        if codec not in CODECS:
            _rest_unreadable(batch, batch.base_offset, f"the batch's compression codec {codec} is unknown")
            return
        name, decode = CODECS[codec]
        try:
            body = decode(body)
        except Exception as exc:  # any decoder's complaint: the bytes are not what the codec wrote
            _rest_unreadable(
                batch, batch.base_offset, f"the batch's {name} bytes do not decompress ({exc!r})"
            )
            return
    log_append = bool(batch.attributes & TIMESTAMP_TYPE_MASK)
    last = batch.next_offset - 1
    expected = batch.base_offset  # the offset a record that cannot say its own is taken to have
    position = 0
    for index in range(max(count, 0)):
        if position >= len(body):
            _rest_unreadable(
                batch, expected, f"the batch ends after {index} of the {count} records it says it holds"
            )
            return
        try:
            length, start = _varint(body, position)
        except _Broken as exc:
            _rest_unreadable(batch, expected, f"its length prefix does not read: {exc}")
            return
        end = start + length
        if length < 0 or end > len(body):
            reason = f"its length prefix gives {length} bytes, and the batch holds {len(body) - start} more"
            _rest_unreadable(batch, expected, reason)
            return
        try:
            record = _record(body[start:end], batch.base_offset, first_timestamp, max_timestamp, log_append)
        except _Broken as exc:
            offset = _offset_of(body[start:end], batch.base_offset, expected, last)
            batch.unreadable.append(Unreadable(offset, f"the record's bytes do not parse: {exc}"))
            expected = offset + 1
        else:
            if not expected <= record.offset <= last:
                reason = f"the record gives offset {record.offset}, outside {expected} to {last}"
                batch.unreadable.append(Unreadable(expected, reason))
                expected += 1
            else:
                batch.records.append(record)
                expected = record.offset + 1
        position = end


def _rest_unreadable(batch: RawBatch, first: int, reason: str) -> None:
    """Every offset of the batch from `first` on is unreadable, for `reason`."""
    batch.unreadable += [Unreadable(offset, reason) for offset in range(first, batch.next_offset)]


def _offset_of(record: bytes, base_offset: int, expected: int, last: int) -> int:
    """The offset of a record that does not parse: its own offset delta where that reads and fits the
    batch, else the one after the record before it."""
    try:
        _, position = _varint(record, 1, 10)  # after the Attributes (an Int8), the timestamp delta
        delta, _ = _varint(record, position)
    except _Broken:
        return min(expected, last)
    offset = base_offset + delta
    return offset if expected <= offset <= last else min(expected, last)


def _record(
    record: bytes, base_offset: int, first_timestamp: int, max_timestamp: int, log_append: bool
) -> RawRecord:
    """One record's fields, from its bytes (its length prefix left out); `_Broken` when they do not hold."""
    if not record:
        raise _Broken("it has no bytes")
    timestamp_delta, position = _varint(record, 1, 10)  # after the Attributes (an Int8, unused)
    offset_delta, position = _varint(record, position)
    if offset_delta < 0:
        raise _Broken(f"its offset delta is {offset_delta}")
    key, position = _bytes(record, position, "key")
    value, position = _bytes(record, position, "value")
    count, position = _varint(record, position)
    if count < 0:
        raise _Broken(f"it says it has {count} headers")
    headers: list[tuple[str, bytes | None]] = []
    for _ in range(count):
        name, position = _bytes(record, position, "header name")
        if name is None:
            raise _Broken("a header name is null")
        header, position = _bytes(record, position, "header value")
        headers.append((name.decode("utf-8", "replace"), header))
    if position != len(record):
        raise _Broken(f"its length prefix gives {len(record)} bytes, and its fields take {position}")
    return RawRecord(
        offset=base_offset + offset_delta,
        timestamp=max_timestamp if log_append else first_timestamp + timestamp_delta,
        timestamp_type=LOG_APPEND_TIME if log_append else 0,
        key=key,
        value=value,
        headers=headers,
        size=len(record),
    )


def _bytes(record: bytes, position: int, what: str) -> tuple[bytes | None, int]:
    """A length-prefixed field (-1: null) and the position after it."""
    length, position = _varint(record, position)
    if length == -1:
        return None, position
    if length < 0:
        raise _Broken(f"its {what}'s length is {length}")
    if position + length > len(record):
        raise _Broken(f"its {what}'s length {length} runs past the record's end")
    return record[position : position + length], position + length


def _varint(data: bytes, position: int, most: int = 5) -> tuple[int, int]:
    """A zigzag varint of at most `most` bytes (5: an Int32, 10: an Int64) and the position after it."""
    raw = shift = 0
    for used in range(most):
        if position + used >= len(data):
            raise _Broken(f"a varint at byte {position} runs past the end")
        byte = data[position + used]
        raw |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (raw >> 1) ^ -(raw & 1), position + used + 1
    raise _Broken(f"a varint at byte {position} is longer than {most} bytes")
