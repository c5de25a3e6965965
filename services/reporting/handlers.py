"""Reporting's queries and commands: documents rendered from the events reporting holds, as at any time,
and each report's lifecycle (its own events). A document served is marked with where its lifecycle stands
(`issue`: a draft on every page, or final with its date of issue and next steps); the lifecycle's steps
apply to its content alone, by checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from opentelemetry import trace
from pymongo import ASCENDING
from pymongo.asynchronous.cursor import AsyncCursor
from pymongo.asynchronous.database import AsyncDatabase

from shared import inspections
from shared.auth import Principal
from shared.catalogue import Event
from shared.clock import CLOCK
from shared.contracts import CATALOGUE
from shared.contracts.reporting import (
    ReportCorrectionOpened,
    ReportFinalised,
    ReportSentForFactualAccuracy,
    ReportSentToLscb,
)
from shared.contracts.scheduling import (
    InspectionScheduled,
    InspectorAssigned,
    InspectorRegistered,
)
from shared.decider import execute
from shared.envelope import Envelope, stamp
from shared.errors import Forbidden, NotFound, RuleViolation
from shared.eventstore import CommandContext, EventStore, Stream
from shared.inspections import Inspection
from shared.mongo import Document
from shared.runtime import Service
from shared.taking_part import TakingPart, check, of_inspection
from shared.telemetry import context_from
from shared.workdays import today_in_england

from .domain import lifecycle, readiness
from .projections import SOURCES
from .rendering import documents
from .rendering.documents import Format
from .rendering.issue import issue_of
from .views import LifecycleView
from .views import lifecycle_view as view_of

ORDER = [("stream_id", ASCENDING), ("stream_version", ASCENDING)]
AS_AT_RULE = "reporting: a document exists from the moment its inspection was scheduled"


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
    """The inspection as the events say (shared/inspections.py): programme, agencies, who takes part,
    cancelled."""
    inspection = inspections.fold(inspection_id, events)
    if inspection is None:
        raise NotFound(f"no events of inspection {inspection_id} have reached the reporting service")
    return inspection


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
    edition: int = 1  # of the report: 2 and on are corrections


async def render(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    fmt: Format,
    *,
    as_at: datetime | None = None,
    at_step: int | None = None,
    edition: int | None = None,
    partnership: bool = False,
) -> Rendered:
    """The report as it stands, as it stood at `as_at`, at the lifecycle step numbered `at_step`, or as
    its `edition` was made final. A final report is the log as at its finalisation, whatever came after.
    The `partnership` (the LSCB chair) reads only what was sent to it, as it was sent, and then the last
    edition made final: nothing before the draft is sent (001 Proposal four)."""
    if partnership:
        as_at = await _sent_to_partnership(store, db, inspection_id, (as_at, at_step, edition))
    elif at_step is not None:
        history = await lifecycle_of(store, inspection_id)
        if not 1 <= at_step <= history.stream.version:
            raise NotFound(f"the report of {inspection_id} has {history.stream.version} lifecycle steps")
        as_at = history.occurred(at_step)
    elif edition is not None:
        finals = (await lifecycle_of(store, inspection_id)).last(ReportFinalised)
        if not 1 <= edition <= len(finals):
            raise NotFound(f"the report of {inspection_id} has {len(finals)} edition(s) made final")
        as_at = finals[edition - 1]
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
    issue = issue_of(
        report.state,
        inspection.inspectorates,
        inspection.programme.participation.lead_inspectorate,
        report.final_at(),
    )
    made_of = content_of(events, report.state)
    content = documents.render_report(
        made_of, fmt, as_at=content_as_at, rehearsal=marking(content_as_at), issue=issue
    )
    # The checksum the lifecycle's steps record: of the content the inspectorates agree, in Markdown,
    # without what says where the document stands (a rehearsal's or a draft's marking, a final one's date
    # of issue and next steps), in whatever format it is read.
    agreed = checksum(documents.render_report(made_of, Format.MARKDOWN))
    await _link_last_change(db, inspection_id, content_as_at)
    return Rendered(
        content=content,
        media_type=documents.MEDIA_TYPES[fmt],
        status=report.state.status(inspection.inspectorates),
        content_as_at=content_as_at,
        checksum=agreed,
        edition=report.state.edition,
    )


def content_of(events: Sequence[Event], state: lifecycle.Report) -> list[Event]:
    """What a report is rendered from: the inspection's events, and what opened each correction of it
    (its document says what changed and when)."""
    return [*events, *state.corrections()]


async def _sent_to_partnership(
    store: EventStore, db: AsyncDatabase[Document], inspection_id: str, asked: Sequence[object]
) -> datetime:
    """The moment whose report the partnership reads: its last edition made final; before that, the draft
    as it was sent to it; before that, nothing."""
    rules = (await participation(db, inspection_id)).programme.report
    if any(a is not None for a in asked):
        raise Forbidden(
            "the partnership reads the report as it was sent to it and as it was made final, not as it "
            "stood at another time",
            rules.draft_to.source,
        )
    history = await lifecycle_of(store, inspection_id)
    moments = history.last(ReportFinalised) or history.last(ReportSentForFactualAccuracy, ReportSentToLscb)
    if not moments:
        raise Forbidden(
            "nothing has been sent to the partnership yet: it reads the draft once every inspectorate taking "
            "part has agreed it and it is sent for factual accuracy",
            rules.agreement,
        )
    return moments[-1]


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


async def lifecycle_view(
    store: EventStore, db: AsyncDatabase[Document], inspection_id: str, partnership: bool = False
) -> LifecycleView:
    """Where the report stands; for the `partnership`, once the draft has been sent to it."""
    events = await events_of(db, inspection_id)
    inspection = known(inspection_id, events)
    report = await lifecycle_of(store, inspection_id)
    if partnership and report.state.sent is None:
        raise Forbidden(
            "nothing has been sent to the partnership yet: it follows the report once the draft is sent",
            inspection.programme.report.agreement,
        )
    now = checksum(documents.render_report(content_of(events, report.state), Format.MARKDOWN))
    return view_of(inspection, report.state, report.stream.envelopes, report.stream.version, now)


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
    acts only on the reports of their own area. The step knows the day (the platform's clock), the
    fieldwork, and what the report lacks, as it stands and as it was made final."""
    events = await events_of(db, inspection_id)
    inspection = known(inspection_id, events)
    if chair is not None:
        check(chair, of_inspection(inspection))
    programme = inspection.programme
    current = await lifecycle_of(store, inspection_id)
    state = current.state
    today = today_in_england()
    final_at = current.final_at()
    at_final = await events_of(db, inspection_id, final_at) if final_at is not None else None
    ends, feedback = readiness.fieldwork(events)
    ready = readiness.Readiness(
        today=today,
        fieldwork_ends=ends,
        feedback_on=feedback,
        missing=tuple(readiness.missing(programme, events)),
        missing_at_final=tuple(readiness.missing(programme, at_final)) if at_final is not None else (),
    )
    content = content_of(events, state)
    ctx = lifecycle.Context(
        inspection,
        context.actor.inspectorate,
        checksum(documents.render_report(content, Format.MARKDOWN)),
        programme.report.kind,
        ready,
    )
    command = make(ctx, events)
    if isinstance(command, lifecycle.Draft) and command.correction and state.final is not None:
        # A correction's draft is the report with what opened it: its document says what changed.
        opened = ReportCorrectionOpened(
            inspection_id=inspection_id,
            edition=state.edition + 1,
            corrects=state.final.checksum,
            reason=command.correction,
            on=today,
        )
        markdown = documents.render_report([*content, opened], Format.MARKDOWN)
        command = replace(
            command, context=replace(ctx, checksum=checksum(markdown)), changed_from=ctx.checksum
        )
        ctx = command.context
    await execute(
        store,
        lifecycle.report,
        lifecycle.stream_id(inspection_id),
        command,
        context,
        expected_version=expected_version,
    )
    after = await lifecycle_of(store, inspection_id)
    return view_of(inspection, after.state, after.stream.envelopes, after.stream.version, ctx.checksum)
