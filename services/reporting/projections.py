"""Reporting keeps the events its letters and reports are made of, nothing derived: they are rendered
from them.

`sources` holds pages of kept events. The live projection (`keep`) writes a page of one: the event's
envelope under its event_id, as it always has. A rebuild (rebuild.py) writes pages of many (`Pages`): the
envelopes, as published, of events that share every field a query selects them by (`PageKey`: the
inspection, the event type, the area, the round, the inspector registered), so a query selects whole pages
and only what is kept as at a time is sorted out by the reader (reading.py), which also keeps each event
once (the live service may keep an event a rebuild's page holds too) and in stream order."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.evidence import (
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
)
from shared.language.contracts.judgement import JUDGEMENT_EVENTS
from shared.language.contracts.lscb import BOARD_EVENTS, EVALUATION_EVENTS
from shared.language.contracts.scheduling import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorRegistered,
    InspectorReleased,
    MeetingScheduled,
    NotificationRecorded,
    RoundPlanned,
)
from shared.mechanics.catalogue import Event
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope
from shared.mechanics.mongo import Document
from shared.mechanics.telemetry import current_carrier

SOURCES = "sources"
letter_sources = Projection("letter-sources", ["scheduling", "evidence", "judgement", "lscb"])


def source(envelope: Envelope) -> Document:
    """How a kept event is stored: the envelope, and the fields documents are found by."""
    return {
        "_id": envelope.event_id,
        "inspection_id": envelope.inspection_id,
        "event_type": envelope.event_type,
        "area_code": envelope.payload.get("area_code"),  # a board register's events name no inspection
        "round_id": envelope.payload.get("round_id"),  # an inspection scheduled in a round
        "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version,
        "envelope": envelope.model_dump(mode="json"),
    }


# What every event of a page shares: the fields reporting's queries select kept events by.
PAGE_FIELDS = ("inspection_id", "event_type", "area_code", "round_id", "inspector_id")
PageKey = tuple[str | None, str, str | None, str | None, str | None]
REGISTERED = InspectorRegistered.event_type  # its page's inspector_id: the inspector it names


def page_key(envelope: Envelope) -> PageKey:
    payload, event_type = envelope.payload, envelope.event_type
    return (
        envelope.inspection_id,
        event_type,
        payload.get("area_code"),
        payload.get("round_id"),
        payload.get("inspector_id") if event_type == REGISTERED else None,
    )


def page(key: PageKey, published: list[bytes]) -> Document:
    """A rebuild's page: the events' envelopes as published (JSON), under the fields they share; its id is
    the database's own (an ObjectId), never an event's."""
    return {**dict(zip(PAGE_FIELDS, key, strict=True)), "events": published}


PAGE_SIZE = 1000  # events to a page at most
PAGE_BYTES = 4 * 1024 * 1024  # and their envelopes' bytes: a document is 16 MB at most
PENDING = 10_000  # events folded and not yet written at most, however many pages they are in


class Pages:
    """A rebuild's fold: each kept event onto the page of its key, a page written once it is full, and the
    largest pages written early once PENDING events are waiting, so memory holds at most PENDING events
    and a key for each page under way (a few for each inspection), whatever the log's length."""

    def __init__(self, size: int = PAGE_SIZE, pending: int = PENDING, page_bytes: int = PAGE_BYTES) -> None:
        self.size, self.bound, self.page_bytes = size, pending, page_bytes
        self.pending: dict[PageKey, list[bytes]] = {}
        self.bytes: dict[PageKey, int] = {}
        self.count = 0

    def add(self, envelope: Envelope, published: bytes) -> list[Document]:
        """Fold the event in; the pages due to be written now, if any."""
        key = page_key(envelope)
        events = self.pending.get(key)
        if events is None:
            events = self.pending[key] = [published]
            self.bytes[key] = len(published)
        else:
            events.append(published)
            self.bytes[key] += len(published)
        self.count += 1
        if len(events) >= self.size or self.bytes[key] >= self.page_bytes:
            return [self.written(key)]
        return self.largest() if self.count > self.bound else []

    def written(self, key: PageKey) -> Document:
        events = self.pending.pop(key)
        del self.bytes[key]
        self.count -= len(events)
        return page(key, events)

    def largest(self) -> list[Document]:
        """The largest pages under way, written until half the bound is left waiting."""
        due: list[Document] = []
        for key in sorted(self.pending, key=lambda k: len(self.pending[k]), reverse=True):
            if self.count <= self.bound // 2:
                break
            due.append(self.written(key))
        return due

    def rest(self) -> list[Document]:
        """Every page still under way: the end of the log."""
        return [self.written(key) for key in list(self.pending)]


async def keep(_: Event, envelope: Envelope, tx: Tx) -> None:
    # With the trace that brought it, so a document rendered later links to what last changed it.
    kept = source(envelope) | {"trace": current_carrier()}
    await tx.db[SOURCES].replace_one({"_id": envelope.event_id}, kept, upsert=True, session=tx.session)


KEPT: tuple[type[Event], ...] = (
    InspectionScheduled,
    InspectionRescheduled,
    InspectionCancelled,
    InspectorateJoined,
    NotificationRecorded,
    InspectorAssigned,  # the team: each inspectorate's lead inspector signs its documents
    InspectorReleased,
    InspectorRegistered,  # an inspector's name, as they sign
    MeetingScheduled,  # the joint feedback meeting: a report is drafted after it (001 Proposal three)
    RoundPlanned,  # a round's name heads its overview (001 Proposal four)
    EvidenceItemRecorded,
    EvidenceItemAmended,
    EvidenceItemWithdrawn,
    *JUDGEMENT_EVENTS,  # findings, and every judgement's proposals, moderation, flags and revisions
    *BOARD_EVENTS,  # the area's LSCB register: letters are addressed to its chair
    *EVALUATION_EVENTS,  # the shared evaluation of the board
)
KEPT_TYPES = frozenset(e.event_type for e in KEPT)
for _event in KEPT:
    letter_sources.on(_event)(keep)


async def indexes(db: AsyncDatabase[Document]) -> None:
    await db[SOURCES].create_index(
        [("inspection_id", ASCENDING), ("stream_id", ASCENDING), ("stream_version", ASCENDING)]
    )
    await db[SOURCES].create_index([("area_code", ASCENDING), ("inspection_id", ASCENDING)])
    await db[SOURCES].create_index([("event_type", ASCENDING), ("round_id", ASCENDING)])
