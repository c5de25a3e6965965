"""Events of the judgement context, published on jip.judgement.events.

Judgements live on one stream per inspection (`judgements-{inspection_id}`); each judgement is keyed by
its subject (an inspected agency, or the partnership) and its judgement area. See
docs/judgement-events.md for the lifecycle and what each field means."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.language.contracts.vocabulary import Agency, CaseText, Grade, ItemId, Reason, Text
from shared.mechanics.catalogue import InspectionEvent, Upcaster

AreaId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Citations = Annotated[list[ItemId], Field(min_length=1, max_length=200)]


class FindingKind(StrEnum):
    """Strengths, and recommendations: split by urgency in a JTAI (001 Proposal four), areas for
    improvement where the judgements are graded (002 §50)."""

    KEY_STRENGTH = "key_strength"
    AREA_FOR_PRIORITY_ACTION = "area_for_priority_action"
    AREA_FOR_DEVELOPMENT = "area_for_development"
    AREA_FOR_IMPROVEMENT = "area_for_improvement"


class FindingRecorded(InspectionEvent):
    event_type = "judgement.FindingRecorded"

    finding_id: ItemId
    kind: FindingKind
    addressed_to: Agency  # the partnership or a named agency (001 Proposal four)
    text: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]


class JudgementStatus(StrEnum):
    """Where a judgement stands in moderation, in order."""

    PROPOSED = "proposed"
    MODERATED = "moderated"  # by the lead inspector
    QUALITY_ASSURED = "quality_assured"
    FINAL = "final"
    RETURNED = "returned"  # sent back by moderation or quality assurance, to be proposed again


class AppliedRule(BaseModel):
    """A limiting rule of the programme that set the derived grade (e.g. 004 §67)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: AreaId
    source: str  # the seed paragraph
    leads_to: Grade
    because: list[AreaId]  # the contributing judgement areas judged inadequate


class JudgementContent(InspectionEvent):
    """What a judgement says, and what it stands on."""

    agency: Agency  # the subject: an inspected agency, or the partnership (002 §50)
    judgement_area: AreaId
    grade: Grade | None  # None for a narrative judgement against criteria (004 §29)
    text: CaseText
    evidence_item_ids: Citations
    # What the programme's limiting rules derive from the contributing judgements at the time.
    derived_grade: Grade | None = None
    limiting_rules: list[AppliedRule] = Field(default_factory=list)
    rationale: CaseText | None = None  # why the grade departs from the derived one
    leaders_understand_failure: bool = False  # shown by leaders, which lifts the §70 / §81 rules


class JudgementProposed(JudgementContent):
    """A judgement proposed, or proposed again before it is final; it starts moderation afresh."""

    event_type = "judgement.JudgementProposed"


class JudgementRevised(JudgementContent):
    """A final judgement changed: the only way one changes. It goes through moderation again."""

    event_type = "judgement.JudgementRevised"

    reason: Reason


class JudgementStep(InspectionEvent):
    agency: Agency
    judgement_area: AreaId


class JudgementModerated(JudgementStep):
    event_type = "judgement.JudgementModerated"


class JudgementQualityAssured(JudgementStep):
    event_type = "judgement.JudgementQualityAssured"


class JudgementFinalised(JudgementStep):
    event_type = "judgement.JudgementFinalised"


class JudgementReturned(JudgementStep):
    """Sent back by moderation or quality assurance, to be proposed again."""

    event_type = "judgement.JudgementReturned"

    returned_from: JudgementStatus  # the step it had reached
    reason: Reason


def _flagged_for_evidence(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: every v1 flag was raised by a withdrawn evidence item, which it names; no limiting rule."""
    return {**payload, "limiting_rules": payload.get("limiting_rules", [])}


class JudgementFlaggedForReview(JudgementStep):
    """The judgement must be looked at again before it moves on: it is proposed again (revised, if final)
    with a new grade or a rationale.

    Either evidence it cites was withdrawn (`evidence_item_id`); or, since version 2, a contributing
    judgement changed after this one was final, and a limiting rule of the programme now makes another
    grade likely (`limiting_rules`: e.g. help and protection revised to inadequate, so 004 §79 makes the
    police's overall effectiveness likely inadequate). Version 1 flags all name a withdrawn item."""

    event_type = "judgement.JudgementFlaggedForReview"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _flagged_for_evidence}

    evidence_item_id: ItemId | None = None  # the withdrawn item; None for a flag raised by a limiting rule
    reason: Reason
    # The programme's limiting rules that now derive another grade, each with its paragraph.
    limiting_rules: list[AppliedRule] = Field(default_factory=list)


JUDGEMENT_EVENTS: tuple[type[InspectionEvent], ...] = (
    FindingRecorded,
    JudgementProposed,
    JudgementRevised,
    JudgementModerated,
    JudgementQualityAssured,
    JudgementFinalised,
    JudgementReturned,
    JudgementFlaggedForReview,
)
