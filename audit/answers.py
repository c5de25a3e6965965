"""What one partition's answer to a Fetch request holds, as the broker stores it: its records, and the damage
its bytes show (audit/batches.py sends the requests and reads on past what the broker cannot serve).

Pure: bytes in, `Record`s and `Damage` out, each partition's reading position (`Partition`) moved past what
was read. A batch whose CRC does not match its bytes is a "corrupt batch" whose records are still given
when they parse (what they say may name more, a broken chain), and "unreadable" when they do not; offsets
that no batch holds below the high-water mark are "missing records"; a header that does not parse, or
bytes that hold no whole batch, an "unreadable batch" of one offset, read on from the next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from aiokafka.errors import for_code
from aiokafka.record.memory_records import MemoryRecords

# The answers that say "ask the partition's leader, which has moved": asked again after fresh metadata.
# UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, REPLICA_NOT_AVAILABLE,
# FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH (Kafka's protocol error codes).
LEADERSHIP_MOVED = {3, 5, 6, 9, 74, 75}
LEADER_RETRIES = 5


class Record(NamedTuple):
    """One record as stored: where it is, and its value (the envelope's bytes, or whatever is there). A
    tuple: one is made for every record read, and a frozen dataclass costs several times as much to make."""

    topic: str
    partition: int
    offset: int
    value: bytes | None


@dataclass(frozen=True)
class Damage:
    """Offsets `first` to `last` of a partition that cannot be read as written, and why."""

    topic: str
    partition: int
    first: int
    last: int
    kind: str  # "corrupt batch", "unreadable batch", "missing records", "unreadable partition"
    detail: str

    def __str__(self) -> str:
        """Named as `jip audit verify` names a problem: where it begins, what, the offsets in the detail."""
        return f"{self.topic}[{self.partition}]@{self.first}: {self.kind}: {self.detail}"


@dataclass
class Partition:
    topic: str
    partition: int
    position: int = 0  # the next offset to read
    end: int | None = None  # the high-water mark when the reading began
    starved: int = 0  # fetches in a row that gave it nothing
    moved: int = 0  # answers in a row that said its leader had moved


@dataclass
class Reading:
    """What one reading found besides the records: the damage, and where each partition ended."""

    damage: list[Damage] = field(default_factory=list)
    ends: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, partition) -> next offset
    # Records still to read, as far as the broker has said (each partition's end is known from its first
    # answer): how large a log is, known early, so a reader can decide how to share the work.
    left: int = 0


def records_in(
    p: Partition, error: int, high_water: int, raw: bytes, reading: Reading, exhausted: bool
) -> list[Record]:
    """The records of one partition's answer; damage to `reading`; `p`'s position moved past them. When
    the fetch was `exhausted` (nothing for any partition with the longest wait), offsets below the
    high-water mark that it did not get are missing."""

    def damaged(first: int, last: int, kind: str, detail: str) -> None:
        reading.damage.append(Damage(p.topic, p.partition, first, last, kind, detail))

    if error in LEADERSHIP_MOVED and p.moved < LEADER_RETRIES:
        p.moved += 1  # asked again of the partition's new leader, nothing skipped
        return []
    p.moved = 0
    if p.end is None:
        p.end = high_water
    if error:
        damaged(
            p.position,
            max(p.position, p.end - 1),
            "unreadable partition",
            f"{span(p.position, p.end - 1)}not read: the broker answered {for_code(error).__name__}",
        )
        p.position = p.end
        return []
    batches = MemoryRecords(raw)
    records: list[Record] = []
    read_any = False
    while p.position < p.end and batches.has_next():
        try:
            batch = batches.next_batch()
        except Exception as exc:  # a batch header that does not parse: its length cannot be trusted
            damaged(p.position, p.position, "unreadable batch", f"its header does not parse ({exc})")
            p.position += 1  # the broker answers from the next batch that holds a later offset
            return records
        if batch.next_offset <= p.position:  # the broker answers with the batch that holds the offset
            continue
        read_any = True
        if batch.base_offset > p.position:
            damaged(
                p.position, batch.base_offset - 1, "missing records", _missing(p.position, batch.base_offset)
            )
        first, last = batch.base_offset, batch.next_offset - 1
        if not batch.validate_crc():
            damaged(
                first,
                last,
                "corrupt batch",
                f"{span(first, last)}the batch's CRC does not match its bytes: they were changed after it "
                "was written",
            )
        if not batch.is_control_batch:
            try:
                records += [
                    Record(p.topic, p.partition, r.offset, r.value)
                    for r in batch
                    if p.position <= r.offset < p.end
                ]
            except Exception as exc:
                damaged(
                    first, last, "unreadable batch", f"{span(first, last)}its records do not parse ({exc})"
                )
        p.position = max(p.position, batch.next_offset)
    if read_any or p.position >= p.end:
        return records
    if raw:  # bytes, but not one whole batch: a length that does not fit what follows
        damaged(p.position, p.position, "unreadable batch", f"{len(raw)} bytes that hold no whole batch")
        p.position += 1
    elif exhausted:
        detail = _missing(p.position, p.end) + f" (the end of the partition: its high-water mark is {p.end})"
        damaged(p.position, p.end - 1, "missing records", detail)
        p.position = p.end
    return records


def _missing(first: int, upto: int) -> str:
    count = upto - first
    if count == 1:
        return (
            f"offset {first} is in the partition's range but no batch holds it: deleted after it was written"
        )
    return (
        f"offsets {first} to {upto - 1} ({count} records) are in the partition's range but no batch holds "
        "them: deleted after they were written"
    )


def span(first: int, last: int) -> str:
    return "" if first == last else f"offsets {first} to {last}: "
