"""Judgement's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shared import evidence_items
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.vocabulary import Agency, ItemId, Text
from shared.envelope import new_id
from shared.eventstore import CommandContext
from shared.http import command_context, set_version
from shared.runtime import ServiceDep

from . import handlers

router = APIRouter(tags=["judgement"])
Context = Annotated[CommandContext, Depends(command_context)]


class FindingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FindingKind
    addressed_to: Agency = Agency.PARTNERSHIP
    text: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]


@router.get(
    "/inspections/{inspection_id}/evidence-profile",
    summary="Strengths, weaknesses and areas for improvement per agency, area and criterion, from every "
    "inspectorate's evidence, with their corroboration",
)
async def evidence_profile(inspection_id: str, service: ServiceDep) -> evidence_items.Triangulation:
    return await handlers.evidence_profile(service.db, inspection_id)


@router.get(
    "/inspections/{inspection_id}/evidence/{evidence_item_id}",
    summary="One evidence item as the judgement service holds it",
)
async def evidence_item(
    inspection_id: str, evidence_item_id: str, service: ServiceDep
) -> evidence_items.ItemView:
    return await handlers.evidence_item(service.db, inspection_id, evidence_item_id)


@router.post(
    "/inspections/{inspection_id}/findings",
    status_code=201,
    summary="Record a key strength, an area for priority action or an area for development",
)
async def record_finding(
    inspection_id: str, body: FindingRequest, service: ServiceDep, context: Context, response: Response
) -> FindingRecorded:
    outcome = await handlers.record_finding(
        service.store,
        service.db,
        inspection_id,
        new_id(),
        body.kind,
        body.addressed_to,
        body.text,
        body.evidence_item_ids,
        context,
    )
    set_version(response, outcome.version)
    return outcome.state.recorded[-1]


@router.get("/inspections/{inspection_id}/findings", summary="The findings recorded so far, in order")
async def findings(inspection_id: str, service: ServiceDep) -> list[FindingRecorded]:
    return await handlers.findings_of(service.store, inspection_id)
