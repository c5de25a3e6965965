"""Lines of enquiry: raised by one inspectorate about an agency, answered with evidence, closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from shared.language.contracts.evidence import Criteria
from shared.language.contracts.vocabulary import AboutCases, Agency, CaseReference, CaseText, ItemId
from shared.mechanics.commands import Handling, HandlingDep
from shared.mechanics.envelope import new_id
from shared.mechanics.http import Paged
from shared.mechanics.runtime import ServiceDep

from .. import handlers, views
from ..commands import AnswerLineOfEnquiry, CloseLineOfEnquiry, RaiseLineOfEnquiry

router = APIRouter()


class NewLine(AboutCases):
    agency: Agency
    case_reference: CaseReference | None = None
    criteria: Criteria = Field(default_factory=list)
    question: CaseText


class LineAnswer(AboutCases):
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1, max_length=100)]
    answer: CaseText


class LineClosure(AboutCases):
    conclusion: CaseText


@router.post(
    "/inspections/{inspection_id}/lines-of-enquiry",
    status_code=201,
    summary="Raise a line of enquiry about an agency or a case, visible at once to every inspectorate",
)
async def raise_line(inspection_id: str, body: NewLine, handling: HandlingDep) -> views.LineView:
    command = RaiseLineOfEnquiry(
        inspection_id, new_id(), body.agency, body.case_reference, tuple(body.criteria), body.question
    )
    return await _line_after(command, handling)


@router.get("/inspections/{inspection_id}/lines-of-enquiry", summary="Every line of enquiry, oldest first")
async def lines(
    inspection_id: str,
    service: ServiceDep,
    paged: Paged,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    agency: Agency | None = None,
) -> list[views.LineView]:
    await views.known_inspection(service.db, inspection_id)
    found = await views.lines_of(service.store, service.keys, inspection_id)
    return paged.of([ln for ln in found if status in (None, ln.status) and agency in (None, ln.agency)])


@router.get("/inspections/{inspection_id}/lines-of-enquiry/{line_id}", summary="One line of enquiry")
async def line(inspection_id: str, line_id: str, service: ServiceDep) -> views.LineView:
    return await views.line_view(service.store, service.keys, inspection_id, line_id)


@router.post(
    "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers",
    status_code=201,
    summary="Answer a line of enquiry with the evidence items that answer it",
)
async def answer_line(
    inspection_id: str, line_id: str, body: LineAnswer, handling: HandlingDep
) -> views.LineView:
    command = AnswerLineOfEnquiry(inspection_id, line_id, tuple(body.evidence_item_ids), body.answer)
    return await _line_after(command, handling)


@router.post(
    "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure",
    summary="Close a line of enquiry with its conclusion (who raised it, or the lead inspectorate)",
)
async def close_line(
    inspection_id: str, line_id: str, body: LineClosure, handling: HandlingDep
) -> views.LineView:
    return await _line_after(CloseLineOfEnquiry(inspection_id, line_id, body.conclusion), handling)


async def _line_after(
    command: RaiseLineOfEnquiry | AnswerLineOfEnquiry | CloseLineOfEnquiry, handling: Handling
) -> views.LineView:
    """Handle the command, then show the line as every inspectorate now sees it."""
    await handlers.handle(command, handling)
    return await views.line_view(handling.store, handling.keys, command.inspection_id, command.line_id)
