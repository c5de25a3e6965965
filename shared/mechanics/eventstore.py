"""Each service's own streams in MongoDB, with optimistic concurrency and a transactional outbox.

An append checks the stream's version and inserts the events and their outbox records in one
transaction; the unique (stream_id, stream_version) index makes a racing writer fail too, so a
stale write raises ConcurrencyConflict and writes nothing. The outbox relay publishes later.

Two things an append fixes for the relay, whatever process (replica) makes it:
- the Kafka key: one per stream, for every event of the stream, so a stream stays on one partition and
  in order. A stream of one inspection is keyed by the inspection (its streams share a partition); a
  stream about no one inspection (an area's calendar, an inspector's diary, a round) by its own id
  (Event.key);
- the publish position: later than the stream's previous event's, so the relay, which publishes in
  position order, publishes each stream in version order even when replicas' clocks differ."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

from shared.mechanics.catalogue import Event, EventCatalogue
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, digest_of, new_id, utc_now
from shared.mechanics.errors import ConcurrencyConflict
from shared.mechanics.mongo import Client, Document, transaction
from shared.mechanics.records import event_record, outbox_record
from shared.mechanics.telemetry import current_carrier


@dataclass(frozen=True)
class CommandContext:
    """Who asked, and the request this command belongs to. Every event the command writes carries both ids:
    `correlation_id` the request's (or, for a command a service makes in reaction to an event, that event's
    correlation_id), `causation_id` the id of the event that caused the command, or None where a person's
    request did (shared.mechanics.http.command_context)."""

    actor: Actor
    correlation_id: str
    causation_id: str | None = None

    @property
    def inspectorate(self) -> Inspectorate:
        """The acting inspectorate: every command over HTTP names one (shared.mechanics.http)."""
        assert self.actor.inspectorate is not None, "this command was made by no inspectorate"
        return self.actor.inspectorate


@dataclass(frozen=True)
class Write:
    """Events for one stream, appended only if the stream is still at `expected_version`."""

    stream_id: str
    expected_version: int
    events: Sequence[Event]

    def key(self, head: Document | None) -> str:
        """The stream's Kafka key: as its first event was keyed, which every later event must agree with
        (Event.key: its inspection's id, or None for the stream's own)."""
        wanted = {e.key() or self.stream_id for e in self.events}
        key: str = (head or {}).get("key") or min(wanted)
        if wanted != {key}:
            raise ValueError(
                f"stream {self.stream_id} is keyed by {key}, but these events would be keyed by "
                f"{', '.join(sorted(wanted))}: every event of a stream has the stream's key"
            )
        return key


@dataclass(frozen=True)
class Stream:
    stream_id: str
    version: int  # 0 for a stream with no events yet
    envelopes: list[Envelope]
    events: list[Event]


class StreamStore(Protocol):
    """What a handler needs of an event store: streams read, and appended to all or nothing, each at the
    version its writer read (else ConcurrencyConflict). EventStore keeps them in MongoDB; MemoryEventStore
    (shared/mechanics/memory_store.py) in memory, for handlers' unit tests. Both pass
    tests/event_store_suite.py."""

    async def read(self, stream_id: str) -> Stream: ...

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, Stream]: ...

    async def of_inspection(self, inspection_id: str, event_types: Sequence[str]) -> list[Stream]: ...

    async def of_type(self, event_type: str, *, offset: int = 0, limit: int = 0) -> list[Event]: ...

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[Event], context: CommandContext
    ) -> list[Envelope]: ...

    async def append_streams(self, writes: Sequence[Write], context: CommandContext) -> list[Envelope]: ...


class EventStore:
    def __init__(self, client: Client, database: str, catalogue: EventCatalogue, topic: str) -> None:
        db = client[database]
        self.client = client
        self.catalogue = catalogue
        self.topic = topic
        self.events = db["events"]
        self.outbox = db["outbox"]
        self.on_append: Callable[[], None] = lambda: None  # the relay's wake-up call
        self.transactions = 0  # committed by appends (several appends may share one: group commit)
        self._waiting: list[_Pending] = []
        self._committer: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        await self.events.create_index([("stream_id", ASCENDING), ("stream_version", ASCENDING)], unique=True)
        await self.events.create_index([("inspection_id", ASCENDING), ("event_type", ASCENDING)])
        await self.outbox.create_index([("position", ASCENDING), ("_id", ASCENDING)])

    async def read(self, stream_id: str) -> Stream:
        return (await self.read_streams([stream_id]))[stream_id]

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, Stream]:
        """Several streams in one query; a stream with no events yet is at version 0."""
        cursor = self.events.find({"stream_id": {"$in": list(stream_ids)}}).sort(
            [("stream_id", ASCENDING), ("stream_version", ASCENDING)]
        )
        envelopes: dict[str, list[Envelope]] = {stream_id: [] for stream_id in stream_ids}
        async for doc in cursor:
            envelopes[doc["stream_id"]].append(Envelope.model_validate(doc["envelope"]))
        return {
            stream_id: Stream(
                stream_id,
                found[-1].stream_version if found else 0,
                found,
                [self.catalogue.decode(e) for e in found],
            )
            for stream_id, found in envelopes.items()
        }

    async def of_inspection(self, inspection_id: str, event_types: Sequence[str]) -> list[Stream]:
        """The inspection's streams that hold events of these types, with those events only, oldest
        stream first (by its first event) - e.g. every evidence item of an inspection, in one query."""
        cursor = self.events.find({"inspection_id": inspection_id, "event_type": {"$in": list(event_types)}})
        envelopes: dict[str, list[Envelope]] = {}
        async for doc in cursor.sort([("stream_id", ASCENDING), ("stream_version", ASCENDING)]):
            envelopes.setdefault(doc["stream_id"], []).append(Envelope.model_validate(doc["envelope"]))
        ordered = sorted(envelopes.items(), key=lambda kv: (kv[1][0].occurred_at, kv[0]))
        return [
            Stream(stream_id, found[-1].stream_version, found, [self.catalogue.decode(e) for e in found])
            for stream_id, found in ordered
        ]

    async def of_type(self, event_type: str, *, offset: int = 0, limit: int = 0) -> list[Event]:
        """Events of one type, oldest first: `limit` of them (0 for all) after skipping `offset`."""
        cursor = (
            self.events.find({"event_type": event_type})
            .sort("envelope.occurred_at", ASCENDING)
            .skip(offset)
            .limit(limit)
        )
        return [self.catalogue.decode(Envelope.model_validate(d["envelope"])) async for d in cursor]

    async def append(
        self, stream_id: str, expected_version: int, events: Sequence[Event], context: CommandContext
    ) -> list[Envelope]:
        return await self.append_streams([Write(stream_id, expected_version, events)], context)

    async def append_streams(self, writes: Sequence[Write], context: CommandContext) -> list[Envelope]:
        """Append to several streams at once, each at its expected version: all or nothing. A rule that
        spans streams (an inspector on one inspection at a time) holds because both streams move together.

        Group commit: an append that arrives while another is being committed waits for it, and every
        append that waited is then committed together, in one transaction. Each keeps its own version
        check and its own answer: a conflicting one is refused, the others are written."""
        writes = [w for w in writes if w.events]
        if not writes:
            return []
        pending = _Pending(writes, context, current_carrier(), asyncio.get_running_loop().create_future())
        self._waiting.append(pending)
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_waiting(), name="event-store group commit")
        return await asyncio.shield(pending.answer)

    async def _commit_waiting(self) -> None:
        """Commit what is waiting, a group at a time, until nothing is."""
        while self._waiting:
            group, self._waiting = self._waiting[:GROUP_LIMIT], self._waiting[GROUP_LIMIT:]
            try:
                if len(group) == 1:
                    await self._commit_alone(group[0])
                else:
                    await self._commit_group(group)
            except asyncio.CancelledError:
                for pending in group:
                    pending.answer.cancel()
                raise
            except Exception as exc:  # the database is unreachable, or worse: every append learns it
                for pending in group:
                    if not pending.answer.done():
                        pending.answer.set_exception(exc)
            self.on_append()

    async def _commit_alone(self, pending: _Pending) -> None:
        try:
            await self._transaction([pending])
        except (DuplicateKeyError, BulkWriteError, OperationFailure) as exc:
            pending.answer.set_exception(_refusal(exc, pending.writes))

    async def _commit_group(self, group: list[_Pending]) -> None:
        """One transaction for the group; if it fails because another process wrote a stream it writes
        meanwhile (which of them, the error cannot tell), each append is committed alone instead."""
        try:
            await self._transaction(group)
        except (DuplicateKeyError, BulkWriteError, OperationFailure) as exc:
            if not isinstance(_refusal(exc, group[0].writes), ConcurrencyConflict):
                raise
            for pending in group:
                await self._commit_alone(pending)

    async def _transaction(self, group: Sequence[_Pending]) -> None:
        """Append each pending write in one transaction and answer each once it commits: with its envelopes,
        or with a ConcurrencyConflict (and nothing written) if its stream is not at its expected version, in
        the database or after an earlier write of the group."""
        occurred_at = utc_now()
        accepted: list[tuple[_Pending, list[Envelope], dict[str, str], list[int]]] = []
        refused: list[tuple[_Pending, ConcurrencyConflict]] = []
        async with transaction(self.client) as session:
            # Each stream's last event, in the database or the group; the new ones read at once.
            heads = await self._new_streams(group, session)
            position = time.time_ns()
            for pending in group:
                keys: dict[str, str] = {}
                previous: dict[str, str | None] = {}
                conflict = None
                for w in pending.writes:
                    if w.stream_id not in heads:
                        heads[w.stream_id] = await self._head(w, session, alone=len(group) == 1)
                    head = heads[w.stream_id]
                    actual = head["stream_version"] if head else 0
                    if actual != w.expected_version:
                        conflict = ConcurrencyConflict(w.stream_id, w.expected_version, actual)
                        break
                    if head is not None:
                        position = max(position, head.get("position", 0) + 1)
                    previous[w.stream_id] = head["digest"] if head else None
                    keys[w.stream_id] = w.key(head)
                if conflict is not None:
                    refused.append((pending, conflict))
                    continue
                envelopes = chained(pending.writes, pending.context, previous, occurred_at)
                positions = [position + i for i in range(len(envelopes))]
                position += len(envelopes)
                for e, p in zip(envelopes, positions, strict=True):
                    heads[e.stream_id] = {
                        "stream_version": e.stream_version,
                        "digest": e.digest(),
                        "key": keys[e.stream_id],
                        "position": p,
                    }
                accepted.append((pending, envelopes, keys, positions))
            records = [
                (pending, e, keys[e.stream_id], p)
                for pending, envelopes, keys, positions in accepted
                for e, p in zip(envelopes, positions, strict=True)
            ]
            if records:
                await self.events.insert_many(
                    [event_record(e, key, p) for _, e, key, p in records], session=session
                )
                await self.outbox.insert_many(
                    [outbox_record(self.topic, e, key, p, pending.trace) for pending, e, key, p in records],
                    session=session,
                )
        self.transactions += 1
        for pending, refusal in refused:
            pending.answer.set_exception(refusal)
        for pending, envelopes, _, _ in accepted:
            pending.answer.set_result(envelopes)

    async def _new_streams(
        self, group: Sequence[_Pending], session: AsyncClientSession
    ) -> dict[str, Document | None]:
        """The streams a group creates that do not exist yet, each with no head: one read for them all
        (a stream exists if it has a first event), where each would be a read of its own."""
        creating = sorted({w.stream_id for p in group for w in p.writes if w.expected_version == 0})
        if len(group) == 1 or not creating:
            return {}
        first = {"stream_id": {"$in": creating}, "stream_version": 1}
        found = {d["stream_id"] async for d in self.events.find(first, {"stream_id": 1}, session=session)}
        return {stream: None for stream in creating if stream not in found}

    async def _head(self, write: Write, session: AsyncClientSession, *, alone: bool) -> Document | None:
        """The stream's last event (its version, digest, key and position), or None for a new stream. An
        append alone creating a stream reads nothing: the unique (stream_id, stream_version) index refuses
        a stream that exists. In a group it must be read, so that one such append is refused alone."""
        if write.expected_version == 0 and alone:
            return None
        head = await self.events.find_one(
            {"stream_id": write.stream_id},
            {"stream_version": 1, "envelope": 1, "key": 1, "position": 1},
            sort=[("stream_version", DESCENDING)],
            session=session,
        )
        if head is None:
            return None
        return {**head, "digest": digest_of(head["envelope"])}


GROUP_LIMIT = 64  # appends committed in one transaction at most


@dataclass
class _Pending:
    """An append waiting to be committed, and the future its caller awaits."""

    writes: Sequence[Write]
    context: CommandContext
    trace: dict[str, str]
    answer: asyncio.Future[list[Envelope]]


def _refusal(
    exc: DuplicateKeyError | BulkWriteError | OperationFailure, writes: Sequence[Write]
) -> Exception:
    """The ConcurrencyConflict a failed append means, or the error itself when it means something else: a
    duplicate (stream_id, stream_version) is a racing writer's, and so is a transaction's write conflict."""
    first = writes[0]
    if isinstance(exc, DuplicateKeyError | BulkWriteError):
        if isinstance(exc, BulkWriteError) and not _duplicate_key(exc):
            return exc
        lost = _conflicting(exc, writes) or first
        return ConcurrencyConflict(
            lost.stream_id, lost.expected_version, None if lost.expected_version else 1
        )
    if exc.has_error_label("TransientTransactionError"):  # lost a write conflict to a racing append
        return ConcurrencyConflict(first.stream_id, first.expected_version, None)
    return exc


def chained(
    writes: Sequence[Write],
    context: CommandContext,
    previous: Mapping[str, str | None],
    occurred_at: datetime,
) -> list[Envelope]:
    """The envelopes an append writes, in the writes' order: each event at its stream's next version after
    `expected_version`, naming the digest of the stream's event before it (`previous`: the head's digest,
    None for a new stream), a chain that shows tampering."""
    digests = dict(previous)
    envelopes: list[Envelope] = []
    for w in writes:
        for i, e in enumerate(w.events, start=1):
            envelope = Envelope(
                event_id=new_id(),
                event_type=e.event_type,
                schema_version=e.schema_version,
                stream_id=w.stream_id,
                stream_version=w.expected_version + i,
                inspection_id=getattr(e, "inspection_id", None),
                occurred_at=occurred_at,
                actor=context.actor,
                correlation_id=context.correlation_id,
                causation_id=context.causation_id,
                previous_hash=digests[w.stream_id],
                payload=e.model_dump(mode="json"),
            )
            digests[w.stream_id] = envelope.digest()
            envelopes.append(envelope)
    return envelopes


def _conflicting(exc: DuplicateKeyError | BulkWriteError, writes: Sequence[Write]) -> Write | None:
    """The write whose stream already had the version it tried to add, when the error says which."""
    details = exc.details or {}
    errors = details.get("writeErrors", [details])
    for error in errors:
        stream_id = (error.get("keyValue") or {}).get("stream_id")
        match = next((w for w in writes if w.stream_id == stream_id), None)
        if match is not None:
            return match
    return None


def _duplicate_key(exc: BulkWriteError) -> bool:
    return any(error.get("code") == 11000 for error in exc.details.get("writeErrors", []))
