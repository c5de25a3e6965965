"""The team and the inspectors: assign an inspector for weeks of fieldwork, release one; register an
inspector, list them, read one's availability and bookings, record their unavailability."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from shared.contracts.scheduling import (
    InspectorRegistered,
    InspectorUnavailable,
    Period,
)
from shared.contracts.vocabulary import Reason, ShortText
from shared.envelope import Identifier, Inspectorate, new_id
from shared.errors import NotFound
from shared.runtime import ServiceDep

from .. import handlers
from ..domain import inspection, inspector_diary, team
from .inspections import InspectionView, answer
from .parameters import Body, Context, ExpectedVersion, Limit, Offset

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
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    def decide(
        state: inspection.Inspection, _: object, diaries: dict[str, inspector_diary.Diary]
    ) -> inspection.Changes:
        command = team.Assign(
            programme=handlers.programme_of(state),
            inspector_id=body.inspector_id,
            weeks=tuple(body.weeks),
            by=context.inspectorate,
        )
        return team.assign(state, diaries[body.inspector_id], command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=lambda _: [body.inspector_id],
    )
    return answer(response, outcome)


@router.post(
    "/inspections/{inspection_id}/team/{inspector_id}/release",
    tags=["teams"],
    summary="Release an inspector from the team, with a reason",
)
async def release(
    inspection_id: str,
    inspector_id: str,
    body: ReleaseRequest,
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    def decide(state: inspection.Inspection, *_: object) -> inspection.Changes:
        command = team.Release(
            inspector_id=inspector_id,
            reason=body.reason,
            by=context.inspectorate,
            programme=handlers.programme_of(state),
        )
        return team.release(state, command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=lambda _: [inspector_id],
    )
    return answer(response, outcome)


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
async def register_inspector(body: RegisterRequest, service: ServiceDep, context: Context) -> InspectorView:
    registered = InspectorRegistered(
        inspector_id=body.inspector_id or new_id(), inspectorate=context.inspectorate, name=body.name
    )
    return _inspector(await handlers.register_inspector(service.store, registered, context))


@router.get("/inspectors", tags=["teams"], summary="Registered inspectors, optionally of one inspectorate")
async def inspectors(
    service: ServiceDep, inspectorate: Inspectorate | None = None, limit: Limit = 100, offset: Offset = 0
) -> list[InspectorView]:
    query: dict[str, Any] = {"event_type": InspectorRegistered.event_type}
    if inspectorate is not None:
        query["envelope.payload.inspectorate"] = inspectorate.value
    cursor = service.store.events.find(query, {"envelope.payload.inspector_id": 1})
    cursor = cursor.sort("envelope.occurred_at", 1).skip(offset).limit(limit)
    ids = [doc["envelope"]["payload"]["inspector_id"] async for doc in cursor]
    return [_inspector(state) for state in await handlers.diaries(service.store, ids)]


@router.get("/inspectors/{inspector_id}", tags=["teams"], summary="An inspector's availability and bookings")
async def get_inspector(inspector_id: str, service: ServiceDep) -> InspectorView:
    state, _ = await handlers.diary(service.store, inspector_id)
    if state.registered is None:
        raise NotFound(f"unknown inspector {inspector_id}")
    return _inspector(state)


@router.post(
    "/inspectors/{inspector_id}/unavailability",
    status_code=201,
    tags=["teams"],
    summary="Record leave, training or other work: no assignment then",
)
async def unavailable(
    inspector_id: str, body: UnavailableRequest, service: ServiceDep, context: Context
) -> InspectorView:
    absence = InspectorUnavailable(
        inspector_id=inspector_id, period=Period(starts=body.starts, ends=body.ends), reason=body.reason
    )
    return _inspector(await handlers.declare_unavailable(service.store, absence, context))
