"""What reporting reads, for its queries (views.py, shelf.py) and its commands (handlers.py) alike: the
events it holds of an inspection (its `SOURCES`, projections.py: pages of events, each event read once
whichever pages hold it), in stream order and as at any time; the inspection as they say (the platform's
one fold, shared/views/inspections.py); and the report's own lifecycle stream, as it stands or as it
stood."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import InspectionScheduled, InspectorAssigned, InspectorRegistered
from shared.mechanics.catalogue import Event
from shared.mechanics.clock import CLOCK
from shared.mechanics.envelope import Envelope
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


def marking(shown_at: datetime | None) -> documents.Rehearsal | None:
    """On a rehearsal platform, every document says so, with the clock it is shown at: a document frozen
    at a step (or read as at a moment) shows that moment, so its bytes stay the same; a live one the
    clock's reading now. None on a production platform."""
    if not CLOCK.rehearsal:
        return None
    return documents.Rehearsal(clock=shown_at or CLOCK.now())


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A kept event's envelope, and the trace that brought it (the live projection's pages of one only)."""

    envelope: Envelope
    trace: Document


def held(page: Document) -> Iterator[Kept]:
    """The events a page of `sources` holds (projections.py): one the live projection kept, or a rebuild's
    many, as published."""
    if "events" in page:
        for published in page["events"]:
            yield Kept(Envelope.model_validate_json(published), {})
    else:
        yield Kept(Envelope.model_validate(page["envelope"]), page.get("trace") or {})


def folded(pages: Iterable[Document], as_at: datetime | None = None) -> list[Kept]:
    """The events the pages hold, each once (the live projection's copy, with its trace, before a
    rebuild's), only those that occurred by `as_at` if given, in stream order."""
    until = as_at.astimezone(UTC) if as_at is not None else None  # a naive time read as stamp() reads it
    found: dict[str, Kept] = {}
    for page in pages:
        for kept in held(page):
            if until is not None and kept.envelope.occurred_at > until:
                continue
            event_id = kept.envelope.event_id
            if event_id not in found or (kept.trace and not found[event_id].trace):
                found[event_id] = kept
    return sorted(found.values(), key=lambda k: (k.envelope.stream_id, k.envelope.stream_version))


async def kept(db: AsyncDatabase[Document], query: Document, as_at: datetime | None = None) -> list[Kept]:
    """The kept events of the pages `query` selects (by the fields every event of a page shares), each
    once, only those that occurred by `as_at` if given, in stream order."""
    return folded([page async for page in db[SOURCES].find(query)], as_at)


async def events(db: AsyncDatabase[Document], query: Document, as_at: datetime | None = None) -> list[Event]:
    return [CATALOGUE.decode(k.envelope) for k in await kept(db, query, as_at)]


async def events_of(
    db: AsyncDatabase[Document], inspection_id: str, as_at: datetime | None = None
) -> list[Event]:
    """The inspection's events, then its area's LSCB register, then the registration of each inspector on
    its team (their name), each in stream order, which does not depend on the order in which the events
    arrived; only those that occurred by `as_at` if given."""
    return [event for _, event in await kept_of(db, inspection_id, as_at)]


async def kept_of(
    db: AsyncDatabase[Document], inspection_id: str, as_at: datetime | None = None
) -> list[tuple[Kept, Event]]:
    """What `events_of` reads, each event beside its envelope and trace as kept."""

    async def decoded(query: Document) -> list[tuple[Kept, Event]]:
        return [(k, CATALOGUE.decode(k.envelope)) for k in await kept(db, query, as_at)]

    found = await decoded({"inspection_id": inspection_id})
    area = next((e.area_code for _, e in found if isinstance(e, InspectionScheduled)), None)
    if area is not None:
        found += await decoded({"inspection_id": None, "area_code": area})
    team = sorted({e.inspector_id for _, e in found if isinstance(e, InspectorAssigned)})
    if team:
        named = {"$in": team}  # a rebuild's page names its inspector; a page of one, its envelope
        registered = {
            "event_type": InspectorRegistered.event_type,
            "$or": [{"inspector_id": named}, {"envelope.payload.inspector_id": named}],
        }
        found += await decoded(registered)
    return found


PARTICIPATION = tuple(t.event_type for t in inspections.TRACKED)


async def participation(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    """The inspection as its scheduling events say (those the one fold reads), without the rest."""
    query = {"inspection_id": inspection_id, "event_type": {"$in": PARTICIPATION}}
    return known(inspection_id, await events(db, query))


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
