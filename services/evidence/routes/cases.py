"""Triangulation, one case's evidence across the inspectorates, and erasing a case's personal text."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.language.contracts.evidence import (
    ErasureBasis,
)
from shared.language.contracts.vocabulary import AboutCases, Agency
from shared.language.subjects import opened
from shared.mechanics.commands import HandlingDep
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.runtime import ServiceDep
from shared.views import evidence_items

from .. import handlers, views
from ..commands import EraseCase
from .parameters import CaseInPath

router = APIRouter()


@router.get(
    "/inspections/{inspection_id}/triangulation",
    summary="Per agency, area and criterion: the evidence, its corroboration and what has no evidence yet",
)
async def triangulation(
    inspection_id: str, service: ServiceDep, agency: Agency | None = None
) -> evidence_items.Triangulation:
    known = await views.known_inspection(service.db, inspection_id)
    items = await views.items_of(service.store, inspection_id)
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
    await views.known_inspection(service.db, inspection_id)
    file, _ = await views.evidence_file_of(service.store, inspection_id)
    items = [
        i
        for i in await views.items_of(service.store, inspection_id)
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
    inspection_id: str, case_reference: CaseInPath, body: Erasure, handling: HandlingDep
) -> ErasureView:
    outcome = await handlers.handle(EraseCase(inspection_id, case_reference, body.basis), handling)
    items = await views.items_of(handling.store, inspection_id)
    lines = await views.lines_of(handling.store, handling.keys, inspection_id)
    return ErasureView(
        inspection_id=inspection_id,
        case_reference=case_reference,
        erased_by=handling.context.inspectorate,
        basis=body.basis,
        items=sum(1 for i in items if i.case_reference == case_reference),
        lines_of_enquiry=sum(1 for ln in lines if ln.case_reference == case_reference),
        samples=[name for name, cases in outcome.state.samples.items() if case_reference in cases],
        version=outcome.version,
    )
