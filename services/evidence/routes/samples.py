"""The shared sample of cases and each inspectorate's own, and closing evidence gathering."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from pydantic import BaseModel

from shared.contracts.evidence import (
    Sample,
    SampleCaseAdded,
)
from shared.contracts.vocabulary import AboutCases, CaseReference, Reason
from shared.envelope import Inspectorate
from shared.eventstore import CommandContext
from shared.runtime import ServiceDep
from shared.subjects import opened

from .. import domain, handlers
from .parameters import CaseInPath, Context

router = APIRouter()


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
