"""Lines of enquiry: raised by one inspectorate about an agency, answered with evidence, closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from shared.contracts.evidence import (
    Criteria,
    LineOfEnquiryRaised,
)
from shared.contracts.vocabulary import AboutCases, Agency, CaseReference, CaseText, ItemId
from shared.envelope import new_id
from shared.eventstore import CommandContext
from shared.http import Paged
from shared.runtime import ServiceDep

from .. import domain, handlers
from .parameters import Context

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
async def raise_line(
    inspection_id: str, body: NewLine, service: ServiceDep, context: Context
) -> handlers.LineView:
    known = await handlers.known_inspection(service.db, inspection_id)
    file, _ = await handlers.evidence_file(service.store, inspection_id)
    line_id = new_id()
    command = domain.RaiseLineOfEnquiry(
        known,
        file,
        line_id,
        context.inspectorate,
        body.agency,
        body.case_reference,
        body.criteria,
        await service.keys.held(inspection_id, body.case_reference, body.question),
    )
    return await _decide_line(service, inspection_id, line_id, command, context)


@router.get("/inspections/{inspection_id}/lines-of-enquiry", summary="Every line of enquiry, oldest first")
async def lines(
    inspection_id: str,
    service: ServiceDep,
    paged: Paged,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    agency: Agency | None = None,
) -> list[handlers.LineView]:
    await handlers.known_inspection(service.db, inspection_id)
    found = await handlers.lines_of(service.store, service.keys, inspection_id)
    return paged.of([ln for ln in found if status in (None, ln.status) and agency in (None, ln.agency)])


@router.get("/inspections/{inspection_id}/lines-of-enquiry/{line_id}", summary="One line of enquiry")
async def line(inspection_id: str, line_id: str, service: ServiceDep) -> handlers.LineView:
    return await handlers.line_view(service.store, service.keys, inspection_id, line_id)


@router.post(
    "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers",
    status_code=201,
    summary="Answer a line of enquiry with the evidence items that answer it",
)
async def answer_line(
    inspection_id: str, line_id: str, body: LineAnswer, service: ServiceDep, context: Context
) -> handlers.LineView:
    known, raised = await _inspection_of_line(service, inspection_id, line_id)
    file, _ = await handlers.evidence_file(service.store, inspection_id)
    problems = await handlers.not_citable(service.store, inspection_id, body.evidence_item_ids)
    answer = await service.keys.held(inspection_id, raised.case_reference, body.answer)
    command = domain.AnswerLineOfEnquiry(
        known, file, line_id, context.inspectorate, body.evidence_item_ids, answer, problems
    )
    return await _decide_line(service, inspection_id, line_id, command, context)


@router.post(
    "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure",
    summary="Close a line of enquiry with its conclusion (who raised it, or the lead inspectorate)",
)
async def close_line(
    inspection_id: str, line_id: str, body: LineClosure, service: ServiceDep, context: Context
) -> handlers.LineView:
    known, raised = await _inspection_of_line(service, inspection_id, line_id)
    conclusion = await service.keys.held(inspection_id, raised.case_reference, body.conclusion)
    command = domain.CloseLineOfEnquiry(known, line_id, context.inspectorate, conclusion)
    return await _decide_line(service, inspection_id, line_id, command, context)


async def _inspection_of_line(
    service: ServiceDep, inspection_id: str, line_id: str
) -> tuple[domain.KnownInspection, LineOfEnquiryRaised]:
    """The inspection and how the line was raised, once the line is known to be its own (404 otherwise)."""
    known = await handlers.known_inspection(service.db, inspection_id)
    raised = (await handlers.line_of(service.store, inspection_id, line_id)).events[0]
    assert isinstance(raised, LineOfEnquiryRaised)
    return known, raised


async def _decide_line(
    service: ServiceDep,
    inspection_id: str,
    line_id: str,
    command: domain.LineCommand,
    context: CommandContext,
) -> handlers.LineView:
    await handlers.line(service.store, line_id, command, context)
    return await handlers.line_view(service.store, service.keys, inspection_id, line_id)


# --- triangulation -----------------------------------------------------------------------------------
