"""The events topics read batch by batch, as the broker stores them, so that damage is named, not fatal.

A Kafka consumer gives up on a partition at the first batch whose CRC is wrong (aiokafka raises
`CorruptRecordException` on every fetch from then on) and says nothing of offsets that are not there. An
auditor needs both named and the rest still read, so this reader sends the broker's Fetch requests itself
and reads the record batches it returns (audit/answers.py reads each partition's answer: a "corrupt batch"
whose CRC does not match its bytes, its records still given when they parse; "missing records" that no
batch holds below the high-water mark; an "unreadable batch" whose bytes do not parse):

- every partition is read to the high-water mark it had when the reading began (not a moving end: the log
  as it stood when the auditor asked), and where it ended is kept (`ends`) for signed checkpoints;
- a partition whose leader moved while it was read (a broker restarted or a leader elected: the broker
  answers NotLeaderForPartition and the like) is asked again of its new leader, after the cluster's
  metadata is read afresh, up to LEADER_RETRIES times before it is called unreadable;
- a fetch the broker cannot answer (tansu closes the connection when a stored batch is cut short or does
  not decode), or answers with an error for a partition: the partitions of that fetch are asked again
  half by half, and the one that fails is read a batch at a time (a fetch of at most one byte gets one
  batch) up to the offset the broker cannot serve. That offset, and those after it that it cannot serve
  either (probed with a step that doubles, then halved), are `Damage` "unreadable batch", and the
  partition is read on past them; when no later offset is served, the range to its end is named as not
  read ("unreadable partition" when the broker answered an error). Only a broker that does not answer
  even where the partition ends stops the reading (the log is unreachable).

No consumer group, nothing committed: the services' own consumers are not disturbed."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from aiokafka import TopicPartition
from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaConnectionError, NodeNotReadyError, for_code
from aiokafka.protocol.fetch import FetchRequest

from shared.mechanics.raw_fetch import READ_UNCOMMITTED, fetch_one
from shared.mechanics.settings import Settings

from .answers import LEADERSHIP_MOVED, Damage, Partition, Reading, Record, records_in, span

PARTITION_BYTES = 8 * 1024 * 1024
# tansu on object storage answers a fetch with what it read within the wait: an empty answer below the
# high-water mark is asked again, waiting longer, before the offsets are called missing.
WAITS_MS = (100, 500, 2000)


async def read(
    settings: Settings,
    topics: Sequence[str],
    reading: Reading,
    start: Mapping[tuple[str, int], int] | None = None,
) -> AsyncIterator[list[Record]]:
    """Every record of `topics` from offset 0 (or where `start` says, per partition: where an earlier
    reading ended) to each partition's high-water mark, a fetch at a time; damage goes to `reading.damage`
    as it is found, and each partition's end to `reading.ends`."""
    client = AIOKafkaClient(bootstrap_servers=settings.kafka_bootstrap_servers, **settings.kafka_security())
    await client.bootstrap()
    try:
        for topic in topics:
            client.add_topic(topic)
        await client.force_metadata_update()
        partitions = [
            Partition(t, p, (start or {}).get((t, p), 0))
            for t in topics
            for p in sorted(client.cluster.partitions_for_topic(t) or ())
        ]

        async def fetched() -> list[Record] | None:
            """One fetch of every partition not yet at its end, its records and damage; None when none is
            left."""
            pending = [p for p in partitions if p.end is None or p.position < p.end]
            if not pending:
                return None
            found: list[Record] = []
            if any(p.moved for p in pending):  # a leader moved: where each partition is now
                await asyncio.sleep(0.1 * max(p.moved for p in pending))
                await client.force_metadata_update()
            by_node: dict[int, list[Partition]] = defaultdict(list)
            for p in pending:
                by_node[client.cluster.leader_for_partition(TopicPartition(p.topic, p.partition))].append(p)
            for node, asked in by_node.items():
                try:
                    found += await _read_from(client, node, asked, reading)
                except NodeNotReadyError as exc:  # the broker gone, not a partition damaged: unreachable
                    raise KafkaConnectionError(str(exc)) from exc
            reading.left = sum(p.end - p.position for p in partitions if p.end is not None)
            return found

        # The next fetch is on its way while the caller checks this one's records: the broker reads its
        # storage while the records are verified.
        following = asyncio.create_task(fetched())
        try:
            while (found := await following) is not None:
                following = asyncio.create_task(fetched())
                await asyncio.sleep(0)
                if found:
                    yield found
        finally:
            following.cancel()
        reading.ends.update({(p.topic, p.partition): p.position for p in partitions})
    finally:
        await client.close()


async def _fetch(
    client: Any, node: int, asked: list[Partition]
) -> tuple[list[tuple[Partition, int, int, bytes]], bool]:
    """The partitions `asked` fetched from `node`: each one's answer (error, high-water mark, bytes), asked
    again with a longer wait while no partition gets anything; and whether none did even then (exhausted).

    tansu answers with what it read within the wait, partition after partition, so a partition late in a
    request can get nothing while those before it fill the answer: the ones left out last time are asked
    first, and a partition's records are called missing only when the broker had nothing for any."""
    asked.sort(key=lambda p: -p.starved)
    for wait_ms in WAITS_MS:
        by_topic: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for p in asked:
            by_topic[p.topic].append((p.partition, p.position, PARTITION_BYTES))
        request = FetchRequest(wait_ms, 1, 64 * 1024 * 1024, READ_UNCOMMITTED, list(by_topic.items()))
        response = await client.send(node, request)
        answers = {
            (topic, number): (error, high_water, data[-1])
            for topic, partitions in response.topics
            for number, error, high_water, *data in partitions
        }
        got = {key for key, (error, high_water, raw) in answers.items() if error or raw}
        for p, key in _keyed(asked):
            p.starved = 0 if key in got else p.starved + 1
        at_end = all(key in answers and answers[key][1] <= p.position for p, key in _keyed(asked))
        if got or at_end:
            return [(p, *answers[key]) for p, key in _keyed(asked) if key in answers], False
    return [(p, *answers[key]) for p, key in _keyed(asked) if key in answers], True


class Refused(Exception):
    """The broker served no batch of a partition at an offset: it closed the connection, or answered an
    error for the partition (`error`)."""

    def __init__(self, why: str, error: int | None = None) -> None:
        super().__init__(why)
        self.error = error


def _refused(error: int) -> Refused:
    return Refused(f"the broker answered {for_code(error).__name__}", error)


async def _read_from(client: Any, node: int, asked: list[Partition], reading: Reading) -> list[Record]:
    """One fetch of the partitions `asked` of `node`, their records; damage to `reading`. A fetch the broker
    does not answer is asked again half by half (`_halves`)."""
    try:
        answers, exhausted = await _fetch(client, node, asked)
    except KafkaConnectionError as exc:  # one partition's storage can do it: find which
        if len(asked) == 1:
            return await _past(client, node, asked[0], reading, Refused(_closed(exc)))
        return await _halves(client, node, asked, reading)
    return await _answered(client, node, asked, answers, exhausted, reading)


async def _answered(
    client: Any,
    node: int,
    asked: list[Partition],
    answers: list[tuple[Partition, int, int, bytes]],
    exhausted: bool,
    reading: Reading,
) -> list[Record]:
    """The records of the broker's `answers` to a fetch of `asked`; a partition it answered with an error
    (its leader not moved) read past the offsets it cannot serve (`_past`)."""
    found: list[Record] = []
    for p, error, high_water, raw in answers:
        if error and error not in LEADERSHIP_MOVED:
            found += await _past(client, node, p, reading, _refused(error))
        else:
            found += records_in(p, error, high_water, raw, reading, exhausted)
    for p in asked:
        if exhausted and p.end is None:  # never answered for, with the longest wait
            detail = "the broker gave no answer for the partition: not read"
            reading.damage.append(
                Damage(p.topic, p.partition, p.position, p.position, "unreadable partition", detail)
            )
            p.end = p.position
    return found


async def _halves(client: Any, node: int, asked: list[Partition], reading: Reading) -> list[Record]:
    """The partitions of a fetch the broker did not answer, asked again half by half (a half it does not
    answer halved again), so that the one it does not answer for is found in a few fetches: the rest read
    as usual, and that one read past the offsets the broker cannot serve (`_past`)."""
    found: list[Record] = []
    middle = len(asked) // 2
    for half in (asked[:middle], asked[middle:]) if middle else ():
        try:
            answers, exhausted = await _fetch(client, node, half)
        except KafkaConnectionError as exc:
            if len(half) == 1:
                found += await _past(client, node, half[0], reading, Refused(_closed(exc)))
            else:
                found += await _halves(client, node, half, reading)
            continue
        found += await _answered(client, node, half, answers, exhausted, reading)
    return found


def _closed(exc: Exception) -> str:
    return f"the broker closed the connection on every fetch of it ({exc})"


async def _past(client: Any, node: int, p: Partition, reading: Reading, why: Refused) -> list[Record]:
    """A partition the broker did not serve from `p.position` (`why`): read a batch at a time up to the
    first offset it cannot serve, then on past the offsets it cannot serve (probed with a step that
    doubles, then halved to the first it can), which are "unreadable batch"; or to the partition's end,
    named as not read when the broker serves nothing more ("unreadable partition" when it said why with an
    error). `KafkaConnectionError` or `NodeNotReadyError` when the broker does not answer even for the
    partition's high-water mark: it is down, not the partition damaged."""

    async def one(offset: int, max_bytes: int) -> tuple[int, bytes]:
        """The error and bytes of a fetch of the partition at `offset`, of at most `max_bytes` (the broker
        gives at least the one batch holding the offset); `Refused` when it closes the connection."""
        try:
            error, _, raw = await fetch_one(
                client, node, p.topic, p.partition, offset, max_bytes, WAITS_MS[-1]
            )
        except KafkaConnectionError as exc:
            raise Refused(_closed(exc)) from exc
        return error, raw

    # Where it ends: a fetch beyond any offset reads no batch and answers with the high-water mark (an
    # error too, from a broker that says the offset is out of range). Raises when the broker is down.
    _, high_water, _ = await fetch_one(client, node, p.topic, p.partition, 2**62, 1, WAITS_MS[0])
    if p.end is None and high_water < 0:
        detail = f"not read: {why}; and the broker did not say where the partition ends"
        reading.damage.append(
            Damage(p.topic, p.partition, p.position, p.position, "unreadable partition", detail)
        )
        p.end = p.position
    elif p.end is None:
        p.end = high_water
    assert p.end is not None
    records: list[Record] = []
    size = 1
    while p.position < p.end:  # a batch at a time, then twice as many bytes, while the broker serves them
        try:
            error, raw = await one(p.position, size)
            if error:
                raise _refused(error)
        except Refused as refused:
            if size > 1:
                size = 1
                continue
            why = refused
            break
        before = p.position
        records += records_in(p, error, p.end, raw, reading, exhausted=True)
        if p.position == before:  # nothing served within the longest wait: left to the next fetch
            return records
        size *= 2
    else:
        return records
    bad = p.position  # the broker serves no batch holding this offset
    step, served = 1, None
    while bad + step < p.end:
        try:
            error, _ = await one(bad + step, 1)
        except Refused:
            error = -1
        if not error:
            served = bad + step
            break
        step *= 2
    failing = bad + step // 2 if step > 1 else bad  # the broker did not serve this one
    upto = served if served is not None else p.end  # nor any before this one, as far as probed
    while served is not None and upto - failing > 1:
        middle = (failing + upto) // 2
        try:
            error, _ = await one(middle, 1)
        except Refused:
            error = -1
        failing, upto = (failing, middle) if not error else (middle, upto)
    # What no offset of served, as far as probed, and the broker said why with an error: the partition.
    kind = "unreadable partition" if served is None and why.error is not None else "unreadable batch"
    if served is None:
        detail = (
            f"{span(bad, p.end - 1)}{why}, and of every later offset probed to the partition's end (its "
            f"high-water mark is {p.end}): not read"
        )
    else:
        detail = (
            f"{span(bad, upto - 1)}{why}: not read (its stored batch cut short, or not decodable); read "
            f"on from offset {upto}"
        )
    reading.damage.append(Damage(p.topic, p.partition, bad, upto - 1, kind, detail))
    p.position = upto
    return records


def _keyed(partitions: list[Partition]) -> list[tuple[Partition, tuple[str, int]]]:
    return [(p, (p.topic, p.partition)) for p in partitions]
