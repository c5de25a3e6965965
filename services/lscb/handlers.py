"""The LSCB service's commands and queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared import boards, evidence_items, inspections
from shared.areas import Area, find
from shared.boards import Board, Contact
from shared.cited_evidence import CitedItem
from shared.contracts.evidence import Bearing
from shared.contracts.lscb import (
    Citations,
    CriterionId,
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
)
from shared.contracts.vocabulary import Agency, CaseText, Grade
from shared.decider import execute, load
from shared.envelope import Inspectorate, new_id
from shared.errors import Forbidden, NotFound
from shared.eventstore import CommandContext, EventStore
from shared.inspections import Inspection
from shared.mongo import Document
from shared.programmes import catalogue
from shared.runtime import Service
from shared.subjects import SubjectKeys, opened
from shared.taking_part import TakingPart, of_inspection
from shared.workdays import today_in_england

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


def _board_view(where: Area, board: Board | None, version: int) -> BoardView:
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


async def board(store: EventStore, code_or_name: str) -> BoardView:
    where = area(code_or_name)
    state, version = await load(store, board_register.register, board_register.stream_id(where.code))
    return _board_view(where, state, version)


def keep_register(by: Inspectorate) -> None:
    """An area's board register is kept by the lead inspectorate's lead inspectors (the access table admits
    lead inspectors only; this names the inspectorate). The register is the area's, not one inspection's:
    it outlives each inspection, and every inspection of the area reads it (whom to tell first, to whom the
    letter goes). So its keeper is the lead inspectorate of every programme the platform runs, as each
    programme's participation names it: Ofsted in all five. A programme led by another inspectorate would
    make its lead a keeper too."""
    leads: dict[Inspectorate, list[str]] = {}
    for programme in catalogue().values():
        part = programme.participation
        leads.setdefault(part.lead_inspectorate, []).append(part.source)
    if by not in leads:
        raise Forbidden(
            f"an area's board register is kept by the lead inspectorate, {', '.join(leads)}, whose "
            f"inspections tell its chair first and address their letters to the chair; not by {by}",
            "; ".join(dict.fromkeys(source for sources in leads.values() for source in sources)),
        )


async def change_board(
    store: EventStore, command: board_register.Command, context: CommandContext, expected_version: int | None
) -> BoardView:
    keep_register(context.inspectorate)
    decided = await execute(
        store,
        board_register.register,
        board_register.stream_id(command.area.code),
        command,
        context,
        expected_version=expected_version,
    )
    return _board_view(command.area, decided.state, decided.version)


async def boards_registered(db: AsyncDatabase[Document]) -> list[Board]:
    cursor = db[boards.COLLECTION].find().sort("_id", ASCENDING)
    return [Board.model_validate(doc["board"]) async for doc in cursor]


# The shared evaluation


async def inspection(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    return await inspections.known(db, "LSCB", inspection_id)


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection."""
    return of_inspection(await inspection(service.db, inspection_id))


async def _cited(
    db: AsyncDatabase[Document], inspection_id: str, ids: list[str]
) -> tuple[tuple[CitedItem, ...], tuple[str, ...]]:
    """The cited items the service holds, standing, in the order given; and the ids it does not."""
    ids = list(dict.fromkeys(ids))
    found = {
        i.evidence_item_id: i for i in await evidence_items.items_of(db, inspection_id, _id={"$in": ids})
    }
    cited = tuple(
        CitedItem(i, found[i].agency, found[i].bearing, tuple(found[i].criteria)) for i in ids if i in found
    )
    return cited, tuple(i for i in ids if i not in found)


class Contribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion: CriterionId | None = Field(None, description="one of the board's criteria, e.g. 115c")
    bearing: Bearing
    attributed_to: Agency = Field(
        description="where in the partnership it lies: a partner, the board, the partnership"
    )
    text: CaseText
    evidence_item_ids: Citations


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: Grade | None = Field(
        None, description="where the programme grades the board; none for a narrative"
    )
    text: CaseText
    evidence_item_ids: Citations


Make = Callable[[Inspection, Inspectorate], evaluation.Command]


async def run(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    make: Make,
    context: CommandContext,
    expected_version: int | None = None,
) -> EvaluationView:
    """Make the command from the inspection as known and the acting inspectorate, and decide it."""
    known = await inspection(db, inspection_id)
    decided = await execute(
        store,
        evaluation.evaluation,
        evaluation.stream_id(inspection_id),
        make(known, context.inspectorate),
        context,
        expected_version=expected_version,
    )
    return await _evaluation_view(db, keys, known, decided.state, decided.version)


async def contribute(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    body: Contribution,
    context: CommandContext,
    expected_version: int | None = None,
) -> EvaluationView:
    cited, unknown = await _cited(db, inspection_id, body.evidence_item_ids)
    contribution_id = new_id()

    def make(known: Inspection, by: Inspectorate) -> evaluation.Command:
        return evaluation.Contribute(
            known,
            contribution_id,
            by,
            body.criterion,
            body.bearing,
            body.attributed_to,
            body.text,
            cited,
            unknown,
        )

    return await run(store, db, keys, inspection_id, make, context, expected_version)


async def propose(
    store: EventStore,
    db: AsyncDatabase[Document],
    keys: SubjectKeys,
    inspection_id: str,
    body: Proposal,
    context: CommandContext,
    expected_version: int | None = None,
) -> EvaluationView:
    cited, unknown = await _cited(db, inspection_id, body.evidence_item_ids)

    def make(known: Inspection, by: Inspectorate) -> evaluation.Command:
        return evaluation.Propose(known, by, body.grade, body.text, cited, unknown)

    return await run(store, db, keys, inspection_id, make, context, expected_version)


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
    store: EventStore, db: AsyncDatabase[Document], keys: SubjectKeys, inspection_id: str
) -> EvaluationView:
    known = await inspection(db, inspection_id)
    state, version = await load(store, evaluation.evaluation, evaluation.stream_id(inspection_id))
    return await _evaluation_view(db, keys, known, state, version)


async def _evaluation_view(
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
