"""Reporting's queries and commands: documents rendered from the events reporting holds, as at any time,
and each report's lifecycle (its own events)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from opentelemetry import trace
from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from shared.auth import Principal
from shared.catalogue import Event
from shared.contracts import CATALOGUE
from shared.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    ReportPublished,
    ReportSentToLscb,
)
from shared.contracts.scheduling import InspectionCancelled, InspectionScheduled, InspectorateJoined
from shared.decider import execute
from shared.envelope import Envelope, Inspectorate, stamp
from shared.errors import Forbidden, NotFound, RuleViolation
from shared.eventstore import CommandContext, EventStore, Stream
from shared.inspections import Inspection
from shared.mongo import Document
from shared.programmes import catalogue
from shared.runtime import Service
from shared.taking_part import READ_RULE, TakingPart, check, may_read, of_inspection
from shared.telemetry import context_from

from . import documents, lifecycle
from .documents import Format
from .projections import SOURCES

ORDER = [("stream_id", ASCENDING), ("stream_version", ASCENDING)]
AS_AT_RULE = "reporting: a document exists from the moment its inspection was scheduled"


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def _decoded(cursor: AsyncCursor[Document]) -> list[Event]:
    return [CATALOGUE.decode(Envelope.model_validate(doc["envelope"])) async for doc in cursor]


async def events_of(
    db: AsyncDatabase[Document], inspection_id: str, as_at: datetime | None = None
) -> list[Event]:
    """The inspection's events, then its area's LSCB register, each in stream order, which does not
    depend on the order in which the events arrived; only those that occurred by `as_at` if given."""
    until = {"envelope.occurred_at": {"$lte": stamp(as_at)}} if as_at else {}
    cursor = db[SOURCES].find({"inspection_id": inspection_id, **until}).sort(ORDER)
    events = await _decoded(cursor)
    area = next((e.area_code for e in events if isinstance(e, InspectionScheduled)), None)
    if area is not None:
        events += await _decoded(
            db[SOURCES].find({"inspection_id": None, "area_code": area, **until}).sort(ORDER)
        )
    return events


PARTICIPATION = (
    InspectionScheduled.event_type,
    InspectorateJoined.event_type,
    InspectionCancelled.event_type,
)


async def _participation(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    """The inspection as its scheduling events say, without the rest of its events."""
    query = {"inspection_id": inspection_id, "event_type": {"$in": PARTICIPATION}}
    return known(inspection_id, await _decoded(db[SOURCES].find(query).sort(ORDER)))


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, and its area, as scheduling's events told this service: they read its report."""
    return of_inspection(await _participation(service.db, inspection_id))


def known(inspection_id: str, events: Sequence[Event]) -> Inspection:
    """The inspection as the events say: programme, agencies, who takes part, cancelled."""
    scheduled = next((e for e in events if isinstance(e, InspectionScheduled)), None)
    if scheduled is None:
        raise NotFound(f"no events of inspection {inspection_id} have reached the reporting service")
    joined = [e for e in events if isinstance(e, InspectorateJoined)]
    return Inspection(
        inspection_id=inspection_id,
        programme=catalogue()[scheduled.programme],
        agencies=(*scheduled.agencies, *(a for j in joined for a in j.agencies)),
        inspectorates=(*scheduled.inspectorates, *(j.inspectorate for j in joined)),
        cancelled=any(isinstance(e, InspectionCancelled) for e in events),
        area_code=scheduled.area_code,
        local_area=scheduled.local_area,
    )


@dataclass(frozen=True)
class Lifecycle:
    stream: Stream
    state: lifecycle.Report

    def occurred(self, version: int) -> datetime:
        return self.stream.envelopes[version - 1].occurred_at

    def final_at(self) -> datetime | None:
        """When the report was made final: its content is the log as at that moment."""
        final = self.state.final
        return next(
            (
                e.occurred_at
                for e, v in zip(self.stream.envelopes, self.stream.events, strict=True)
                if v is final
            ),
            None,
        )


async def lifecycle_of(store: EventStore, inspection_id: str, as_at: datetime | None = None) -> Lifecycle:
    stream = await store.read(lifecycle.stream_id(inspection_id))
    if as_at is not None:
        kept = [
            (e, v) for e, v in zip(stream.envelopes, stream.events, strict=True) if e.occurred_at <= as_at
        ]
        stream = Stream(stream.stream_id, len(kept), [e for e, _ in kept], [v for _, v in kept])
    return Lifecycle(stream, lifecycle.report.fold(stream.events))


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    status: lifecycle.Status
    content_as_at: datetime | None  # the log it was rendered from: up to this time; None for all of it
    checksum: str


async def render(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    fmt: Format,
    *,
    as_at: datetime | None = None,
    at_step: int | None = None,
) -> Rendered:
    """The report as it stands, as it stood at `as_at`, or at the lifecycle step numbered `at_step`. A
    final report is the log as at its finalisation, whatever came after."""
    if at_step is not None:
        history = await lifecycle_of(store, inspection_id)
        if not 1 <= at_step <= history.stream.version:
            raise NotFound(f"the report of {inspection_id} has {history.stream.version} lifecycle steps")
        as_at = history.occurred(at_step)
    report = await lifecycle_of(store, inspection_id, as_at)
    content_as_at = report.final_at() or as_at
    events = await events_of(db, inspection_id, content_as_at)
    if as_at is not None and not any(isinstance(e, InspectionScheduled) for e in events):
        if await db[SOURCES].find_one({"inspection_id": inspection_id}) is None:
            raise NotFound(f"no events of inspection {inspection_id} have reached the reporting service")
        raise RuleViolation(
            f"inspection {inspection_id} did not exist yet at {as_at.isoformat()}", AS_AT_RULE
        )
    inspection = known(inspection_id, events)
    content = documents.render_report(events, fmt, as_at=content_as_at)
    await _link_last_change(db, inspection_id, content_as_at)
    return Rendered(
        content=content,
        media_type=documents.MEDIA_TYPES[fmt],
        status=report.state.status(inspection.inspectorates),
        content_as_at=content_as_at,
        checksum=checksum(content),
    )


async def _link_last_change(db: AsyncDatabase[Document], inspection_id: str, as_at: datetime | None) -> None:
    """Link the request's span to the trace of the latest event in the document, so a trace UI leads
    from a rendered document to the command that last changed it (and on through every service)."""
    until = {"envelope.occurred_at": {"$lte": stamp(as_at)}} if as_at else {}
    last = await db[SOURCES].find_one(
        {"inspection_id": inspection_id, **until}, {"trace": 1}, sort=[("envelope.occurred_at", -1)]
    )
    change = trace.get_current_span(context_from((last or {}).get("trace", {}))).get_span_context()
    if change.is_valid:
        trace.get_current_span().add_link(change, {"jip.link": "last change to the document"})


class LifecycleView(BaseModel):
    inspection_id: str
    kind: str
    status: lifecycle.Status
    draft: int | None
    quality_assured: bool
    agreed: list[Inspectorate]
    awaiting_agreement: list[Inspectorate]
    sent: ReportSentToLscb | None
    response: FactualAccuracyResponseReceived | None
    decisions: list[FactualAccuracyPointDecided]
    undecided: list[int]
    final_checksum: str | None
    published: list[ReportPublished]
    action_plan: ActionPlanRequested | None
    action_plan_received: ActionPlanReceived | None
    progress: list[ActionPlanProgressRecorded]
    history: list[Envelope]
    checksum: str  # of the Markdown rendered from the log now (what a step would apply to)
    version: int


async def lifecycle_view(store: EventStore, db: AsyncDatabase[Document], inspection_id: str) -> LifecycleView:
    events = await events_of(db, inspection_id)
    inspection = known(inspection_id, events)
    report = await lifecycle_of(store, inspection_id)
    return _lifecycle_view(inspection, report, checksum(documents.render_report(events, Format.MARKDOWN)))


def _lifecycle_view(inspection: Inspection, report: Lifecycle, now: str) -> LifecycleView:
    state = report.state
    return LifecycleView(
        inspection_id=inspection.inspection_id,
        kind=inspection.programme.report.kind,
        status=state.status(inspection.inspectorates),
        draft=state.draft.draft if state.draft else None,
        quality_assured=state.quality_assured,
        agreed=list(state.agreed),
        awaiting_agreement=[i for i in inspection.inspectorates if i not in state.agreed]
        if state.draft
        else [],
        sent=state.sent,
        response=state.response,
        decisions=list(state.decisions.values()),
        undecided=state.undecided(),
        final_checksum=state.final.checksum if state.final else None,
        published=list(state.published),
        action_plan=state.action_plan,
        action_plan_received=state.plan_received,
        progress=list(state.progress),
        history=report.stream.envelopes,
        checksum=now,
        version=report.stream.version,
    )


Make = Callable[[lifecycle.Context, Sequence[Event]], lifecycle.Command]


async def step(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    make: Make,
    context: CommandContext,
    expected_version: int | None = None,
    chair: Principal | None = None,
) -> LifecycleView:
    """Decide one lifecycle step on the report as rendered from the log now; `make` builds the command
    from the step's context and the inspection's events (e.g. the LSCB register among them). A `chair`
    acts only on the reports of their own area."""
    events = await events_of(db, inspection_id)
    inspection = known(inspection_id, events)
    if chair is not None:
        check(chair, of_inspection(inspection))
    markdown = documents.render_report(events, Format.MARKDOWN)
    ctx = lifecycle.Context(
        inspection, context.actor.inspectorate, checksum(markdown), inspection.programme.report.kind
    )
    await execute(
        store,
        lifecycle.report,
        lifecycle.stream_id(inspection_id),
        make(ctx, events),
        context,
        expected_version=expected_version,
    )
    return _lifecycle_view(inspection, await lifecycle_of(store, inspection_id), ctx.checksum)


class DocumentEntry(BaseModel):
    document: str  # its path on this service
    kind: str
    inspection_id: str | None
    round_id: str | None
    local_area: str | None
    status: lifecycle.Status | None  # an overview has no lifecycle


async def listing(
    store: EventStore, db: AsyncDatabase[Document], reader: Principal | None = None
) -> list[DocumentEntry]:
    """Every document reporting can render, or those `reader` may read: each inspection's report, and each
    round's overview where the programme publishes one (001 Proposal four)."""
    entries: list[DocumentEntry] = []
    rounds: dict[str, str] = {}
    joined: dict[str, list[Event]] = {}
    for event in await _decoded(db[SOURCES].find({"event_type": InspectorateJoined.event_type}).sort(ORDER)):
        assert isinstance(event, InspectorateJoined)
        joined.setdefault(event.inspection_id, []).append(event)
    cursor = (
        db[SOURCES]
        .find({"event_type": InspectionScheduled.event_type})
        .sort("envelope.occurred_at", ASCENDING)
    )
    async for doc in cursor:
        scheduled = CATALOGUE.decode(Envelope.model_validate(doc["envelope"]))
        assert isinstance(scheduled, InspectionScheduled)
        inspection = known(scheduled.inspection_id, [scheduled, *joined.get(scheduled.inspection_id, [])])
        if reader is not None and not may_read(reader, of_inspection(inspection)):
            continue
        programme = catalogue()[scheduled.programme]
        report = await lifecycle_of(store, scheduled.inspection_id)
        entries.append(
            DocumentEntry(
                document=f"/inspections/{scheduled.inspection_id}/report",
                kind=programme.report.kind,
                inspection_id=scheduled.inspection_id,
                round_id=scheduled.round_id,
                local_area=scheduled.local_area,
                status=report.state.status(tuple(scheduled.inspectorates)),
            )
        )
        if scheduled.round_id and programme.report.overview_per_round:
            rounds.setdefault(scheduled.round_id, programme.id)
    entries += [
        DocumentEntry(
            document=f"/rounds/{round_id}/overview",
            kind="overview",
            inspection_id=None,
            round_id=round_id,
            local_area=None,
            status=None,
        )
        for round_id in rounds
    ]
    return entries


async def overview(
    store: EventStore,
    db: AsyncDatabase[Document],
    round_id: str,
    fmt: Format,
    as_at: datetime | None = None,
    reader: Principal | None = None,
) -> Rendered:
    """The round's overview: the inspections of the round whose report was final by `as_at`, each as
    published. A `reader` reads it if they may read one of the round's inspections."""
    cursor = db[SOURCES].find({"event_type": InspectionScheduled.event_type, "round_id": round_id})
    ids = sorted({doc["inspection_id"] async for doc in cursor})
    if not ids:
        raise NotFound(f"no inspection of round {round_id} has reached the reporting service")
    if reader is not None:
        parts = [of_inspection(await _participation(db, i)) for i in ids]
        if not any(may_read(reader, part) for part in parts):
            raise Forbidden(
                f"{reader.inspectorate} takes part in no inspection of round {round_id}: its overview is "
                "read by the inspectorates taking part in the round and by auditors",
                READ_RULE,
            )
    included: list[list[Event]] = []
    for inspection_id in ids:
        final_at = (await lifecycle_of(store, inspection_id, as_at)).final_at()
        if final_at is not None:
            included.append(await events_of(db, inspection_id, final_at))
    content = documents.render_overview(round_id, included, fmt, as_at=as_at)
    return Rendered(
        content=content,
        media_type=documents.MEDIA_TYPES[fmt],
        status=lifecycle.Status.LIVE,
        content_as_at=as_at,
        checksum=checksum(content),
    )
