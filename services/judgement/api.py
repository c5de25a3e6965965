"""Judgement's HTTP API: thin. Parse, build a command (commands.py), hand it to the service's pipeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.language.contracts.judgement import Citations, FindingKind, FindingRecorded
from shared.language.contracts.vocabulary import Agency, CaseText, Grade, ItemId, Reason, Text
from shared.mechanics.auth import INSPECTORS, LEAD, QUALITY, authorise
from shared.mechanics.commands import HandlingDep
from shared.mechanics.envelope import new_id
from shared.mechanics.http import Paged, expected_version, set_version
from shared.mechanics.runtime import ServiceDep
from shared.views import evidence_items
from shared.views.taking_part import reads

from . import handlers, views
from .commands import AdvanceJudgement, ProposeJudgement, RecordFinding
from .domain.judgements import Step

JUDGEMENT = "/inspections/{inspection_id}/judgements/{agency}/{area}"
# Who may call each command (shared/mechanics/auth.py); reads are for READERS, of the inspections their
# inspectorate takes part in (shared/views/taking_part.py). The judging inspectorate proposes; the lead
# inspector moderates; a quality assurer assures; the judging inspectorate's lead signs off.
ACCESS = {
    ("POST", "/inspections/{inspection_id}/findings"): INSPECTORS,
    ("PUT", JUDGEMENT): INSPECTORS,
    ("POST", f"{JUDGEMENT}/revise"): LEAD,
    ("POST", f"{JUDGEMENT}/moderate"): LEAD,
    ("POST", f"{JUDGEMENT}/quality-assure"): QUALITY,
    ("POST", f"{JUDGEMENT}/finalise"): LEAD,
    ("POST", f"{JUDGEMENT}/return"): LEAD | QUALITY,
}
router = APIRouter(
    tags=["judgement"], dependencies=[Depends(authorise(ACCESS)), Depends(reads(handlers.taking_part))]
)
Version = Annotated[int | None, Depends(expected_version)]


class FindingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FindingKind
    addressed_to: Agency = Agency.PARTNERSHIP
    text: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]


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

    def command(
        self, inspection_id: str, agency: Agency, area: str, version: int | None, reason: str | None = None
    ) -> ProposeJudgement:
        return ProposeJudgement(
            inspection_id,
            agency,
            area,
            self.grade,
            self.text,
            tuple(self.evidence_item_ids),
            self.rationale,
            self.leaders_understand_failure,
            reason,
            version,
        )


@router.get(
    "/inspections/{inspection_id}/evidence-profile",
    summary="Strengths, weaknesses and areas for improvement per agency, area and criterion, from every "
    "inspectorate's evidence, with their corroboration",
)
async def evidence_profile(inspection_id: str, service: ServiceDep) -> evidence_items.Triangulation:
    return await views.evidence_profile(service.db, inspection_id)


@router.get(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}",
    summary="One evidence item as the judgement service holds it",
)
async def evidence_item(
    inspection_id: str, evidence_item_id: str, service: ServiceDep
) -> evidence_items.ItemView:
    return await views.evidence_item(service.db, service.keys, inspection_id, evidence_item_id)


@router.post(
    "/inspections/{inspection_id}/findings",
    status_code=201,
    summary="Record a key strength, an area for priority action or an area for development",
)
async def record_finding(
    inspection_id: str, body: FindingRequest, handling: HandlingDep, response: Response
) -> FindingRecorded:
    command = RecordFinding(
        inspection_id, new_id(), body.kind, body.addressed_to, body.text, tuple(body.evidence_item_ids)
    )
    outcome = await handlers.handle(command, handling)
    set_version(response, outcome.version)
    return outcome.state.recorded[-1]


@router.get("/inspections/{inspection_id}/findings", summary="The findings recorded so far, in order")
async def findings(inspection_id: str, service: ServiceDep, paged: Paged) -> list[FindingRecorded]:
    return paged.of(await views.findings_of(service.store, inspection_id))


class Revision(Proposal):
    reason: Reason  # why a final judgement changes


class Return(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


@router.get(
    "/inspections/{inspection_id}/judgements",
    summary="Every judgement the inspection's programme makes: graded or narrative, where each stands in "
    "moderation, and what the limiting rules derive",
)
async def judgement_board(
    inspection_id: str, service: ServiceDep, response: Response
) -> views.JudgementBoard:
    board = await views.board(service.store, service.db, inspection_id)
    set_version(response, board.version)
    return board


@router.get(JUDGEMENT, summary="One judgement, with every event in its history")
async def judgement(
    inspection_id: str, agency: Agency, area: str, service: ServiceDep, response: Response
) -> views.JudgementHistory:
    view = await views.judgement_of(service.store, service.db, inspection_id, agency, area)
    set_version(response, view.version)
    return view


@router.put(
    JUDGEMENT,
    summary="Propose a judgement, or propose it again before it is final; it starts moderation afresh",
)
async def propose(
    inspection_id: str,
    agency: Agency,
    area: str,
    body: Proposal,
    handling: HandlingDep,
    response: Response,
    version: Version,
) -> views.JudgementView:
    view = await handlers.handle(body.command(inspection_id, agency, area, version), handling)
    set_version(response, view.version)
    return view


@router.post(
    f"{JUDGEMENT}/revise", summary="Change a final judgement, with the reason; it is moderated again"
)
async def revise(
    inspection_id: str,
    agency: Agency,
    area: str,
    body: Revision,
    handling: HandlingDep,
    response: Response,
    version: Version,
) -> views.JudgementView:
    view = await handlers.handle(body.command(inspection_id, agency, area, version, body.reason), handling)
    set_version(response, view.version)
    return view


def _step(step: Step) -> Callable[..., Awaitable[views.JudgementView]]:
    async def advance(
        inspection_id: str,
        agency: Agency,
        area: str,
        handling: HandlingDep,
        response: Response,
        version: Version,
    ) -> views.JudgementView:
        command = AdvanceJudgement(inspection_id, agency, area, step, expected_version=version)
        view = await handlers.handle(command, handling)
        set_version(response, view.version)
        return view

    return advance


for _step_name, _segment, _summary in (
    (Step.MODERATE, "moderate", "The lead inspector moderates a proposed judgement"),
    (Step.QUALITY_ASSURE, "quality-assure", "The lead inspectorate quality-assures a moderated judgement"),
    (
        Step.FINALISE,
        "finalise",
        "The inspectorate that judges the agency (the lead, for the partnership) signs off a "
        "quality-assured judgement as final",
    ),
):
    router.post(f"{JUDGEMENT}/{_segment}", summary=_summary, name=_segment)(_step(_step_name))


@router.post(
    f"{JUDGEMENT}/return",
    summary="Moderation or quality assurance sends a judgement back, with the reason, to be proposed again",
)
async def send_back(
    inspection_id: str,
    agency: Agency,
    area: str,
    body: Return,
    handling: HandlingDep,
    response: Response,
    version: Version,
) -> views.JudgementView:
    command = AdvanceJudgement(inspection_id, agency, area, Step.RETURN, body.reason, version)
    view = await handlers.handle(command, handling)
    set_version(response, view.version)
    return view
