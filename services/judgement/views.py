"""Judgement's queries: the findings, the evidence profile, an item, and every judgement with where it
stands in moderation and what the limiting rules derive."""

from __future__ import annotations

from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.judgement import (
    AppliedRule,
    FindingRecorded,
    JudgementContent,
    JudgementFlaggedForReview,
    JudgementStatus,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.subjects import SubjectKeys, opened
from shared.mechanics.decider import load
from shared.mechanics.envelope import Envelope
from shared.mechanics.errors import NotFound
from shared.mechanics.eventstore import StreamStore
from shared.mechanics.mongo import Document
from shared.views import evidence_items, inspections
from shared.views.inspections import Inspection

from .domain import areas, findings, judgements, limiting
from .domain.areas import Kind


async def inspection(db: AsyncDatabase[Document], inspection_id: str) -> Inspection:
    return await inspections.known(db, "judgement", inspection_id)


async def findings_of(store: StreamStore, inspection_id: str) -> list[FindingRecorded]:
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


async def board(store: StreamStore, db: AsyncDatabase[Document], inspection_id: str) -> JudgementBoard:
    known = await inspection(db, inspection_id)
    state, version = await load(store, judgements.judgements, judgements.stream_id(inspection_id))
    return board_of(known, state, version)


def board_of(known: Inspection, state: judgements.Judgements, version: int) -> JudgementBoard:
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
        judgements=[view_of(known, state, agency, area, version) for agency, area in keys],
        version=version,
    )


def view_of(
    known: Inspection, state: judgements.Judgements, agency: Agency, area_id: str, version: int
) -> JudgementView:
    programme = known.programme
    area = programme.area(area_id)
    assert area is not None
    kind = areas.kind_of(programme, agency, area_id)
    view = JudgementView(
        agency=agency,
        judgement_area=area_id,
        title=area.title,
        kind=kind,
        part_of=area.part_of,
        derived_from=[a for a in area.derived_from if agency in areas.area_of(programme, a).graded_for],
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
    store: StreamStore, db: AsyncDatabase[Document], inspection_id: str, agency: Agency, area: str
) -> JudgementHistory:
    known = await inspection(db, inspection_id)
    stream = await store.read(judgements.stream_id(inspection_id))
    state = judgements.judgements.fold(stream.events)
    # Refuses an agency and area the programme does not judge.
    view = view_of(known, state, agency, area, stream.version)
    history = [
        envelope
        for envelope, event in zip(stream.envelopes, stream.events, strict=True)
        if (getattr(event, "agency", None), getattr(event, "judgement_area", None)) == (agency, area)
    ]
    return JudgementHistory(**view.model_dump(), history=history)
