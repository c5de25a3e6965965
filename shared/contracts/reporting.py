"""Events of the reporting context, published on jip.reporting.events: each inspection's report through
its lifecycle (001 Proposal four), on the stream `report-{inspection_id}`.

The report's content is never stored: it is rendered from the event log. Each step records the
checksum (sha256 of the Markdown) of the content it applies to, so that a rebuild can prove it renders
the same bytes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.catalogue import InspectionEvent
from shared.contracts.vocabulary import Agency, Reason, ShortText, Text
from shared.envelope import Inspectorate

Checksum = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
PointId = Annotated[int, Field(ge=1)]


class ReportDrafted(InspectionEvent):
    """A draft of the report: the lead inspectorate's, numbered; a new draft needs quality assurance and
    every agreement afresh."""

    event_type = "reporting.ReportDrafted"

    draft: Annotated[int, Field(ge=1)]
    kind: ShortText  # the programme's report kind, e.g. findings_letter
    checksum: Checksum


class ReportQualityAssured(InspectionEvent):
    """Ofsted, as the lead inspectorate, quality-assured the draft (001 Proposal four)."""

    event_type = "reporting.ReportQualityAssured"

    draft: Annotated[int, Field(ge=1)]
    checksum: Checksum


class ReportAgreed(InspectionEvent):
    """One inspectorate taking part agreed the quality-assured draft."""

    event_type = "reporting.ReportAgreed"

    draft: Annotated[int, Field(ge=1)]
    inspectorate: Inspectorate
    checksum: Checksum


class ReportSentToLscb(InspectionEvent):
    """The agreed draft went to the chair of the LSCB (its business manager in the chair's absence), to
    coordinate one factual-accuracy response for the partnership (001 Proposal four)."""

    event_type = "reporting.ReportSentToLscb"

    draft: Annotated[int, Field(ge=1)]
    addressee: ShortText
    office: ShortText  # chair or business_manager
    checksum: Checksum


class Point(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    point: PointId
    section: ShortText | None = None  # where in the draft
    text: Text  # what the partnership says is inaccurate


class FactualAccuracyResponseReceived(InspectionEvent):
    """The one coordinated response of the partnership, point by point."""

    event_type = "reporting.FactualAccuracyResponseReceived"

    responder: ShortText
    points: list[Point]


class Decision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class FactualAccuracyPointDecided(InspectionEvent):
    event_type = "reporting.FactualAccuracyPointDecided"

    point: PointId
    decision: Decision
    reason: Reason  # what was corrected, or why not


class ReportFinalised(InspectionEvent):
    """The final report: its content is the log as at this event, whatever happens later."""

    event_type = "reporting.ReportFinalised"

    checksum: Checksum


class ReportPublished(InspectionEvent):
    """One inspectorate published the final report on its website (001 Proposal four)."""

    event_type = "reporting.ReportPublished"

    inspectorate: Inspectorate
    checksum: Checksum


class ActionPlanRequested(InspectionEvent):
    """Ofsted determines who leads the post-inspection action plan, with the other agencies (001)."""

    event_type = "reporting.ActionPlanRequested"

    led_by: Agency
    due_on: date


class ActionPlanReceived(InspectionEvent):
    event_type = "reporting.ActionPlanReceived"

    received_on: date


class ActionPlanProgressRecorded(InspectionEvent):
    event_type = "reporting.ActionPlanProgressRecorded"

    on: date
    note: Text


REPORTING_EVENTS: tuple[type[InspectionEvent], ...] = (
    ReportDrafted,
    ReportQualityAssured,
    ReportAgreed,
    ReportSentToLscb,
    FactualAccuracyResponseReceived,
    FactualAccuracyPointDecided,
    ReportFinalised,
    ReportPublished,
    ActionPlanRequested,
    ActionPlanReceived,
    ActionPlanProgressRecorded,
)
