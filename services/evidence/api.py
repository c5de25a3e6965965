"""Evidence's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from shared.contracts.evidence import EvidenceDetails, EvidenceItemRecorded
from shared.envelope import new_id
from shared.eventstore import CommandContext
from shared.http import command_context
from shared.runtime import ServiceDep

from . import domain, handlers

router = APIRouter(tags=["evidence"])
Context = Annotated[CommandContext, Depends(command_context)]


class KnownInspectionView(BaseModel):
    inspection_id: str
    programme: str
    inspectorates: list[str]
    agencies: list[str]
    judgement_areas: list[str]


@router.get("/inspections/{inspection_id}", summary="The inspection as this service knows it")
async def inspection(inspection_id: str, service: ServiceDep) -> KnownInspectionView:
    known = await handlers.known_inspection(service.db, inspection_id)
    return KnownInspectionView(
        inspection_id=inspection_id,
        programme=known.programme.id,
        inspectorates=list(known.inspectorates),
        agencies=list(known.agencies),
        judgement_areas=known.programme.area_ids(),
    )


@router.post(
    "/inspections/{inspection_id}/evidence",
    status_code=201,
    summary="Record an evidence item for the inspector's own inspectorate",
)
async def record(
    inspection_id: str, body: EvidenceDetails, service: ServiceDep, context: Context
) -> EvidenceItemRecorded:
    command = domain.RecordEvidenceItem(
        inspection=await handlers.known_inspection(service.db, inspection_id),
        evidence_item_id=new_id(),
        inspectorate=context.inspectorate,
        details=body,
    )
    outcome = await handlers.record(service.store, command, context)
    assert outcome.state.recorded is not None
    return outcome.state.recorded


@router.get(
    "/inspections/{inspection_id}/evidence", summary="Every evidence item recorded for the inspection"
)
async def evidence(inspection_id: str, service: ServiceDep) -> list[EvidenceItemRecorded]:
    await handlers.known_inspection(service.db, inspection_id)
    return await handlers.items_of(service.store, inspection_id)
