"""Evidence's commands and queries: read what a command needs, hand it to the domain, append."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared import evidence_items, inspections
from shared.catalogue import Event
from shared.contracts.evidence import (
    ErasureBasis,
    EvidenceDetails,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    details_of,
)
from shared.contracts.vocabulary import Agency
from shared.decider import Decided, execute, load
from shared.envelope import Envelope, Inspectorate
from shared.errors import ConcurrencyConflict, NotFound
from shared.eventstore import CommandContext, EventStore, Stream
from shared.mongo import Document
from shared.runtime import Service
from shared.subjects import Sealed, SubjectKeys, opened, subject_of
from shared.taking_part import TakingPart

from . import domain


async def known_inspection(db: AsyncDatabase[Document], inspection_id: str) -> domain.KnownInspection:
    return await inspections.known(db, "evidence", inspection_id)


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection's evidence."""
    known = await known_inspection(service.db, inspection_id)
    return TakingPart(inspection_id, known.inspectorates, None, known.programme.participation.source)


async def evidence_file(store: EventStore, inspection_id: str) -> tuple[domain.EvidenceFile, int]:
    return await load(store, domain.evidence_file, domain.file_stream(inspection_id))


async def held(keys: SubjectKeys, inspection_id: str, details: EvidenceDetails) -> HeldDetails:
    """The details as the log holds them: the summary sealed to the item's case, if it has one."""
    summary = await keys.held(inspection_id, details.case_reference, details.summary)
    return HeldDetails.model_validate({**dict(details), "summary": summary})


async def record(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    evidence_item_id: str,
    details: EvidenceDetails,
    context: CommandContext,
) -> Decided[domain.EvidenceItem]:
    inspection = await known_inspection(db, inspection_id)
    file, _ = await evidence_file(store, inspection_id)
    command = domain.RecordEvidenceItem(
        inspection,
        file,
        evidence_item_id,
        context.inspectorate,
        context.actor.user,
        await held(keys, inspection_id, details),
    )
    stream = domain.item_stream(evidence_item_id)
    return await execute(store, domain.evidence_item, stream, command, context, expected_version=0)


async def correct(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    evidence_item_id: str,
    reason: str,
    details: EvidenceDetails | None,
    context: CommandContext,
    expected_version: int | None,
) -> Decided[domain.EvidenceItem]:
    """Amend the item with corrected details, or withdraw it (no details)."""
    inspection = await known_inspection(db, inspection_id)
    stream = domain.item_stream(evidence_item_id)
    current = (
        await item_history(store, inspection_id, evidence_item_id)
    ).item  # 404 if not this inspection's
    if expected_version is not None and expected_version != current.version:
        raise ConcurrencyConflict(stream, expected_version, current.version)
    file, _ = await evidence_file(store, inspection_id)
    command = domain.CorrectEvidenceItem(
        inspection,
        file,
        evidence_item_id,
        context.inspectorate,
        context.actor.user,
        reason,
        None if details is None else await held(keys, inspection_id, details),
    )
    return await execute(
        store, domain.evidence_item, stream, command, context, expected_version=expected_version
    )


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


async def item_history(store: EventStore, inspection_id: str, evidence_item_id: str) -> ItemHistory:
    stream = await store.read(domain.item_stream(evidence_item_id))
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


async def change_file(
    store: EventStore, inspection_id: str, command: domain.FileCommand, context: CommandContext
) -> Decided[domain.EvidenceFile]:
    """A change to the inspection's evidence file; one lost to a concurrent change is decided again."""
    return await execute(store, domain.evidence_file, domain.file_stream(inspection_id), command, context)


async def erase(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    case_reference: str,
    basis: ErasureBasis,
    context: CommandContext,
) -> Decided[domain.EvidenceFile]:
    """Destroy the case's key, then record that it was. The key goes first, with the KEK that every copy
    the database kept of it is wrapped under (SubjectKeys.erase rotates it): an erasure that fails after
    it is simply asked for again, and no event ever says erased while the key can still be had."""
    command = domain.EraseCase(
        await known_inspection(db, inspection_id), case_reference, context.inspectorate, basis
    )
    file, _ = await evidence_file(store, inspection_id)
    domain.decide_file(file, command)  # who may, and not yet erased: refused before the key is touched
    await keys.erase(subject_of(inspection_id, case_reference))
    return await change_file(store, inspection_id, command, context)


async def line(
    store: EventStore, line_id: str, command: domain.LineCommand, context: CommandContext
) -> Decided[domain.LineOfEnquiry]:
    stream = domain.line_stream(line_id)
    expected = 0 if isinstance(command, domain.RaiseLineOfEnquiry) else None
    return await execute(store, domain.line_of_enquiry, stream, command, context, expected_version=expected)


async def line_of(store: EventStore, inspection_id: str, line_id: str) -> Stream:
    """The line's stream; 404 if it is not one of the inspection's lines."""
    stream = await store.read(domain.line_stream(line_id))
    if not stream.events or getattr(stream.events[0], "inspection_id", None) != inspection_id:
        raise NotFound(f"line of enquiry {line_id} is not raised for inspection {inspection_id}")
    return stream


async def line_view(store: EventStore, keys: SubjectKeys, inspection_id: str, line_id: str) -> LineView:
    stream = await line_of(store, inspection_id, line_id)
    return _line_view(await opened(keys, stream.events), stream.envelopes)


async def not_citable(
    store: EventStore, inspection_id: str, evidence_item_ids: Sequence[str]
) -> dict[str, str]:
    """Cited items that an answer may not stand on, with the reason: unknown here, or withdrawn."""
    streams = await store.read_streams([domain.item_stream(i) for i in evidence_item_ids])
    problems = {}
    for item_id in evidence_item_ids:
        state = domain.evidence_item.fold(streams[domain.item_stream(item_id)].events)
        if state.current is None or state.current.inspection_id != inspection_id:
            problems[item_id] = "not recorded for this inspection"
        elif state.withdrawn:
            problems[item_id] = "withdrawn"
    return problems


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


async def lines_of(store: EventStore, keys: SubjectKeys, inspection_id: str) -> list[LineView]:
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


async def items_of(store: EventStore, inspection_id: str) -> list[evidence_items.ItemView]:
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
