"""Events of the judgement context, published on jip.judgement.events."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from shared.catalogue import InspectionEvent
from shared.contracts.vocabulary import Agency, ItemId, Text


class FindingKind(StrEnum):
    """The JTAI letter's findings: strengths, and recommendations split by urgency (001 Proposal four)."""

    KEY_STRENGTH = "key_strength"
    AREA_FOR_PRIORITY_ACTION = "area_for_priority_action"
    AREA_FOR_DEVELOPMENT = "area_for_development"


class FindingRecorded(InspectionEvent):
    event_type = "judgement.FindingRecorded"

    finding_id: ItemId
    kind: FindingKind
    addressed_to: Agency  # the partnership or a named agency (001 Proposal four)
    text: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]
