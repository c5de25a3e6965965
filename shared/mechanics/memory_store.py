"""A service's streams in memory: the event store of handlers' unit tests (a fake, in cosmicpython's words).

MemoryEventStore keeps what EventStore (shared/mechanics/eventstore.py) keeps in MongoDB, the same way: each
event as the store's record of it, with the stream's Kafka key and its publish position, and the outbox record
the relay would publish it from. An append is all or nothing over every stream it writes, checks each
stream's expected version, chains each event to the digest of its stream's previous one, and refuses a
stale write with the same ConcurrencyConflict. Both stores pass one suite (tests/event_store_suite.py):
tests/unit against this one, tests/integration against MongoDB. Nothing is kept when the process ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from shared.mechanics.catalogue import Event, EventCatalogue
from shared.mechanics.envelope import Envelope, digest_of, utc_now
from shared.mechanics.errors import ConcurrencyConflict
from shared.mechanics.eventstore import CommandContext, Stream, Write, chained
from shared.mechanics.mongo import Document
from shared.mechanics.records import event_record, outbox_record
from shared.mechanics.telemetry import current_carrier


class MemoryEventStore:
    """A StreamStore (shared/mechanics/eventstore.py) in memory. `events` and `outbox` hold the records
    EventStore's collections would, in the order they were written."""

    def __init__(self, catalogue: EventCatalogue, topic: str) -> None:
        self.catalogue = catalogue
        self.topic = topic
        self.events: list[Document] = []
        self.outbox: list[Document] = []
        self.on_append: Callable[[], None] = lambda: None  # the relay's wake-up call, as EventStore's

    def _records(self, stream_id: str) -> list[Document]:
        return sorted(
            (d for d in self.events if d["stream_id"] == stream_id), key=lambda d: d["stream_version"]
        )

    def _stream(self, stream_id: str, records: Sequence[Document]) -> Stream:
        envelopes = [Envelope.model_validate(d["envelope"]) for d in records]
        version = envelopes[-1].stream_version if envelopes else 0
        return Stream(stream_id, version, envelopes, [self.catalogue.decode(e) for e in envelopes])

    async def read(self, stream_id: str) -> Stream:
        return (await self.read_streams([stream_id]))[stream_id]

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, Stream]:
        """Several streams; a stream with no events yet is at version 0."""
        return {stream_id: self._stream(stream_id, self._records(stream_id)) for stream_id in stream_ids}

    async def of_inspection(self, inspection_id: str, event_types: Sequence[str]) -> list[Stream]:
        """The inspection's streams that hold events of these types, with those events only, oldest
        stream first (by its first event)."""
        found: dict[str, list[Document]] = {}
        for record in sorted(self.events, key=lambda d: (d["stream_id"], d["stream_version"])):
            if record["inspection_id"] == inspection_id and record["event_type"] in event_types:
                found.setdefault(record["stream_id"], []).append(record)
        streams = [self._stream(stream_id, records) for stream_id, records in found.items()]
        return sorted(streams, key=lambda s: (s.envelopes[0].occurred_at, s.stream_id))

    async def of_type(self, event_type: str, *, offset: int = 0, limit: int = 0) -> list[Event]:
        """Events of one type, oldest first: `limit` of them (0 for all) after skipping `offset`."""
        records = [d for d in self.events if d["event_type"] == event_type]
        records.sort(key=lambda d: str(d["envelope"]["occurred_at"]))  # as written: fixed width, sortable
        chosen = records[offset : offset + limit] if limit else records[offset:]
        return [self.catalogue.decode(Envelope.model_validate(d["envelope"])) for d in chosen]

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[Event], context: CommandContext
    ) -> list[Envelope]:
        return await self.append_streams([Write(stream_id, expected_version, events)], context)

    async def append_streams(self, writes: Sequence[Write], context: CommandContext) -> list[Envelope]:
        """Append to several streams at once, each at its expected version: all or nothing. Nothing awaits
        in between, so no other append can come between the check and the write."""
        writes = [w for w in writes if w.events]
        if not writes:
            return []
        occurred_at = utc_now()
        trace_carrier = current_carrier()
        previous: dict[str, str | None] = {}
        keys: dict[str, str] = {}
        position = time.time_ns()
        for w in writes:
            head = None
            if w.expected_version > 0:  # as EventStore: a new stream's write is checked by its version 1
                records = self._records(w.stream_id)
                head = records[-1] if records else None
                actual = head["stream_version"] if head else 0
                if head is None or actual != w.expected_version:
                    raise ConcurrencyConflict(w.stream_id, w.expected_version, actual)
                position = max(position, head.get("position", 0) + 1)
            previous[w.stream_id] = digest_of(head["envelope"]) if head else None
            keys[w.stream_id] = w.key(head)
        envelopes = chained(writes, context, previous, occurred_at)
        records = [event_record(e, keys[e.stream_id], position + i) for i, e in enumerate(envelopes)]
        # What EventStore's unique (stream_id, stream_version) index refuses, with the error it gives.
        taken = {(d["stream_id"], d["stream_version"]) for d in self.events}
        for record in records:
            if (record["stream_id"], record["stream_version"]) in taken:
                lost = next(w for w in writes if w.stream_id == record["stream_id"])
                raise ConcurrencyConflict(
                    lost.stream_id, lost.expected_version, None if lost.expected_version else 1
                )
            taken.add((record["stream_id"], record["stream_version"]))
        self.events += records
        self.outbox += [
            outbox_record(self.topic, e, r["key"], r["position"], trace_carrier)
            for e, r in zip(envelopes, records, strict=True)
        ]
        self.on_append()
        return envelopes
