"""The team and the inspectors: assign an inspector for weeks of fieldwork, release one; register an
inspector, list them, read one's availability and bookings, record their unavailability."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from shared.language.contracts.scheduling import InspectorUnavailable, Period
from shared.language.contracts.vocabulary import Reason, ShortText
from shared.mechanics.commands import HandlingDep
from shared.mechanics.envelope import Identifier, Inspectorate, new_id
from shared.mechanics.errors import NotFound
from shared.mechanics.runtime import ServiceDep

from .. import handlers, views
from ..commands import AssignInspector, DeclareUnavailable, RegisterInspector, ReleaseInspector
from ..domain import inspector_diary
from .inspections import InspectionView, answer
from .parameters import Body, ExpectedVersion, Limit, Offset

router = APIRouter()


class AssignRequest(Body):
    inspector_id: Identifier
    weeks: Annotated[list[Annotated[int, Field(ge=1, le=8)]], Field(min_length=1, max_length=8)]


class ReleaseRequest(Body):
    reason: Reason


@router.post(
    "/inspections/{inspection_id}/team",
    status_code=201,
    tags=["teams"],
    summary="Assign an inspector for weeks of fieldwork (phases and on-site limits apply)",
)
async def assign(
    inspection_id: str,
    body: AssignRequest,
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = AssignInspector(inspection_id, body.inspector_id, tuple(body.weeks), if_match)
    return answer(response, await handlers.handle(command, handling))


@router.post(
    "/inspections/{inspection_id}/team/{inspector_id}/release",
    tags=["teams"],
    summary="Release an inspector from the team, with a reason",
)
async def release(
    inspection_id: str,
    inspector_id: str,
    body: ReleaseRequest,
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = ReleaseInspector(inspection_id, inspector_id, body.reason, if_match)
    return answer(response, await handlers.handle(command, handling))


class RegisterRequest(Body):
    name: ShortText
    inspector_id: Identifier | None = None  # generated when left out


class UnavailableRequest(Body):
    starts: date
    ends: date
    reason: Reason


class InspectorView(BaseModel):
    inspector_id: str
    inspectorate: Inspectorate
    name: str
    unavailable: list[InspectorUnavailable]
    bookings: dict[str, list[Period]]  # inspection id -> days on site


def _inspector(state: inspector_diary.Diary) -> InspectorView:
    assert state.registered is not None
    r = state.registered
    bookings = {k: list(v) for k, v in state.bookings.items()}
    return InspectorView(
        inspector_id=r.inspector_id,
        inspectorate=r.inspectorate,
        name=r.name,
        unavailable=list(state.unavailable),
        bookings=bookings,
    )


@router.post(
    "/inspectors", status_code=201, tags=["teams"], summary="Register an inspector of your inspectorate"
)
async def register_inspector(body: RegisterRequest, handling: HandlingDep) -> InspectorView:
    command = RegisterInspector(body.inspector_id or new_id(), body.name)
    return _inspector(await handlers.handle(command, handling))


@router.get("/inspectors", tags=["teams"], summary="Registered inspectors, optionally of one inspectorate")
async def inspectors(
    service: ServiceDep, inspectorate: Inspectorate | None = None, limit: Limit = 100, offset: Offset = 0
) -> list[InspectorView]:
    return [_inspector(state) for state in await views.registered(service.store, inspectorate, limit, offset)]


@router.get("/inspectors/{inspector_id}", tags=["teams"], summary="An inspector's availability and bookings")
async def get_inspector(inspector_id: str, service: ServiceDep) -> InspectorView:
    state, _ = await views.diary(service.store, inspector_id)
    if state.registered is None:
        raise NotFound(f"unknown inspector {inspector_id}")
    return _inspector(state)


@router.post(
    "/inspectors/{inspector_id}/unavailability",
    status_code=201,
    tags=["teams"],
    summary="Record leave, training or other work: no assignment then",
)
async def unavailable(inspector_id: str, body: UnavailableRequest, handling: HandlingDep) -> InspectorView:
    command = DeclareUnavailable(inspector_id, body.starts, body.ends, body.reason)
    return _inspector(await handlers.handle(command, handling))
