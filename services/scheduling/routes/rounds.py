"""Rounds: plan one (its areas picked by the programme's rules, each with a reason), list them, read one."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from shared.language.contracts.scheduling import Concern, RoundPlanned
from shared.language.contracts.vocabulary import ShortText
from shared.mechanics.commands import HandlingDep
from shared.mechanics.envelope import new_id
from shared.mechanics.runtime import ServiceDep

from .. import handlers, views
from ..commands import PlanRound
from .parameters import Limit, Offset

router = APIRouter()


class RoundRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # as every Body: a field it does not know is refused

    programme: str
    name: ShortText
    size: Annotated[int | None, Field(ge=1, le=500)] = None  # at most the areas in the register
    deep_dive_theme: str | None = None
    seed: Annotated[str | None, Field(min_length=1, max_length=200)] = None  # generated when left out
    returning_after_inadequate: Annotated[list[str], Field(max_length=500)] = []
    concerns: Annotated[list[Concern], Field(max_length=500)] = []


@router.post(
    "/rounds", status_code=201, tags=["rounds"], summary="Plan a round: pick its areas, each with a reason"
)
async def plan_round(body: RoundRequest, handling: HandlingDep) -> RoundPlanned:
    command = PlanRound(
        round_id=new_id(),
        programme=body.programme,
        name=body.name,
        size=body.size,
        deep_dive_theme=body.deep_dive_theme,
        seed=body.seed or secrets.token_hex(8),
        returning_after_inadequate=tuple(body.returning_after_inadequate),
        concerns=tuple(body.concerns),
    )
    return await handlers.handle(command, handling)


@router.get("/rounds", tags=["rounds"], summary="Rounds planned, oldest first")
async def rounds(service: ServiceDep, limit: Limit = 100, offset: Offset = 0) -> list[RoundPlanned]:
    planned = await service.store.of_type(RoundPlanned.event_type, offset=offset, limit=limit)
    return [e for e in planned if isinstance(e, RoundPlanned)]


@router.get("/rounds/{round_id}", tags=["rounds"], summary="A round's picks, with the seed to re-run them")
async def get_round(round_id: str, service: ServiceDep) -> RoundPlanned:
    return await views.round_(service.store, round_id)
