"""Record batches read raw (shared/mechanics/raw_records.py): every record aiokafka's builders write comes
back with its offset, key, value and headers, in every codec; a header name that is not UTF-8 is read; a
record whose own bytes are broken is named at its offset with the reason, and the others are still read."""

from __future__ import annotations

import struct

import pytest
from aiokafka.record.default_records import DefaultRecordBatch, _DefaultRecordBatchBuilderPy
from aiokafka.record.util import calc_crc32c

from shared.mechanics.raw_records import RawBatch, Unreadable, batches

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
Headers = list[tuple[str, bytes | None]]


class NotUtf8(str):
    """A header name whose bytes are not UTF-8, as a hostile producer writes it."""

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return b"\xff\xfe"


def builder(codec: int = 0) -> _DefaultRecordBatchBuilderPy:
    return _DefaultRecordBatchBuilderPy(
        2, codec, is_transactional=0, producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20
    )


def entries(count: int) -> list[tuple[bytes | None, bytes | None, Headers]]:
    """(key, value, headers): a mix of nulls, empty and binary bytes."""
    made: list[tuple[bytes | None, bytes | None, Headers]] = []
    for n in range(count):
        key = None if n % 3 == 2 else f"key-{n}".encode()
        value = b'{"n": %d}' % n if n % 4 != 3 else None
        headers: Headers = [("traceparent", b"\xff\xfe" * n), ("empty", None)] if n % 2 else []
        made.append((key, value, headers))
    return made


def built(
    items: list[tuple[bytes | None, bytes | None, Headers]],
    *,
    codec: int = 0,
    base_offset: int = 0,
    spoil: int | None = None,
    to: int = 0x7E,
) -> bytes:
    """A batch of `items` at `base_offset`, as a producer writes it and a broker stores it. `spoil`: the
    index of a record whose key length byte is replaced by `to` before the batch is compressed and its CRC
    computed, so the CRC holds and only that record's own bytes are wrong."""
    b = builder(codec)
    starts = []
    for n, (key, value, headers) in enumerate(items):
        starts.append(len(b._buffer))
        b.append(n, timestamp=1_000 + n, key=key, value=value, headers=headers)
    if spoil is not None:
        key = items[spoil][0]
        assert key is not None
        at = bytes(b._buffer).index(key, starts[spoil]) - 1  # the key's length (one byte, a short key)
        b._buffer[at] = to
    data = bytearray(b.build())
    struct.pack_into(">q", data, 0, base_offset)  # the broker's: outside the CRC
    return bytes(data)


def one(data: bytes) -> RawBatch:
    [batch] = batches(data)
    return batch


@pytest.mark.parametrize("codec", CODECS)
def test_every_record_of_a_batch_comes_back_as_written_in_every_codec(codec: str) -> None:
    items = entries(12)
    data = built(items, codec=CODECS[codec], base_offset=40)

    batch = one(data)

    assert batch.attributes & 0x07 == (CODECS[codec] if codec != "none" else 0)
    assert (batch.base_offset, batch.next_offset, batch.crc_ok, batch.unreadable) == (40, 52, True, [])
    assert [(r.offset, r.key, r.value, r.headers) for r in batch.records] == [
        (40 + n, key, value, headers) for n, (key, value, headers) in enumerate(items)
    ]
    assert [r.timestamp for r in batch.records] == [1_000 + n for n in range(12)]
    aiokafka = list(DefaultRecordBatch(bytearray(data)))  # what the client reads of the same bytes
    assert [(r.offset, r.key, r.value, r.headers) for r in batch.records] == [
        (r.offset, r.key, r.value, r.headers) for r in aiokafka
    ]


@pytest.mark.parametrize("codec", CODECS)
def test_a_header_name_that_is_not_utf8_is_read_with_its_bytes_replaced_and_costs_no_record(
    codec: str,
) -> None:
    """aiokafka raises on the whole batch; read raw, both records come back."""
    items: list[tuple[bytes | None, bytes | None, Headers]] = [
        (b"insp-1", b"bad name", [(NotUtf8("x"), b"\xff")]),
        (b"insp-1", b"good", []),
    ]
    data = built(items, codec=CODECS[codec], base_offset=7)
    with pytest.raises(UnicodeDecodeError):  # the client's own reader, of the same bytes
        list(DefaultRecordBatch(bytearray(data)))

    batch = one(data)

    assert batch.unreadable == []
    assert [(r.offset, r.value, r.headers) for r in batch.records] == [
        (7, b"bad name", [("\ufffd\ufffd", b"\xff")]),
        (8, b"good", []),
    ]


@pytest.mark.parametrize("codec", CODECS)
def test_a_record_whose_own_bytes_are_broken_is_named_and_the_others_are_read(codec: str) -> None:
    items = entries(5)
    data = built(items, codec=CODECS[codec], base_offset=100, spoil=1)  # its key runs past its end

    batch = one(data)

    assert batch.crc_ok
    assert [r.offset for r in batch.records] == [100, 102, 103, 104]
    assert [r.value for r in batch.records] == [items[n][1] for n in (0, 2, 3, 4)]
    [broken] = batch.unreadable
    assert broken.offset == 101
    assert broken.reason == "the record's bytes do not parse: its key's length 63 runs past the record's end"


def test_a_record_whose_fields_do_not_fill_its_length_is_named_and_the_others_are_read() -> None:
    """A key length one short: the record's fields end before the length it gives."""
    items = entries(3)
    data = built(items, base_offset=0, spoil=1, to=2 * (len(b"key-1") - 1))

    batch = one(data)

    assert [r.offset for r in batch.records] == [0, 2]
    assert [u.offset for u in batch.unreadable] == [1]
    assert "do not parse" in batch.unreadable[0].reason


def test_a_record_whose_length_prefix_runs_past_the_batch_leaves_the_rest_of_the_batch_unreadable() -> None:
    """Where a record begins after a broken length prefix cannot be known: each offset from it on is named."""
    items = entries(4)
    b = builder()
    starts = []
    for n, (key, value, headers) in enumerate(items):
        starts.append(len(b._buffer))
        b.append(n, timestamp=1_000, key=key, value=value, headers=headers)
    b._buffer[starts[2]] = 0x7E  # record 2's length: 63 bytes, past the end of the batch
    data = bytes(b.build())

    batch = one(data)

    assert [r.offset for r in batch.records] == [0, 1]
    assert [u.offset for u in batch.unreadable] == [2, 3]
    assert batch.unreadable[0].reason.startswith("its length prefix gives 63 bytes")


def test_a_batch_that_does_not_decompress_has_every_offset_unreadable() -> None:
    data = bytearray(built(entries(6), codec=CODECS["gzip"], base_offset=10))
    data[70:80] = b"\x00" * 10  # inside the gzip stream
    struct.pack_into(">I", data, 17, calc_crc32c(bytes(data[21:])))

    batch = one(bytes(data))

    assert batch.records == []
    assert [u.offset for u in batch.unreadable] == list(range(10, 16))
    assert batch.unreadable[0].reason.startswith("the batch's gzip bytes do not decompress")


def test_a_batch_of_an_unknown_codec_has_every_offset_unreadable() -> None:
    data = bytearray(built(entries(2)))
    struct.pack_into(">h", data, 21, 5)  # attributes: codec 5
    struct.pack_into(">I", data, 17, calc_crc32c(bytes(data[21:])))

    assert one(bytes(data)).unreadable == [
        Unreadable(0, "the batch's compression codec 5 is unknown"),
        Unreadable(1, "the batch's compression codec 5 is unknown"),
    ]


def test_a_batch_whose_bytes_changed_after_its_crc_was_written_says_so() -> None:
    data = bytearray(built(entries(3)))
    data[-1] ^= 0x01

    assert not one(bytes(data)).crc_ok


def test_a_record_set_ends_with_its_last_whole_batch_and_each_batch_keeps_its_offsets() -> None:
    """The broker cuts an answer at its size limit, in the middle of a batch: that batch is not read."""
    first = built(entries(3), base_offset=0)
    second = built(entries(2), codec=CODECS["zstd"], base_offset=3)
    third = built(entries(4), base_offset=5)

    read = batches(first + second + third[:-5])

    assert [(b.base_offset, b.next_offset) for b in read] == [(0, 3), (3, 5)]
    assert [r.offset for b in read for r in b.records] == [0, 1, 2, 3, 4]
    assert batches(b"") == []
    assert batches(first[:60]) == []


def test_a_batch_header_that_is_not_magic_2_ends_the_record_set() -> None:
    first = built(entries(1))
    legacy = bytearray(built(entries(1), base_offset=1))
    legacy[16] = 1  # magic 1: not read here

    assert [b.base_offset for b in batches(first + bytes(legacy) + first)] == [0]
