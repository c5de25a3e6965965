"""What reporting reads, for its queries (views.py, shelf.py) and its commands (handlers.py) alike: the
events it holds of an inspection (its `SOURCES`, projections.py), in stream order and as at any time; the
inspection as they say (the platform's one fold, shared/views/inspections.py); and the report's own lifecycle
stream, as it stands or as it stood."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import InspectionScheduled, InspectorAssigned, InspectorRegistered
from shared.mechanics.catalogue import Event
from shared.mechanics.clock import CLOCK
from shared.mechanics.envelope import Envelope, stamp
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import Stream, StreamStore
from shared.mechanics.mongo import Document
from shared.mechanics.runtime import Service
from shared.views import inspections
from shared.views.inspections import Inspection
from shared.views.taking_part import TakingPart, of_inspection

from .domain import lifecycle
from .projections import SOURCES
from .rendering import documents

ORDER = [("stream_id", ASCENDING), ("stream_version", ASCENDING)]


def marking(shown_at: datetime | None) -> documents.Rehearsal | None:
    """On a rehearsal platform, every document says so, with the clock it is shown at: a document frozen
    at a step (or read as at a moment) shows that moment, so its bytes stay the same; a live one the
    clock's reading now. None on a production platform."""
    if not CLOCK.rehearsal:
        return None
    return documents.Rehearsal(clock=shown_at or CLOCK.now())


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def decoded(cursor: AsyncCursor[Document]) -> list[Event]:
    return [CATALOGUE.decode(Envelope.model_validate(doc["envelope"])) async for doc in cursor]


async def events_of(
    db: AsyncDatabase[Document], inspection_id: str, as_at: datetime | None = None
) -> list[Event]:
    """The inspection's events, then its area's LSCB register, then the registration of each inspector on
    its team (their name), each in stream order, which does not depend on the order in which the events
    arrived; only those that occurred by `as_at` if given."""
    until = {"envelope.occurred_at": {"$lte": stamp(as_at)}} if as_at else {}
    cursor = db[SOURCES].find({"inspection_id": inspection_id, **until}).sort(ORDER)
    events = await decoded(cursor)
    area = next((e.area_code for e in events if isinstance(e, InspectionScheduled)), None)
    if area is not None:
        events += await decoded(
            db[SOURCES].find({"inspection_id": None, "area_code": area, **until}).sort(ORDER)
        )
    team = sorted({e.inspector_id for e in events if isinstance(e, InspectorAssigned)})
    if team:
        registered = {
            "event_type": InspectorRegistered.event_type,
            "envelope.payload.inspector_id": {"$in": team},
        }
        events += await decoded(db[SOURCES].find({**registered, **until}).sort(ORDER))
    return events


PARTICIPATION = tuple(t.event_type for t in inspections.TRACKED)


async def participation(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    """The inspection as its scheduling events say (those the one fold reads), without the rest."""
    query = {"inspection_id": inspection_id, "event_type": {"$in": PARTICIPATION}}
    return known(inspection_id, await decoded(db[SOURCES].find(query).sort(ORDER)))


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, and its area, as scheduling's events told this service: they read its report."""
    return of_inspection(await participation(service.db, inspection_id))


def known(inspection_id: str, events: Sequence[Event]) -> Inspection:
    """The inspection as the events say (shared/views/inspections.py): programme, agencies, who takes part,
    cancelled."""
    inspection = inspections.fold(inspection_id, events)
    if inspection is None:
        raise NotFound(f"no events of inspection {inspection_id} have reached the reporting service")
    return inspection


def content_of(events: Sequence[Event], state: lifecycle.Report) -> list[Event]:
    """What a report is rendered from: the inspection's events, and what opened each correction of it
    (its document says what changed and when)."""
    return [*events, *state.corrections()]


@dataclass(frozen=True)
class Lifecycle:
    stream: Stream
    state: lifecycle.Report

    def occurred(self, version: int) -> datetime:
        return self.stream.envelopes[version - 1].occurred_at

    def final_at(self) -> datetime | None:
        """When the report (its current edition) was made final: its content is the log as at that
        moment."""
        final = self.state.final
        return next(
            (
                e.occurred_at
                for e, v in zip(self.stream.envelopes, self.stream.events, strict=True)
                if v is final
            ),
            None,
        )

    def last(self, *types: type[Event]) -> list[datetime]:
        """When each event of these types occurred, in order."""
        return [
            e.occurred_at
            for e, v in zip(self.stream.envelopes, self.stream.events, strict=True)
            if isinstance(v, types)
        ]


async def lifecycle_of(store: StreamStore, inspection_id: str, as_at: datetime | None = None) -> Lifecycle:
    stream = await store.read(lifecycle.stream_id(inspection_id))
    if as_at is not None:
        kept = [
            (e, v) for e, v in zip(stream.envelopes, stream.events, strict=True) if e.occurred_at <= as_at
        ]
        stream = Stream(stream.stream_id, len(kept), [e for e, _ in kept], [v for _, v in kept])
    return Lifecycle(stream, lifecycle.report.fold(stream.events))
