"""How far each projection has read each stream: the version it has reached, one document per projection
and stream (`stream_positions`), moved in the same transaction as the read model.

It is what makes a consumer idempotent and keeps each stream in order (shared/mechanics/consumer.py): an event
at or below its stream's position is a duplicate, the next version is applied, and a later one waits for its
predecessor. It also keeps the digest of the event it reached, so the next must name it as its previous
(the hash chain): an event forged into a stream, or a second event claiming a version already applied,
is refused rather than taken for the real one. Its size grows with the streams, not with the events.

Before positions, a projection kept the id of every event it applied (`applied_events`). That collection
is read, never written, so a projection upgraded in place carries on: a stream begun before the upgrade
starts where the first of its events delivered since stands."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pymongo import UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from shared.mechanics.envelope import Envelope, utc_now
from shared.mechanics.mongo import Document

POSITIONS = "stream_positions"
LEGACY = "applied_events"


@dataclass(frozen=True)
class Reached:
    """Where a projection stands in one stream: the version applied, and that event's digest."""

    version: int = 0
    digest: str | None = None  # unknown for a stream reached before digests were kept


class StreamMoved(Exception):
    """Another consumer moved a stream's position while a batch was applied: deliver it again."""


class Positions:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.positions = db[POSITIONS]
        self.legacy = db[LEGACY]
        self._upgraded: dict[str, bool] = {}  # projection -> it applied events before it kept positions

    async def of(self, projection: str, first: Mapping[str, Envelope]) -> dict[str, Reached]:
        """Where each stream stands (version 0: nothing yet), given each stream's first event of the batch."""
        keys = [_key(projection, s) for s in first]
        found = {doc["_id"]: doc async for doc in self.positions.find({"_id": {"$in": keys}})}
        at = {
            s: Reached(doc["version"], doc.get("digest"))
            if (doc := found.get(_key(projection, s)))
            else Reached()
            for s in first
        }
        fresh = {s: e for s, e in first.items() if at[s].version == 0}
        if fresh and await self._applied_before(projection):
            ids = [f"{projection}:{e.event_id}" for e in fresh.values()]
            applied = {doc["_id"] async for doc in self.legacy.find({"_id": {"$in": ids}}, {"_id": 1})}
            for stream, envelope in fresh.items():
                done = f"{projection}:{envelope.event_id}" in applied
                at[stream] = Reached(envelope.stream_version - (0 if done else 1))
        return at

    async def move(
        self,
        projection: str,
        before: Mapping[str, Reached],
        after: Mapping[str, Reached],
        session: AsyncClientSession,
    ) -> None:
        """Set the streams that moved, each only if still where it was read (else StreamMoved)."""
        now = utc_now()
        changes = [
            UpdateOne(
                {"_id": _key(projection, stream), "version": before[stream].version},
                {"$set": {"version": reached.version, "digest": reached.digest, "at": now}},
                upsert=True,  # a stream with no position yet; one moved meanwhile collides on _id instead
            )
            for stream, reached in after.items()
            if reached != before[stream]
        ]
        if not changes:
            return
        try:
            await self.positions.bulk_write(changes, ordered=True, session=session)
        except (BulkWriteError, DuplicateKeyError) as exc:
            raise StreamMoved(f"a stream's position moved while this batch was applied: {exc}") from exc

    async def _applied_before(self, projection: str) -> bool:
        if projection not in self._upgraded:
            prefix = {"$regex": f"^{re.escape(projection)}:"}
            self._upgraded[projection] = await self.legacy.find_one({"_id": prefix}) is not None
        return self._upgraded[projection]


def _key(projection: str, stream_id: str) -> str:
    return f"{projection}:{stream_id}"
