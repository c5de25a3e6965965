"""Reporting's queries and their answers: documents rendered from the events reporting holds, as at any
time, and where a report stands (every step, to whom the draft went, the response and its decisions, each
edition as published, and the action plan). A document served is marked with where its lifecycle stands
(`issue`: a draft on every page, or final with its date of issue and next steps); the lifecycle's steps
apply to its content alone, by checksum."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from opentelemetry import trace
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    ReportFinalised,
    ReportPublished,
    ReportSentForFactualAccuracy,
    ReportSentToLscb,
)
from shared.language.contracts.scheduling import InspectionScheduled, Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Envelope, Inspectorate
from shared.mechanics.errors import Forbidden, NotFound, RuleViolation
from shared.mechanics.eventstore import StreamStore
from shared.mechanics.mongo import Document
from shared.mechanics.telemetry import context_from
from shared.views.inspections import Inspection

from .domain import lifecycle
from .projections import SOURCES
from .reading import (
    Kept,
    checksum,
    content_of,
    events_of,
    kept_of,
    known,
    lifecycle_of,
    marking,
    participation,
)
from .rendering import documents
from .rendering.documents import Format
from .rendering.issue import issue_of

AS_AT_RULE = "reporting: a document exists from the moment its inspection was scheduled"


class SentView(BaseModel):
    """To whom the agreed draft went for the one factual-accuracy response (the programme's
    `report.draft_to`), and the checksum of what was sent."""

    draft: int
    recipient: Recipient  # lscb_chair, lscb_business_manager or agency_senior_leader
    agency: Agency | None  # whose senior leader
    addressee: str  # by name
    office: str  # chair, business_manager or senior_leader
    to: str  # "Dr Jo Reed, chair of the LSCB"
    copied_to: list[Agency]  # other senior leaders who received the draft with it
    checksum: str


class EditionView(BaseModel):
    """One published edition of the report: the first, or a correction, with what changed and when."""

    edition: int
    final_checksum: str
    published: list[ReportPublished]
    correction: str | None  # what changed (None for the first edition)
    corrected_on: date | None


class LifecycleView(BaseModel):
    inspection_id: str
    kind: str
    status: lifecycle.Status
    edition: int  # 1, or the correction under way or made
    correction: str | None  # what the current edition corrects, and when
    draft: int | None
    quality_assured: bool
    agreed: list[Inspectorate]
    awaiting_agreement: list[Inspectorate]
    sent: SentView | None
    response: FactualAccuracyResponseReceived | None
    decisions: list[FactualAccuracyPointDecided]
    undecided: list[int]
    approved_checksum: str | None  # what every inspectorate stands behind since the draft was sent
    agreed_as_it_stands: list[Inspectorate]  # since sending: who agreed the report as it now stands
    final_checksum: str | None
    published: list[ReportPublished]
    editions: list[EditionView]  # the earlier editions, each as published
    action_plan: ActionPlanRequested | None
    action_plan_received: ActionPlanReceived | None
    progress: list[ActionPlanProgressRecorded]
    history: list[Envelope]
    checksum: str  # of the Markdown rendered from the log now (what a step would apply to)
    version: int


def sent_view(sent: lifecycle.Sent | None) -> SentView | None:
    if sent is None:
        return None
    return SentView(
        draft=sent.draft,
        recipient=sent.recipient,
        agency=sent.agency,
        addressee=sent.addressee,
        office=sent.office,
        to=sent.to(),
        copied_to=list(sent.copied_to),
        checksum=sent.checksum,
    )


def edition_view(edition: lifecycle.Edition) -> EditionView:
    opened = edition.opened_by
    return EditionView(
        edition=edition.number,
        final_checksum=edition.final.checksum,
        published=list(edition.published),
        correction=opened.reason if opened else None,
        corrected_on=opened.on if opened else None,
    )


def lifecycle_view(
    inspection: Inspection, state: lifecycle.Report, history: list[Envelope], version: int, now: str
) -> LifecycleView:
    taking_part = inspection.inspectorates
    return LifecycleView(
        inspection_id=inspection.inspection_id,
        kind=inspection.programme.report.kind,
        status=state.status(taking_part),
        edition=state.edition,
        correction=state.correction.reason if state.correction else None,
        draft=state.draft.draft if state.draft else None,
        quality_assured=state.quality_assured,
        agreed=list(state.agreed),
        awaiting_agreement=[i for i in taking_part if i not in state.agreed] if state.draft else [],
        sent=sent_view(state.sent),
        response=state.response,
        decisions=list(state.decisions.values()),
        undecided=state.undecided(),
        approved_checksum=state.approved(taking_part),
        agreed_as_it_stands=sorted(state.agreed_again(now), key=list(taking_part).index),
        final_checksum=state.final.checksum if state.final else None,
        published=list(state.published),
        editions=[edition_view(e) for e in state.editions],
        action_plan=state.action_plan,
        action_plan_received=state.plan_received,
        progress=list(state.progress),
        history=history,
        checksum=now,
        version=version,
    )


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    status: lifecycle.Status
    content_as_at: datetime | None  # the log it was rendered from: up to this time; None for all of it
    checksum: str
    edition: int = 1  # of the report: 2 and on are corrections


async def render(
    store: StreamStore,
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
    held = await kept_of(db, inspection_id, content_as_at)
    events = [event for _, event in held]
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
    _link_last_change([k for k, _ in held if k.envelope.inspection_id == inspection_id])
    return Rendered(
        content=content,
        media_type=documents.MEDIA_TYPES[fmt],
        status=report.state.status(inspection.inspectorates),
        content_as_at=content_as_at,
        checksum=agreed,
        edition=report.state.edition,
    )


async def _sent_to_partnership(
    store: StreamStore, db: AsyncDatabase[Document], inspection_id: str, asked: Sequence[object]
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


def _link_last_change(held: Sequence[Kept]) -> None:
    """Link the request's span to the trace of the latest event in the document (of those `held` of its
    inspection), so a trace UI leads from a rendered document to the command that last changed it (and on
    through every service)."""
    last = max(held, key=lambda k: k.envelope.occurred_at, default=None)
    change = trace.get_current_span(context_from(last.trace if last else {})).get_span_context()
    if change.is_valid:
        trace.get_current_span().add_link(change, {"jip.link": "last change to the document"})


async def report_lifecycle(
    store: StreamStore, db: AsyncDatabase[Document], inspection_id: str, partnership: bool = False
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
    return lifecycle_view(inspection, report.state, report.stream.envelopes, report.stream.version, now)
