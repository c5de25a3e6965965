"""Events of the LSCB context, published on jip.lscb.events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.catalogue import InspectionEvent
from shared.contracts.vocabulary import ItemId, Text


class LscbEvaluationRecorded(InspectionEvent):
    """The inspectorates' evaluation of the LSCB's effectiveness (001 Proposal one, fourth bullet)."""

    event_type = "lscb.LscbEvaluationRecorded"

    summary: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]
