"""Events of the LSCB context, published on jip.lscb.events.

Two kinds of stream: each local area's board register (`lscb-board-{area_code}`: who chairs the Local
Safeguarding Children Board, its business manager, their absences, and the statutory partners on it),
and each inspection's shared evaluation of the board (`lscb-evaluation-{inspection_id}`: findings
contributed per criterion, the proposed judgement, each inspectorate's sign-off or disagreement, the
final judgement). See docs/lscb-events.md."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import Field

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.vocabulary import Agency, CaseText, Grade, ItemId, Reason, ShortText, Text
from shared.mechanics.catalogue import Event, InspectionEvent, Upcaster
from shared.mechanics.envelope import Inspectorate

AreaCode = Annotated[str, Field(pattern=r"^E(06|07|08|09|10)\d{6}$")]
Citations = Annotated[list[ItemId], Field(min_length=1, max_length=200)]
CriterionId = Annotated[str, Field(pattern=r"^\d{1,3}[a-z]$")]


class Office(StrEnum):
    CHAIR = "chair"  # notified first of a JTAI, and coordinates the factual-accuracy response (001)
    BUSINESS_MANAGER = "business_manager"  # notified when the chair is absent (001 Proposal two)


class BoardEvent(Event):
    """An event of one area's board register. It names no inspection: the Kafka key is the stream."""

    area_code: AreaCode
    local_area: ShortText


class BoardOfficerAppointed(BoardEvent):
    """Someone holds the office from now on, replacing whoever held it."""

    event_type = "lscb.BoardOfficerAppointed"

    office: Office
    name: ShortText  # a professional's name and contact, not a child's: letters are addressed to them
    contact: ShortText | None = None


class BoardOfficerLeft(BoardEvent):
    """The office is vacant."""

    event_type = "lscb.BoardOfficerLeft"

    office: Office
    reason: Reason


class BoardOfficerAbsent(BoardEvent):
    """The office holder is away: on these days the other office is notified instead."""

    event_type = "lscb.BoardOfficerAbsent"

    office: Office
    absent_from: date
    absent_until: date | None  # the last day away; None until they return
    reason: Reason


class BoardOfficerReturned(BoardEvent):
    """An open absence ends: the holder is back from this day."""

    event_type = "lscb.BoardOfficerReturned"

    office: Office
    returned_on: date


def _senior_leader_not_recorded(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: a v1 partner was registered without its senior leader's name; it reads as none recorded."""
    return {**payload, "senior_leader": payload.get("senior_leader")}


class BoardPartnerJoined(BoardEvent):
    """A statutory partner's organisation is represented on the board (004 §41).

    Since version 2 it carries the name of the organisation's senior leader where the register knows it,
    the person a findings letter is addressed to by name and role (001 Proposal four). The organisation
    joining again with another name records that name from then on. A v1 event, and a partner registered
    without a name, carry none: letters address that leader by role alone."""

    event_type = "lscb.BoardPartnerJoined"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _senior_leader_not_recorded}

    agency: Agency
    organisation: ShortText
    # a professional's name, not a child's: letters are addressed to them
    senior_leader: ShortText | None = None


class BoardPartnerLeft(BoardEvent):
    event_type = "lscb.BoardPartnerLeft"

    agency: Agency
    organisation: ShortText
    reason: Reason


class LscbFindingContributed(InspectionEvent):
    """One inspectorate's finding about the board, against a criterion where the programme has them
    (004 §115 a-l), and attributed to the partner where the strength or weakness lies (000 §14)."""

    event_type = "lscb.LscbFindingContributed"

    contribution_id: ItemId
    inspectorate: Inspectorate
    criterion: CriterionId | None
    bearing: Bearing
    attributed_to: Agency  # the board itself, the partnership, or one partner
    text: CaseText
    evidence_item_ids: Citations


class LscbJudgementProposed(InspectionEvent):
    """The shared judgement as proposed: a grade where the programme grades the board, a narrative
    otherwise. Each proposal is numbered; every inspectorate signs off the current one."""

    event_type = "lscb.LscbJudgementProposed"

    proposal: Annotated[int, Field(ge=1)]
    grade: Grade | None
    text: CaseText
    evidence_item_ids: Citations


class LscbJudgementSignedOff(InspectionEvent):
    event_type = "lscb.LscbJudgementSignedOff"

    inspectorate: Inspectorate
    proposal: Annotated[int, Field(ge=1)]


class LscbJudgementDisputed(InspectionEvent):
    """An inspectorate does not agree the proposal; finalisation waits until the dispute is resolved."""

    event_type = "lscb.LscbJudgementDisputed"

    inspectorate: Inspectorate
    proposal: Annotated[int, Field(ge=1)]
    reasons: Text


class LscbDisputeResolved(InspectionEvent):
    """The disputing inspectorate withdraws its disagreement, saying how it was resolved."""

    event_type = "lscb.LscbDisputeResolved"

    inspectorate: Inspectorate
    proposal: Annotated[int, Field(ge=1)]
    resolution: Reason


# A grade descriptor as the programme states it: the good LSCB is §115's twelve criteria, a long text.
Descriptor = Annotated[str, Field(min_length=1, max_length=20000)]


def _descriptor_not_recorded(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: a v1 judgement did not carry its grade's descriptor; it reads as none recorded."""
    return {
        **payload,
        "descriptor": payload.get("descriptor"),
        "descriptor_source": payload.get("descriptor_source"),
    }


class LscbJudgementFinalised(InspectionEvent):
    """The shared judgement every participating inspectorate signed off.

    Since version 2 a graded judgement carries the programme's descriptor of its grade, as the programme
    stated it when the judgement was made final (004 §115-118: good is §115's criteria a-l, outstanding
    §116, requires improvement §117, inadequate §118), and the paragraph it is from. A narrative
    evaluation, and a v1 judgement, carry none."""

    event_type = "lscb.LscbJudgementFinalised"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _descriptor_not_recorded}

    proposal: Annotated[int, Field(ge=1)]
    grade: Grade | None
    text: CaseText
    evidence_item_ids: Citations
    signed_off_by: list[Inspectorate]
    descriptor: Descriptor | None = None  # the descriptor of `grade`, e.g. 004 §117 for requires improvement
    descriptor_source: str | None = None  # its paragraph, e.g. "004 §117"


class LscbEvaluationRecorded(InspectionEvent):
    """No longer written: an evaluation recorded before the agreement flow. Kept so that logs written
    then still load; readers treat it as a final narrative."""

    event_type = "lscb.LscbEvaluationRecorded"

    summary: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]


BOARD_EVENTS: tuple[type[BoardEvent], ...] = (
    BoardOfficerAppointed,
    BoardOfficerLeft,
    BoardOfficerAbsent,
    BoardOfficerReturned,
    BoardPartnerJoined,
    BoardPartnerLeft,
)
EVALUATION_EVENTS: tuple[type[InspectionEvent], ...] = (
    LscbFindingContributed,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
    LscbJudgementDisputed,
    LscbDisputeResolved,
    LscbJudgementFinalised,
    LscbEvaluationRecorded,
)
