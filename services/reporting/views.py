"""Where a report stands, as the API answers it: every step, to whom the draft went, the response and its
decisions, each edition as published, and the action plan."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from shared.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    ReportPublished,
)
from shared.contracts.scheduling import Recipient
from shared.contracts.vocabulary import Agency
from shared.envelope import Envelope, Inspectorate
from shared.inspections import Inspection

from .domain import lifecycle


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
