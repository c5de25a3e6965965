"""Evidence's queries and their response models: the inspection as this service knows it, its evidence
file, its items (each with its history) and its lines of enquiry. Items and lines are read straight from
this service's own log, so an inspector reads their own writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.evidence import (
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    details_of,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.subjects import Sealed, SubjectKeys, opened
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import load
from shared.mechanics.envelope import Envelope, Inspectorate
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import Stream, StreamStore
from shared.mechanics.mongo import Document
from shared.views import evidence_items, inspections

from .domain.evidence_file import EvidenceFile, evidence_file, file_stream
from .domain.evidence_item import item_stream
from .domain.inspection import KnownInspection
from .domain.lines_of_enquiry import line_stream


async def known_inspection(db: AsyncDatabase[Document], inspection_id: str) -> KnownInspection:
    return await inspections.known(db, "evidence", inspection_id)


async def evidence_file_of(store: StreamStore, inspection_id: str) -> tuple[EvidenceFile, int]:
    """The inspection's evidence file and its version."""
    return await load(store, evidence_file, file_stream(inspection_id))


class Revision(BaseModel):
    """One event in an item's history: what it said, who made it, when and why."""

    version: int
    event_type: str
    occurred_at: datetime
    inspectorate: Inspectorate
    inspector: str
    reason: str | None
    details: HeldDetails | None  # none for a withdrawal


class ItemHistory(BaseModel):
    item: evidence_items.ItemView
    history: list[Revision]


async def item_history(store: StreamStore, inspection_id: str, evidence_item_id: str) -> ItemHistory:
    stream = await store.read(item_stream(evidence_item_id))
    pairs = list(zip(stream.events, stream.envelopes, strict=True))
    item = evidence_items.fold(pairs).get(evidence_item_id)
    if item is None or item.inspection_id != inspection_id:
        raise NotFound(f"evidence item {evidence_item_id} is not recorded for inspection {inspection_id}")
    return ItemHistory(item=item, history=[_revision(event, envelope) for event, envelope in pairs])


def _revision(event: Event, envelope: Envelope) -> Revision:
    assert isinstance(event, EvidenceItemRecorded | EvidenceItemAmended | EvidenceItemWithdrawn)
    return Revision(
        version=envelope.stream_version,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        inspectorate=event.inspectorate,
        inspector=event.inspector,
        reason=None if isinstance(event, EvidenceItemRecorded) else event.reason,
        details=None if isinstance(event, EvidenceItemWithdrawn) else details_of(event),
    )


async def items_of(store: StreamStore, inspection_id: str) -> list[evidence_items.ItemView]:
    """Every item of the inspection as it stands, straight from the log: an inspector reads their own
    writes, and the triangulation is never behind."""
    types = [
        EvidenceItemRecorded.event_type,
        EvidenceItemAmended.event_type,
        EvidenceItemWithdrawn.event_type,
    ]
    streams = await store.of_inspection(inspection_id, types)
    pairs = (pair for stream in streams for pair in zip(stream.events, stream.envelopes, strict=True))
    return list(evidence_items.fold(pairs).values())


# --- lines of enquiry --------------------------------------------------------------------------------


class Answer(BaseModel):
    answered_by: Inspectorate
    answered_at: datetime
    evidence_item_ids: list[str]
    answer: str


class LineView(BaseModel):
    """A line of enquiry as every participating inspectorate sees it."""

    line_id: str
    inspection_id: str
    raised_by: Inspectorate
    raised_at: datetime
    agency: Agency
    case_reference: str | None
    criteria: list[str]
    question: str
    answers: list[Answer]
    status: str  # open or closed
    closed_by: Inspectorate | None = None
    conclusion: str | None = None
    version: int


async def line_of(store: StreamStore, inspection_id: str, line_id: str) -> Stream:
    """The line's stream; 404 if it is not one of the inspection's lines."""
    stream = await store.read(line_stream(line_id))
    if not stream.events or getattr(stream.events[0], "inspection_id", None) != inspection_id:
        raise NotFound(f"line of enquiry {line_id} is not raised for inspection {inspection_id}")
    return stream


async def line_view(store: StreamStore, keys: SubjectKeys, inspection_id: str, line_id: str) -> LineView:
    stream = await line_of(store, inspection_id, line_id)
    return _line_view(await opened(keys, stream.events), stream.envelopes)


async def lines_of(store: StreamStore, keys: SubjectKeys, inspection_id: str) -> list[LineView]:
    """Straight from the log, so a line is visible to every inspectorate the moment it is raised."""
    types = [LineOfEnquiryRaised.event_type, LineOfEnquiryAnswered.event_type, LineOfEnquiryClosed.event_type]
    streams = await store.of_inspection(inspection_id, types)
    texts = await opened(keys, [stream.events for stream in streams])
    return [_line_view(events, stream.envelopes) for events, stream in zip(texts, streams, strict=True)]


def _line_view(events: Sequence[Event], envelopes: Sequence[Envelope]) -> LineView:
    raised = events[0]
    assert isinstance(raised, LineOfEnquiryRaised)
    view = LineView(
        **raised.model_dump(exclude={"raised_by"}),
        raised_by=raised.raised_by,
        raised_at=envelopes[0].occurred_at,
        answers=[],
        status="open",
        version=envelopes[-1].stream_version,
    )
    for event, envelope in zip(events[1:], envelopes[1:], strict=True):
        if isinstance(event, LineOfEnquiryAnswered):
            view.answers.append(
                Answer(
                    answered_by=event.answered_by,
                    answered_at=envelope.occurred_at,
                    evidence_item_ids=event.evidence_item_ids,
                    answer=_shown(event.answer),
                )
            )
        elif isinstance(event, LineOfEnquiryClosed):
            view.status, view.closed_by, view.conclusion = "closed", event.closed_by, _shown(event.conclusion)
    return view


def _shown(text: Sealed | str) -> str:
    assert isinstance(text, str), "a view is built from events whose texts are opened"
    return text
