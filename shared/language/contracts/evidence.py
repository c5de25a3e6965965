"""Events of the evidence context, published on jip.evidence.events.

Three kinds of stream, each with its own version for optimistic concurrency:
- `evidence-item-{id}`: one evidence item, then its amendments and its withdrawal;
- `evidence-file-{inspection_id}`: the inspection's case samples and the close of evidence gathering;
- `line-of-enquiry-{id}`: one line of enquiry, its answers and its conclusion.
docs/evidence-events.md says what each event means to the services and systems that consume it.

Text about a child's case (an item's summary, a sample's reason, a line of enquiry's question, answers
and conclusion) is sealed to the case's key (shared/language/subjects.py) from version 2 of these events on:
it is a `Sealed` object where the text is about a case, and plain text where no child is its subject.
`CaseErased` records that a case's key was destroyed: its text reads "[erased]" from then on."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from shared.language.contracts.vocabulary import AboutCases, Agency, CaseReference, CaseText, ItemId, Reason
from shared.language.subjects import Held
from shared.mechanics.catalogue import InspectionEvent, Upcaster
from shared.mechanics.envelope import Identifier, Inspectorate

# A criterion of the programme: paragraph and letter, e.g. "68q" for 004 §68 q.
CriterionId = Annotated[str, Field(pattern=r"^\d{1,3}[a-z]$")]
Criteria = Annotated[list[CriterionId], Field(max_length=20)]
AreaId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
# The shared case sample all inspectorates track together (002 §43), or one inspectorate's own (002 §44).
Sample = Literal["shared"] | Inspectorate


class Activity(StrEnum):
    """How the evidence was gathered (001 Proposal three; 002 §40-48; 004 §35)."""

    CASE_TRACKING = "case_tracking"  # one child's journey end to end, across agencies
    CASE_SAMPLING = "case_sampling"  # one point in many children's journeys
    PRACTICE_OBSERVATION = "practice_observation"
    MEETING_OBSERVATION = "meeting_observation"  # names the meeting observed
    DISCUSSION_WITH_CHILD = "discussion_with_child"
    DISCUSSION_WITH_FAMILY = "discussion_with_family"
    DISCUSSION_WITH_PRACTITIONER = "discussion_with_practitioner"
    DISCUSSION_WITH_MANAGER = "discussion_with_manager"
    CASE_AUDIT = "case_audit"
    JOINT_AUDIT = "joint_audit"  # the area's joint audit of the deep-dive cases during notice (001)
    PERFORMANCE_DATA = "performance_data"


# Activities that look at one child's case, so name it; performance data is about no single case.
ABOUT_A_CASE = frozenset(
    {
        Activity.CASE_TRACKING,
        Activity.CASE_SAMPLING,
        Activity.DISCUSSION_WITH_CHILD,
        Activity.DISCUSSION_WITH_FAMILY,
        Activity.CASE_AUDIT,
        Activity.JOINT_AUDIT,
    }
)


class Meeting(StrEnum):
    """Multi-agency meetings inspectors observe (002 §40; 001 Proposal three)."""

    STRATEGY_MEETING = "strategy_meeting"
    CHILD_PROTECTION_CONFERENCE = "child_protection_conference"
    MARAC = "marac"  # multi-agency risk assessment conference
    MAPPA = "mappa"  # multi-agency public protection arrangements meeting


class Bearing(StrEnum):
    """What the item shows (004 §24: strengths, weaknesses and areas for improvement)."""

    STRENGTH = "strength"
    WEAKNESS = "weakness"
    AREA_FOR_IMPROVEMENT = "area_for_improvement"


class ItemFacts(AboutCases):
    """An evidence item's details but its summary: the same whether the summary is plain or sealed."""

    agency: Agency  # who it is about: an inspected agency, the LSCB or the partnership as a whole
    activity: Activity
    meeting: Meeting | None = None  # the meeting observed, for a meeting observation
    judgement_area: AreaId  # an area of the inspection's programme
    criteria: Criteria = Field(default_factory=list)  # of the programme, e.g. ["68q"]
    bearing: Bearing
    case_reference: CaseReference | None = None  # pseudonymous, as the area issues it

    @model_validator(mode="after")
    def _consistent(self) -> ItemFacts:
        if (self.activity is Activity.MEETING_OBSERVATION) != (self.meeting is not None):
            raise ValueError("meeting: name the meeting observed for a meeting_observation, and only then")
        if self.activity in ABOUT_A_CASE and self.case_reference is None:
            raise ValueError(
                f"case_reference: {self.activity} evidence is about one case: give its reference"
            )
        if self.activity is Activity.PERFORMANCE_DATA and self.case_reference is not None:
            raise ValueError("case_reference: performance data is about no single case")
        if len(set(self.criteria)) != len(self.criteria):
            raise ValueError("criteria: each criterion once")
        return self


def _text_may_be_sealed(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: version 2 seals text about a case; a v1 payload's text is plain, as v2 allows."""
    return payload


SEALED_FROM_V2: Mapping[int, Upcaster] = {1: _text_may_be_sealed}


class EvidenceDetails(ItemFacts):
    """What an inspector records about an evidence item, as the API asks for it."""

    summary: CaseText  # the inspector's account


class HeldDetails(ItemFacts):
    """An item's details as the events carry them and read models hold them: the summary sealed to the
    item's case (plain for performance data, which is about no case)."""

    summary: Held[CaseText]


class EvidenceItemRecorded(InspectionEvent, HeldDetails):
    event_type = "evidence.EvidenceItemRecorded"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    evidence_item_id: ItemId
    inspectorate: Inspectorate  # the recording inspector's own
    inspector: Identifier  # the recording inspector's user id


class EvidenceItemAmended(InspectionEvent, HeldDetails):
    """A correction: the item as it now stands, replacing every detail; earlier versions stay in the log."""

    event_type = "evidence.EvidenceItemAmended"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    evidence_item_id: ItemId
    inspectorate: Inspectorate
    inspector: Identifier
    reason: Reason


def details_of(event: EvidenceItemRecorded | EvidenceItemAmended) -> HeldDetails:
    """The item's details as the event gives them."""
    return HeldDetails.model_validate(event.model_dump(include=set(HeldDetails.model_fields)))


def amended(item: EvidenceItemRecorded, amendment: EvidenceItemAmended) -> EvidenceItemRecorded:
    """The item with the amendment's corrected details (who recorded it does not change)."""
    return item.model_copy(update=dict(details_of(amendment)))


class EvidenceItemWithdrawn(InspectionEvent):
    """The item no longer counts: judgements, triangulation and reports leave it out from now on."""

    event_type = "evidence.EvidenceItemWithdrawn"

    evidence_item_id: ItemId
    inspectorate: Inspectorate
    inspector: Identifier
    reason: Reason


class SampleCaseAdded(InspectionEvent):
    event_type = "evidence.SampleCaseAdded"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    sample: Sample
    case_reference: CaseReference
    added_by: Inspectorate
    reason: Held[Reason]  # why this child: e.g. the stage of the journey or the deep-dive cohort (002 §41)


class SampleCaseRemoved(InspectionEvent):
    event_type = "evidence.SampleCaseRemoved"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    sample: Sample
    case_reference: CaseReference
    removed_by: Inspectorate
    reason: Held[Reason]


class EvidenceGatheringClosed(InspectionEvent):
    """The lead inspectorate closes the evidence: no item is recorded, amended or withdrawn after it."""

    event_type = "evidence.EvidenceGatheringClosed"

    closed_by: Inspectorate
    reason: Reason


class LineOfEnquiryRaised(InspectionEvent):
    """Raised by one inspectorate about an agency or a case; every participating inspectorate sees it."""

    event_type = "evidence.LineOfEnquiryRaised"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    line_id: ItemId
    raised_by: Inspectorate
    agency: Agency
    case_reference: CaseReference | None = None
    criteria: Criteria = Field(default_factory=list)
    question: Held[CaseText]  # sealed to the case, for a line about one


class LineOfEnquiryAnswered(InspectionEvent):
    event_type = "evidence.LineOfEnquiryAnswered"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    line_id: ItemId
    answered_by: Inspectorate
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1, max_length=100)]
    answer: Held[CaseText]  # sealed to the line's case, for a line about one


class LineOfEnquiryClosed(InspectionEvent):
    event_type = "evidence.LineOfEnquiryClosed"
    schema_version = 2
    upcasters = SEALED_FROM_V2

    line_id: ItemId
    closed_by: Inspectorate
    conclusion: Held[CaseText]


class ErasureBasis(StrEnum):
    """Why a case's text was erased (UK GDPR Art. 17): never free text, which could itself be personal."""

    SUBJECT_REQUEST = "subject_request"  # the child or someone acting for them asked
    NO_LONGER_NEEDED = "no_longer_needed"  # the retention period ended
    UNLAWFULLY_HELD = "unlawfully_held"  # it should never have been recorded
    LEGAL_OBLIGATION = "legal_obligation"  # a court or the regulator ordered it


class CaseErased(InspectionEvent):
    """The key of one case of the inspection was destroyed: every text sealed to it, in this log and in
    every copy, reads "[erased]" from now on; nothing more is recorded about the case. Appended to the
    inspection's evidence file after the key is gone."""

    event_type = "evidence.CaseErased"

    case_reference: CaseReference
    erased_by: Inspectorate
    basis: ErasureBasis


EVIDENCE_EVENTS: tuple[type[InspectionEvent], ...] = (
    EvidenceItemRecorded,
    EvidenceItemAmended,
    EvidenceItemWithdrawn,
    SampleCaseAdded,
    SampleCaseRemoved,
    EvidenceGatheringClosed,
    LineOfEnquiryRaised,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    CaseErased,
)
