"""Events of the evidence context, published on jip.evidence.events."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from shared.catalogue import InspectionEvent
from shared.contracts.vocabulary import Agency, CaseReference, ItemId, ShortText, Text
from shared.envelope import Inspectorate


class Activity(StrEnum):
    """How the evidence was gathered (001 Proposal three; 002 §40-48)."""

    CASE_TRACKING = "case_tracking"
    CASE_SAMPLING = "case_sampling"
    PRACTICE_OBSERVATION = "practice_observation"
    MEETING_OBSERVATION = "meeting_observation"
    DISCUSSION_WITH_CHILD_OR_FAMILY = "discussion_with_child_or_family"
    DISCUSSION_WITH_PRACTITIONER = "discussion_with_practitioner"
    DISCUSSION_WITH_MANAGER = "discussion_with_manager"
    AUDIT = "audit"
    DATA = "data"


class Bearing(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"


class EvidenceDetails(BaseModel):
    """What an inspector records about an evidence item: what the API asks for, what the event carries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: Agency
    activity: Activity
    judgement_area: str  # an area of the inspection's programme
    criterion: ShortText | None = None  # e.g. "004 §68 q"
    bearing: Bearing
    case_reference: CaseReference | None = None
    summary: Text


class EvidenceItemRecorded(InspectionEvent, EvidenceDetails):
    event_type = "evidence.EvidenceItemRecorded"

    evidence_item_id: ItemId
    inspectorate: Inspectorate
