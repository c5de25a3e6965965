"""Evidence's HTTP API: thin. Parse, build a command, hand it on.

Commands answer with the stream's version in `ETag`; send it back in `If-Match` to correct an item
only if nobody has changed it since you read it (409 otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from shared import evidence_items
from shared.auth import INSPECTORS, LEAD, authorise
from shared.contracts.evidence import (
    Activity,
    Bearing,
    Criteria,
    ErasureBasis,
    EvidenceDetails,
    LineOfEnquiryRaised,
    Sample,
    SampleCaseAdded,
)
from shared.contracts.vocabulary import AboutCases, Agency, CaseReference, CaseText, ItemId, Reason
from shared.envelope import Inspectorate, new_id
from shared.eventstore import CommandContext
from shared.http import Paged, command_context, expected_version, set_version
from shared.runtime import ServiceDep
from shared.subjects import opened
from shared.taking_part import reads

from . import domain, handlers

# Who may call each command (shared/auth.py); reads are for READERS, of the inspections their inspectorate
# takes part in (shared/taking_part.py). Inspectors record for their own inspectorate, in inspections it
# takes part in: the service's rules check that.
ACCESS = {
    ("POST", "/inspections/{inspection_id}/evidence"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/samples/{sample}/cases"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/samples/{sample}/cases/{case_reference}/removal"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/closure"): LEAD,
    ("POST", "/inspections/{inspection_id}/cases/{case_reference}/erasure"): LEAD,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers"): INSPECTORS,
    ("POST", "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure"): INSPECTORS,
}
router = APIRouter(
    tags=["evidence"], dependencies=[Depends(authorise(ACCESS)), Depends(reads(handlers.taking_part))]
)
Context = Annotated[CommandContext, Depends(command_context)]
IfMatch = Annotated[int | None, Depends(expected_version)]
CaseInPath = Annotated[
    str, Path(pattern=r"^[A-Z0-9][A-Z0-9-]{2,31}$", description="the area's case reference")
]


class KnownInspectionView(BaseModel):
    inspection_id: str
    programme: str
    inspectorates: list[str]
    agencies: list[str]
    judgement_areas: list[str]
    criteria: int  # how many numbered criteria the programme has
    notice_started: bool  # evidence is accepted once the area has been notified ...
    evidence_closed: bool  # ... until the lead inspectorate closes evidence gathering
    cancelled: bool


@router.get("/inspections/{inspection_id}", summary="The inspection as this service knows it")
async def inspection(inspection_id: str, service: ServiceDep) -> KnownInspectionView:
    known = await handlers.known_inspection(service.db, inspection_id)
    file, _ = await handlers.evidence_file(service.store, inspection_id)
    return KnownInspectionView(
        inspection_id=inspection_id,
        programme=known.programme.id,
        inspectorates=list(known.inspectorates),
        agencies=list(known.agencies),
        judgement_areas=known.programme.area_ids(),
        criteria=len(known.programme.criteria),
        notice_started=known.notified,
        evidence_closed=file.closed is not None,
        cancelled=known.cancelled,
    )


# --- evidence items ----------------------------------------------------------------------------------


@router.post(
    "/inspections/{inspection_id}/evidence",
    status_code=201,
    summary="Record an evidence item for the inspector's own inspectorate",
)
async def record(
    inspection_id: str, body: EvidenceDetails, service: ServiceDep, context: Context, response: Response
) -> evidence_items.ItemView:
    item_id = new_id()
    outcome = await handlers.record(
        service.store, service.db, service.keys, inspection_id, item_id, body, context
    )
    set_version(response, outcome.version)
    [envelope], event = outcome.envelopes, outcome.state.current
    assert event is not None
    return await opened(service.keys, evidence_items.fold([(event, envelope)])[item_id])


@router.get("/inspections/{inspection_id}/evidence", summary="The inspection's evidence items as they stand")
async def evidence(
    inspection_id: str,
    service: ServiceDep,
    paged: Paged,
    agency: Agency | None = None,
    inspectorate: Inspectorate | None = None,
    criterion: str | None = Query(None, description='a criterion id, e.g. "68q"'),
    case_reference: str | None = None,
    bearing: Bearing | None = None,
    activity: Activity | None = None,
    withdrawn: bool = Query(False, description="include withdrawn items"),
) -> list[evidence_items.ItemView]:
    await handlers.known_inspection(service.db, inspection_id)
    items = [
        i
        for i in await handlers.items_of(service.store, inspection_id)
        if (withdrawn or not i.withdrawn)
        and agency in (None, i.agency)
        and inspectorate in (None, i.inspectorate)
        and (criterion is None or criterion in i.criteria)
        and case_reference in (None, i.case_reference)
        and bearing in (None, i.bearing)
        and activity in (None, i.activity)
    ]
    return await opened(service.keys, paged.of(items))


@router.get(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}",
    summary="One evidence item as it stands, with every correction made to it",
)
async def evidence_item(
    inspection_id: str, evidence_item_id: str, service: ServiceDep, response: Response
) -> handlers.ItemHistory:
    history = await handlers.item_history(service.store, inspection_id, evidence_item_id)
    set_version(response, history.item.version)
    return await opened(service.keys, history)


class Amendment(AboutCases):
    reason: Reason
    details: EvidenceDetails  # the item as it should now stand


class Withdrawal(AboutCases):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments",
    summary="Correct an item your inspectorate recorded: the full corrected item and the reason",
)
async def amend(
    inspection_id: str,
    evidence_item_id: str,
    body: Amendment,
    service: ServiceDep,
    context: Context,
    if_match: IfMatch,
    response: Response,
) -> evidence_items.ItemView:
    outcome = await handlers.correct(
        service.store,
        service.db,
        service.keys,
        inspection_id,
        evidence_item_id,
        body.reason,
        body.details,
        context,
        if_match,
    )
    set_version(response, outcome.version)
    return await _item(service, inspection_id, evidence_item_id)


@router.post(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal",
    summary="Withdraw an item your inspectorate recorded: it no longer counts, its history stays",
)
async def withdraw(
    inspection_id: str,
    evidence_item_id: str,
    body: Withdrawal,
    service: ServiceDep,
    context: Context,
    if_match: IfMatch,
    response: Response,
) -> evidence_items.ItemView:
    outcome = await handlers.correct(
        service.store,
        service.db,
        service.keys,
        inspection_id,
        evidence_item_id,
        body.reason,
        None,
        context,
        if_match,
    )
    set_version(response, outcome.version)
    return await _item(service, inspection_id, evidence_item_id)


async def _item(service: ServiceDep, inspection_id: str, item_id: str) -> evidence_items.ItemView:
    return await opened(
        service.keys, (await handlers.item_history(service.store, inspection_id, item_id)).item
    )


# --- samples and the close ---------------------------------------------------------------------------


class SampleCase(BaseModel):
    sample: str
    case_reference: str
    added_by: Inspectorate
    reason: str


class EvidenceFileView(BaseModel):
    inspection_id: str
    samples: list[SampleCase]  # the shared sample (002 §43) and each inspectorate's own (002 §44)
    closed: bool
    closed_by: Inspectorate | None
    version: int


async def _file_view(
    service: ServiceDep, inspection_id: str, file: domain.EvidenceFile, version: int
) -> EvidenceFileView:
    def case(added: SampleCaseAdded) -> SampleCase:
        return SampleCase(
            sample=str(added.sample),
            case_reference=added.case_reference,
            added_by=added.added_by,
            reason=str(added.reason),
        )

    added = await opened(service.keys, [added for cases in file.samples.values() for added in cases.values()])
    return EvidenceFileView(
        inspection_id=inspection_id,
        samples=[case(each) for each in added],
        closed=file.closed is not None,
        closed_by=file.closed.closed_by if file.closed else None,
        version=version,
    )


@router.get(
    "/inspections/{inspection_id}/samples",
    summary="The case samples: the shared one all inspectorates track, and each inspectorate's own",
)
async def samples(inspection_id: str, service: ServiceDep) -> EvidenceFileView:
    await handlers.known_inspection(service.db, inspection_id)
    file, version = await handlers.evidence_file(service.store, inspection_id)
    return await _file_view(service, inspection_id, file, version)


class CaseToSample(AboutCases):
    case_reference: CaseReference
    reason: Reason  # why this child: the stage of their journey, the deep-dive cohort, ...


class Removal(AboutCases):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/samples/{sample}/cases",
    status_code=201,
    summary='Add a case to the shared sample ("shared") or to your own inspectorate\'s sample',
)
async def add_to_sample(
    inspection_id: str, sample: Sample, body: CaseToSample, service: ServiceDep, context: Context
) -> EvidenceFileView:
    reason = await service.keys.held(inspection_id, body.case_reference, body.reason)
    return await _change_file(
        service,
        inspection_id,
        context,
        lambda known: domain.ChangeSample(
            known, sample, body.case_reference, context.inspectorate, reason, add=True
        ),
    )


@router.post(
    "/inspections/{inspection_id}/samples/{sample}/cases/{case_reference}/removal",
    summary="Take a case out of a sample, with the reason",
)
async def remove_from_sample(
    inspection_id: str,
    sample: Sample,
    case_reference: CaseInPath,
    body: Removal,
    service: ServiceDep,
    context: Context,
) -> EvidenceFileView:
    reason = await service.keys.held(inspection_id, case_reference, body.reason)
    return await _change_file(
        service,
        inspection_id,
        context,
        lambda known: domain.ChangeSample(
            known, sample, case_reference, context.inspectorate, reason, add=False
        ),
    )


class Closure(AboutCases):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/closure",
    summary="Close evidence gathering (the lead inspectorate): no evidence is recorded or corrected after it",
)
async def close(inspection_id: str, body: Closure, service: ServiceDep, context: Context) -> EvidenceFileView:
    return await _change_file(
        service,
        inspection_id,
        context,
        lambda known: domain.CloseEvidenceGathering(known, context.inspectorate, body.reason),
    )


async def _change_file(
    service: ServiceDep,
    inspection_id: str,
    context: CommandContext,
    command: Callable[[domain.KnownInspection], domain.ChangeSample | domain.CloseEvidenceGathering],
) -> EvidenceFileView:
    known = await handlers.known_inspection(service.db, inspection_id)
    outcome = await handlers.change_file(service.store, inspection_id, command(known), context)
    return await _file_view(service, inspection_id, outcome.state, outcome.version)


# --- lines of enquiry --------------------------------------------------------------------------------


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


@router.get(
    "/inspections/{inspection_id}/triangulation",
    summary="Per agency, area and criterion: the evidence, its corroboration and what has no evidence yet",
)
async def triangulation(
    inspection_id: str, service: ServiceDep, agency: Agency | None = None
) -> evidence_items.Triangulation:
    known = await handlers.known_inspection(service.db, inspection_id)
    items = await handlers.items_of(service.store, inspection_id)
    view = evidence_items.triangulate(inspection_id, known.programme, known.agencies, items)
    if agency is not None:
        view.agencies = [a for a in view.agencies if a.agency is agency]
    return view


class CaseView(BaseModel):
    """One child's case across every inspectorate: the samples it is in and the evidence on it."""

    case_reference: str
    samples: list[str]
    erased: bool  # its text reads "[erased]"; nothing more is recorded about it
    inspectorates: list[Inspectorate]
    items: list[evidence_items.ItemView]
    findings: dict[Agency, list[evidence_items.Finding]]  # per agency the evidence is about


@router.get(
    "/inspections/{inspection_id}/cases/{case_reference}",
    summary="A case across every inspectorate: its samples, evidence and corroboration",
)
async def case(inspection_id: str, case_reference: str, service: ServiceDep) -> CaseView:
    await handlers.known_inspection(service.db, inspection_id)
    file, _ = await handlers.evidence_file(service.store, inspection_id)
    items = [
        i
        for i in await handlers.items_of(service.store, inspection_id)
        if i.case_reference == case_reference and not i.withdrawn
    ]
    return CaseView(
        case_reference=case_reference,
        samples=[name for name, cases in file.samples.items() if case_reference in cases],
        erased=case_reference in file.erased,
        inspectorates=sorted({i.inspectorate for i in items}),
        items=await opened(service.keys, items),
        findings={
            agency: evidence_items.findings([i for i in items if i.agency is agency])
            for agency in dict.fromkeys(i.agency for i in items)
        },
    )


class Erasure(AboutCases):
    basis: ErasureBasis  # the ground, never free text: that could itself be personal


class ErasureView(BaseModel):
    inspection_id: str
    case_reference: str
    erased_by: Inspectorate
    basis: ErasureBasis
    items: int  # evidence items about the case, whose summaries now read "[erased]"
    lines_of_enquiry: int
    samples: list[str]
    version: int  # of the evidence file


@router.post(
    "/inspections/{inspection_id}/cases/{case_reference}/erasure",
    summary="Erase a case (the lead inspectorate): its key is destroyed, so every text about it, in the "
    'log and everywhere it was copied, reads "[erased]"; the events stay, and nothing more is recorded '
    "about the case",
)
async def erase(
    inspection_id: str, case_reference: CaseInPath, body: Erasure, service: ServiceDep, context: Context
) -> ErasureView:
    outcome = await handlers.erase(
        service.store, service.db, service.keys, inspection_id, case_reference, body.basis, context
    )
    items = await handlers.items_of(service.store, inspection_id)
    lines = await handlers.lines_of(service.store, service.keys, inspection_id)
    return ErasureView(
        inspection_id=inspection_id,
        case_reference=case_reference,
        erased_by=context.inspectorate,
        basis=body.basis,
        items=sum(1 for i in items if i.case_reference == case_reference),
        lines_of_enquiry=sum(1 for ln in lines if ln.case_reference == case_reference),
        samples=[name for name, cases in outcome.state.samples.items() if case_reference in cases],
        version=outcome.version,
    )
