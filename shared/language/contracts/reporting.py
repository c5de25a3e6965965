"""Events of the reporting context, published on jip.reporting.events: each inspection's report through
its lifecycle (001 Proposal four), on the stream `report-{inspection_id}`.

The report's content is never stored: it is rendered from the event log. Each step records the
checksum (sha256 of the Markdown) of the content it applies to, so that a rebuild can prove it renders
the same bytes: the draft, its quality assurance and agreements, the version sent for factual accuracy,
each accepted correction, the final report and each publication. A published report corrected later
keeps its first edition: that edition's final and publications stay in the log with their checksums."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency, Reason, ShortText, Text
from shared.mechanics.catalogue import InspectionEvent, Upcaster
from shared.mechanics.envelope import Inspectorate

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


class ReportSentForFactualAccuracy(InspectionEvent):
    """The agreed draft went to whoever the programme says coordinates the one factual-accuracy response
    for the area (`report.draft_to`): the chair of the LSCB, its business manager in the chair's absence
    (001 Proposal four), or an agency's senior leader where no LSCB is in the programme's scope (003), with
    `copied_to` the other agencies' senior leaders who receive the draft too."""

    event_type = "reporting.ReportSentForFactualAccuracy"

    draft: Annotated[int, Field(ge=1)]
    recipient: Recipient
    agency: Agency | None  # whose senior leader, for agency_senior_leader
    addressee: ShortText  # by name: from the LSCB's register, or as the lead inspectorate named them
    copied_to: list[Agency]
    checksum: Checksum


# No longer written (ReportSentForFactualAccuracy is, since who receives the draft is programme data): kept
# so that logs written before still load; readers treat it as a ReportSentForFactualAccuracy to the office.
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


def _decided_on_what(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: a v1 decision did not record the content it was taken on; it reads as null, so an accepted
    point of v1 vouches for no change of content (001 Proposal four: all inspectorates agree the letter)."""
    return {**payload, "checksum": payload.get("checksum")}


class FactualAccuracyPointDecided(InspectionEvent):
    """The lead inspectorate decided one point of the response. Version 2 records the checksum of the
    report when the point was decided: an accepted point is decided once its correction is in the log, so
    that the corrected report can be made final without another round of agreement; null in version 1."""

    event_type = "reporting.FactualAccuracyPointDecided"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _decided_on_what}

    point: PointId
    decision: Decision
    reason: Reason  # what was corrected, or why not
    checksum: Checksum | None  # of the report as decided; null in version 1


class ReportFinalised(InspectionEvent):
    """The final report: its content is the log as at this event, whatever happens later."""

    event_type = "reporting.ReportFinalised"

    checksum: Checksum


class ReportPublished(InspectionEvent):
    """One inspectorate published the final report on its website (001 Proposal four)."""

    event_type = "reporting.ReportPublished"

    inspectorate: Inspectorate
    checksum: Checksum


class ReportCorrectionOpened(InspectionEvent):
    """The published report is to be corrected: something it reports changed after publication (a
    judgement revised, say). The correction is edition `edition` of the report; it is drafted, agreed by
    every inspectorate taking part, made final and published again, and says what changed and when. The
    edition it corrects stays as published: its final and publications keep their checksums."""

    event_type = "reporting.ReportCorrectionOpened"

    edition: Annotated[int, Field(ge=2)]
    corrects: Checksum  # the published edition it corrects
    reason: Reason  # what changed, and when
    on: date  # the day the correction was opened, as the document says it


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
    ReportSentForFactualAccuracy,
    ReportSentToLscb,
    FactualAccuracyResponseReceived,
    FactualAccuracyPointDecided,
    ReportFinalised,
    ReportPublished,
    ReportCorrectionOpened,
    ActionPlanRequested,
    ActionPlanReceived,
    ActionPlanProgressRecorded,
)
