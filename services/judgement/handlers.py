"""Judgement's commands and queries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pymongo.asynchronous.database import AsyncDatabase

from shared import evidence_items, inspections
from shared.cited_evidence import CitedItem
from shared.contracts.evidence import Bearing
from shared.contracts.judgement import (
    AppliedRule,
    Citations,
    FindingKind,
    FindingRecorded,
    JudgementContent,
    JudgementFlaggedForReview,
    JudgementStatus,
)
from shared.contracts.vocabulary import Agency, CaseText, Grade
from shared.decider import Decided, execute, load
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.eventstore import CommandContext, EventStore
from shared.inspections import Inspection
from shared.mongo import Document
from shared.runtime import Service
from shared.subjects import SubjectKeys, opened
from shared.taking_part import TakingPart, check_acting, of_inspection

from .domain import findings, judgements, limiting
from .domain.judgements import Kind


async def inspection(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    return await inspections.known(db, "judgement", inspection_id)


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part, as scheduling's events told this service: they read the inspection."""
    return of_inspection(await inspection(service.db, inspection_id))


async def _standing(
    db: AsyncDatabase[Document], inspection_id: str, evidence_item_ids: list[str]
) -> dict[str, Document]:
    """The cited items recorded for the inspection and not withdrawn."""
    return {
        doc["_id"]: doc
        async for doc in db[evidence_items.COLLECTION].find(
            {"_id": {"$in": evidence_item_ids}, "inspection_id": inspection_id, "withdrawn": False},
            {"bearing": 1, "agency": 1},
        )
    }


async def record_finding(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    finding_id: str,
    kind: FindingKind,
    addressed_to: Agency,
    text: str,
    evidence_item_ids: list[str],
    context: CommandContext,
) -> Decided[findings.Findings]:
    known = await inspection(db, inspection_id)
    check_acting(context.inspectorate, of_inspection(known), "record findings")
    seen = await _standing(db, inspection_id, evidence_item_ids)
    ids = list(dict.fromkeys(evidence_item_ids))  # cited once each, in the order given
    command = findings.RecordFinding(
        inspection_id=inspection_id,
        finding_id=finding_id,
        kind=kind,
        addressed_to=addressed_to,
        text=text,
        cited=tuple(
            CitedItem(i, Agency(seen[i]["agency"]), Bearing(seen[i]["bearing"])) for i in ids if i in seen
        ),
        unknown=tuple(i for i in ids if i not in seen),
        agencies=known.agencies,
        programme=known.programme,
    )
    return await execute(store, findings.findings, findings.stream_id(inspection_id), command, context)


async def findings_of(store: EventStore, inspection_id: str) -> list[FindingRecorded]:
    state, _ = await load(store, findings.findings, findings.stream_id(inspection_id))
    return list(state.recorded)


async def evidence_profile(db: AsyncDatabase[Document], inspection_id: str) -> evidence_items.Triangulation:
    """The live evidence profile: per agency, area and criterion, the strengths, weaknesses and areas for
    improvement from every inspectorate, and their corroboration."""
    known = await inspection(db, inspection_id)
    items = await evidence_items.items_of(db, inspection_id)
    return evidence_items.triangulate(inspection_id, known.programme, known.agencies, items)


async def evidence_item(
    db: AsyncDatabase[Document], keys: SubjectKeys, inspection_id: str, evidence_item_id: str
) -> evidence_items.ItemView:
    """The item with its summary opened: "[erased]" where its case was erased."""
    found = await evidence_items.items_of(db, inspection_id, withdrawn=True, _id=evidence_item_id)
    if not found:
        raise NotFound(f"evidence item {evidence_item_id} has not reached the judgement service")
    return await opened(keys, found[0])


# Judgements


class Proposal(BaseModel):
    """A judgement as proposed: a grade on the programme's scale, or none for a narrative judgement."""

    model_config = ConfigDict(extra="forbid")

    grade: Grade | None = None
    text: CaseText
    evidence_item_ids: Citations
    rationale: CaseText | None = Field(None, description="why the grade departs from the derived one")
    leaders_understand_failure: bool = Field(
        False, description="leaders have shown they understand the failure (lifts 004 §70, §81)"
    )


async def propose(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    agency: Agency,
    area: str,
    proposal: Proposal,
    context: CommandContext,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> JudgementView:
    """Propose a judgement or, with a reason, revise a final one."""
    known = await inspection(db, inspection_id)
    seen = await _standing(db, inspection_id, proposal.evidence_item_ids)
    ids = list(dict.fromkeys(proposal.evidence_item_ids))
    command = judgements.Propose(
        inspection=known,
        agency=agency,
        judgement_area=area,
        grade=proposal.grade,
        text=proposal.text,
        cited=tuple(
            CitedItem(i, Agency(seen[i]["agency"]), Bearing(seen[i]["bearing"])) for i in ids if i in seen
        ),
        unknown=tuple(i for i in ids if i not in seen),
        by=context.inspectorate,
        rationale=proposal.rationale,
        leaders_understand_failure=proposal.leaders_understand_failure,
        reason=reason,
    )
    return await _judge(store, known, command, context, expected_version)


async def advance(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    agency: Agency,
    area: str,
    step: judgements.Step,
    context: CommandContext,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> JudgementView:
    known = await inspection(db, inspection_id)
    command = judgements.Advance(
        await inspection(db, inspection_id), agency, area, step, context.inspectorate, reason
    )
    return await _judge(store, known, command, context, expected_version)


async def _judge(
    store: EventStore,
    known: Inspection,
    command: judgements.Propose | judgements.Advance,
    context: CommandContext,
    expected_version: int | None,
) -> JudgementView:
    decided = await execute(
        store,
        judgements.judgements,
        judgements.stream_id(known.inspection_id),
        command,
        context,
        expected_version=expected_version,
    )
    return _view(known, decided.state, command.agency, command.judgement_area, decided.version)


class Derivation(BaseModel):
    """What the programme's limiting rules derive now, from the agency's current grades."""

    grade: Grade | None
    rules: list[AppliedRule]


class JudgementView(BaseModel):
    agency: Agency
    judgement_area: str
    title: str
    kind: Kind
    part_of: str | None
    derived_from: list[str]  # the contributing judgements of a cumulative one
    status: JudgementStatus | None  # None until proposed
    grade: Grade | None = None
    text: str | None = None
    evidence_item_ids: list[str] = []
    rationale: str | None = None
    leaders_understand_failure: bool = False
    derived: Derivation | None = None  # for graded judgements with limiting rules
    revisions: int = 0
    flagged: list[JudgementFlaggedForReview] = []
    version: int = 0  # of the inspection's judgements: give it as If-Match to the next command


class JudgementBoard(BaseModel):
    """Every judgement the programme makes for this inspection, and where each stands."""

    inspection_id: str
    programme: str
    scale: list[Grade]
    narrative_for: list[Agency]
    judgements: list[JudgementView]
    version: int  # of the inspection's judgements: give it as If-Match to a command


class JudgementHistory(JudgementView):
    history: list[Envelope]  # every event of this judgement, oldest first


async def board(store: EventStore, db: AsyncDatabase[Document], inspection_id: str) -> JudgementBoard:
    known = await inspection(db, inspection_id)
    state, version = await load(store, judgements.judgements, judgements.stream_id(inspection_id))
    return _board(known, state, version)


def _board(known: Inspection, state: judgements.Judgements, version: int) -> JudgementBoard:
    programme = known.programme
    subjects = {*known.agencies, Agency.PARTNERSHIP} - {Agency.LSCB}  # the lscb service judges the board
    keys = [
        (agency, area.id)
        for area in programme.judgement_areas
        for agency in area.graded_for
        if agency in subjects
    ]
    keys += [key for key in state.by_key if key not in keys]  # the narrative judgements made
    return JudgementBoard(
        inspection_id=known.inspection_id,
        programme=programme.id,
        scale=programme.judgements.scale,
        narrative_for=programme.judgements.narrative_for,
        judgements=[_view(known, state, agency, area, version) for agency, area in keys],
        version=version,
    )


def _view(
    known: Inspection, state: judgements.Judgements, agency: Agency, area_id: str, version: int
) -> JudgementView:
    programme = known.programme
    area = programme.area(area_id)
    assert area is not None
    kind = judgements.kind_of(programme, agency, area_id)
    view = JudgementView(
        agency=agency,
        judgement_area=area_id,
        title=area.title,
        kind=kind,
        part_of=area.part_of,
        derived_from=[a for a in area.derived_from if agency in judgements.area_of(programme, a).graded_for],
        status=None,
        version=version,
    )
    judgement = state.by_key.get((agency, area_id))
    if kind is Kind.GRADED and programme.limiting(agency, area_id):
        understand = judgement is not None and judgement.content.leaders_understand_failure
        rules = limiting.derive(programme, agency, area_id, state.grades_of(agency), understand)
        view.derived = Derivation(grade=limiting.derived_grade(programme, rules), rules=rules)
    if judgement is None:
        return view
    content: JudgementContent = judgement.content
    return view.model_copy(
        update={
            "status": judgement.status,
            "grade": content.grade,
            "text": content.text,
            "evidence_item_ids": content.evidence_item_ids,
            "rationale": content.rationale,
            "leaders_understand_failure": content.leaders_understand_failure,
            "revisions": judgement.revisions,
            "flagged": list(judgement.flags),
        }
    )


async def judgement_of(
    store: EventStore, db: AsyncDatabase[Document], inspection_id: str, agency: Agency, area: str
) -> JudgementHistory:
    known = await inspection(db, inspection_id)
    stream = await store.read(judgements.stream_id(inspection_id))
    state = judgements.judgements.fold(stream.events)
    # Refuses an agency and area the programme does not judge.
    view = _view(known, state, agency, area, stream.version)
    history = [
        envelope
        for envelope, event in zip(stream.envelopes, stream.events, strict=True)
        if (getattr(event, "agency", None), getattr(event, "judgement_area", None)) == (agency, area)
    ]
    return JudgementHistory(**view.model_dump(), history=history)
