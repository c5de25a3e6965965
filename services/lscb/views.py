"""The LSCB service's queries: an area's board as its register stands (and whom to notify first today),
every register, and the shared evaluation of one inspection's board with the evidence it draws on. The
commands answer with these views too (handlers.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.areas import Area, find
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import (
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.subjects import SubjectKeys, opened
from shared.language.workdays import today_in_england
from shared.mechanics.decider import load
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import StreamStore
from shared.mechanics.mongo import Document
from shared.views import boards, evidence_items, inspections
from shared.views.boards import Board, Contact
from shared.views.inspections import Inspection

from .domain import board_register, evaluation

# The board register


def area(code_or_name: str) -> Area:
    found = find(code_or_name)
    if found is None:
        raise NotFound(f"no local authority area {code_or_name!r}: give its ONS code or its name")
    return found


class BoardView(BaseModel):
    """One area's board as its register stands, and what it means today."""

    area_code: str
    local_area: str
    board: Board | None  # None until the first register event
    first_to_notify: Contact | None  # today: the chair, or the business manager in the chair's absence
    missing_partners: list[Agency]  # statutory partners with no organisation on the board (004 §41)
    version: int


def board_view(where: Area, board: Board | None, version: int) -> BoardView:
    return BoardView(
        area_code=where.code,
        local_area=where.name,
        board=board,
        first_to_notify=board.first_to_notify(today_in_england()) if board else None,
        missing_partners=(board or Board(area_code=where.code, local_area=where.name)).missing_partners(
            where
        ),
        version=version,
    )


async def board(store: StreamStore, code_or_name: str) -> BoardView:
    where = area(code_or_name)
    state, version = await load(store, board_register.register, board_register.stream_id(where.code))
    return board_view(where, state, version)


async def boards_registered(db: AsyncDatabase[Document]) -> list[Board]:
    cursor = db[boards.COLLECTION].find().sort("_id", ASCENDING)
    return [Board.model_validate(doc["board"]) async for doc in cursor]


# The shared evaluation


async def inspection(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    return await inspections.known(db, "LSCB", inspection_id)


class EvidenceRef(BaseModel):
    evidence_item_id: str
    inspectorate: Inspectorate
    agency: Agency  # where in the partnership it lies
    bearing: Bearing
    criteria: list[str]
    summary: str


class CriterionView(BaseModel):
    criterion: str
    text: str
    evidence: list[EvidenceRef]  # flowed in from the evidence service: items tagged with the criterion
    contributions: list[LscbFindingContributed]


class PartnerView(BaseModel):
    """Accountability: the inspectorates' findings attributed to one partner (004 §113: "the contribution
    of partners")."""

    agency: Agency
    strengths: int
    weaknesses: int
    areas_for_improvement: int


class EvaluationView(BaseModel):
    inspection_id: str
    programme: str
    evaluation: Literal["graded", "narrative"]
    scale: list[Grade]  # empty for a narrative evaluation
    criteria: list[CriterionView]  # the board's criteria (004 §115 a-l), where the programme has them
    uncovered: list[str]  # criteria with neither evidence nor a contribution yet
    evidence: list[EvidenceRef]  # every standing item about the board or tagged with one of its criteria
    contributions: list[LscbFindingContributed]
    by_partner: list[PartnerView]
    proposal: LscbJudgementProposed | None
    # The programme's descriptor of the proposed grade, and its paragraph (004 §115-118); the final
    # judgement carries the descriptor of its own grade (`final.descriptor`, `final.descriptor_source`).
    descriptor: str | None
    descriptor_source: str | None = None
    signed_off: list[Inspectorate]
    awaiting: list[Inspectorate]  # who has still to sign off the proposal
    disputes: list[LscbJudgementDisputed]  # open: each blocks finalisation
    final: LscbJudgementFinalised | LscbEvaluationRecorded | None
    version: int


async def evaluation_of(
    store: StreamStore, db: AsyncDatabase[Document], keys: SubjectKeys, inspection_id: str
) -> EvaluationView:
    known = await inspection(db, inspection_id)
    state, version = await load(store, evaluation.evaluation, evaluation.stream_id(inspection_id))
    return await evaluation_view(db, keys, known, state, version)


async def evaluation_view(
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    known: Inspection,
    state: evaluation.Evaluation,
    version: int,
) -> EvaluationView:
    programme = known.programme
    lscb = evaluation.evaluated(known)
    criteria = evaluation.lscb_criteria(programme)
    items = [
        EvidenceRef(
            evidence_item_id=i.evidence_item_id,
            inspectorate=i.inspectorate,
            agency=i.agency,
            bearing=i.bearing,
            criteria=list(i.criteria),
            summary=i.summary,
        )
        for i in await opened(keys, await evidence_items.items_of(db, known.inspection_id))
        if i.agency is Agency.LSCB or set(i.criteria) & set(criteria)
    ]
    per_criterion = [
        CriterionView(
            criterion=cid,
            text=text,
            evidence=[i for i in items if cid in i.criteria],
            contributions=[c for c in state.contributions if c.criterion == cid],
        )
        for cid, text in criteria.items()
    ]
    partners = dict.fromkeys(c.attributed_to for c in state.contributions)
    by_partner = [
        PartnerView(
            agency=agency,
            strengths=_count(state, agency, Bearing.STRENGTH),
            weaknesses=_count(state, agency, Bearing.WEAKNESS),
            areas_for_improvement=_count(state, agency, Bearing.AREA_FOR_IMPROVEMENT),
        )
        for agency in partners
    ]
    described = evaluation.descriptor(programme, lscb, state.proposal.grade if state.proposal else None)
    return EvaluationView(
        inspection_id=known.inspection_id,
        programme=programme.id,
        evaluation=lscb.evaluation,
        scale=programme.judgements.scale if lscb.evaluation == "graded" else [],
        criteria=per_criterion,
        uncovered=[c.criterion for c in per_criterion if not c.evidence and not c.contributions],
        evidence=items,
        contributions=list(state.contributions),
        by_partner=by_partner,
        proposal=state.proposal,
        descriptor=described[0] if described else None,
        descriptor_source=described[1] if described else None,
        signed_off=list(state.signed_off),
        awaiting=state.awaiting(known) if state.proposal and not state.final else [],
        disputes=list(state.disputes.values()),
        final=state.final,
        version=version,
    )


def _count(state: evaluation.Evaluation, agency: Agency, bearing: Bearing) -> int:
    return sum(1 for c in state.contributions if c.attributed_to is agency and c.bearing is bearing)
