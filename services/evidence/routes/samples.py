"""The shared sample of cases and each inspectorate's own, and closing evidence gathering."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.language.contracts.evidence import (
    Sample,
    SampleCaseAdded,
)
from shared.language.contracts.vocabulary import AboutCases, CaseReference, Reason
from shared.language.subjects import SubjectKeys, opened
from shared.mechanics.commands import HandlingDep
from shared.mechanics.decider import Decided
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.runtime import ServiceDep

from .. import handlers, views
from ..commands import AddSampleCase, CloseEvidenceGathering, RemoveSampleCase
from ..domain.evidence_file import EvidenceFile
from .parameters import CaseInPath

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
    keys: SubjectKeys, inspection_id: str, file: EvidenceFile, version: int
) -> EvidenceFileView:
    def case(added: SampleCaseAdded) -> SampleCase:
        return SampleCase(
            sample=str(added.sample),
            case_reference=added.case_reference,
            added_by=added.added_by,
            reason=str(added.reason),
        )

    added = await opened(keys, [added for cases in file.samples.values() for added in cases.values()])
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
    await views.known_inspection(service.db, inspection_id)
    file, version = await views.evidence_file_of(service.store, inspection_id)
    return await _file_view(service.keys, inspection_id, file, version)


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
    inspection_id: str, sample: Sample, body: CaseToSample, handling: HandlingDep
) -> EvidenceFileView:
    command = AddSampleCase(inspection_id, sample, body.case_reference, body.reason)
    return await _file_after(handling.keys, inspection_id, await handlers.handle(command, handling))


@router.post(
    "/inspections/{inspection_id}/samples/{sample}/cases/{case_reference}/removal",
    summary="Take a case out of a sample, with the reason",
)
async def remove_from_sample(
    inspection_id: str,
    sample: Sample,
    case_reference: CaseInPath,
    body: Removal,
    handling: HandlingDep,
) -> EvidenceFileView:
    command = RemoveSampleCase(inspection_id, sample, case_reference, body.reason)
    return await _file_after(handling.keys, inspection_id, await handlers.handle(command, handling))


class Closure(AboutCases):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/closure",
    summary="Close evidence gathering (the lead inspectorate): no evidence is recorded or corrected after it",
)
async def close(inspection_id: str, body: Closure, handling: HandlingDep) -> EvidenceFileView:
    command = CloseEvidenceGathering(inspection_id, body.reason)
    return await _file_after(handling.keys, inspection_id, await handlers.handle(command, handling))


async def _file_after(
    keys: SubjectKeys, inspection_id: str, outcome: Decided[EvidenceFile]
) -> EvidenceFileView:
    return await _file_view(keys, inspection_id, outcome.state, outcome.version)
