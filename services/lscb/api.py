"""The LSCB service's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.lscb import LscbEvaluationRecorded
from shared.contracts.vocabulary import ItemId, Text
from shared.eventstore import CommandContext
from shared.http import command_context, set_version
from shared.runtime import ServiceDep

from . import handlers

router = APIRouter(tags=["lscb"])
Context = Annotated[CommandContext, Depends(command_context)]


class EvaluationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Text
    evidence_item_ids: Annotated[list[ItemId], Field(min_length=1)]


@router.get(
    "/inspections/{inspection_id}/evaluation",
    summary="Evidence about the LSCB from every inspectorate, and the evaluation recorded",
)
async def evaluation(inspection_id: str, service: ServiceDep) -> dict[str, Any]:
    return await handlers.evaluation(service.store, service.db, inspection_id)


@router.post(
    "/inspections/{inspection_id}/evaluation",
    status_code=201,
    summary="Record the evaluation of the LSCB's effectiveness, citing evidence about the board",
)
async def record_evaluation(
    inspection_id: str, body: EvaluationRequest, service: ServiceDep, context: Context, response: Response
) -> LscbEvaluationRecorded:
    outcome = await handlers.record_evaluation(
        service.store, service.db, inspection_id, body.summary, body.evidence_item_ids, context
    )
    set_version(response, outcome.version)
    assert outcome.state.latest is not None
    return outcome.state.latest
