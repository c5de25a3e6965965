"""Inspections: schedule one, list them, read one as it stands; a conditional inspectorate joins; the
lead inspectorate reschedules or cancels. Each answer is the inspection as it stands, its version the ETag."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Response

from shared.language.contracts.scheduling import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    MeetingScheduled,
    NotificationRecorded,
)
from shared.language.contracts.vocabulary import Reason, ShortText
from shared.mechanics.auth import Role
from shared.mechanics.commands import HandlingDep
from shared.mechanics.decider import Decided
from shared.mechanics.envelope import Identifier, Inspectorate, new_id
from shared.mechanics.http import set_version
from shared.mechanics.runtime import ServiceDep
from shared.views.taking_part import Reader, may_read

from .. import handlers, views
from ..commands import CancelInspection, JoinInspection, RescheduleInspection, ScheduleInspection
from ..domain import inspection
from .parameters import Body, ExpectedVersion, Limit, Offset

router = APIRouter()


class ScheduleRequest(Body):
    programme: str = "jtai-2015"
    area: ShortText  # the area's ONS code or name
    deep_dive_theme: str | None = None
    fieldwork_starts: date
    round_id: Identifier | None = None


class JoinRequest(Body):
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: Reason


class RescheduleRequest(Body):
    fieldwork_starts: date
    reason: Reason


class CancelRequest(Body):
    reason: Reason


class InspectionView(InspectionScheduled):
    """The inspection as it stands: dates as rescheduled, who takes part, notifications, meetings and
    team, and the stream version (also the ETag)."""

    joined: list[InspectorateJoined]
    meetings: list[MeetingScheduled]
    notifications: list[NotificationRecorded]
    team: list[InspectorAssigned]
    rescheduled: list[InspectionRescheduled]
    cancelled: InspectionCancelled | None
    version: int


def view(state: inspection.Inspection, version: int) -> InspectionView:
    assert state.scheduled is not None
    assert state.window is not None
    assert state.notice_date is not None
    current: dict[str, Any] = {
        **dict(state.scheduled),
        "fieldwork_starts": state.window.starts,
        "fieldwork_ends": state.window.ends,
        "notice_date": state.notice_date,
        "inspectorates": state.inspectorates,
        "agencies": state.agencies,
    }
    return InspectionView(
        **current,
        joined=list(state.joined),
        meetings=sorted(state.meetings, key=lambda m: m.on),
        notifications=list(state.notifications),
        team=list(state.team),
        rescheduled=list(state.rescheduled),
        cancelled=state.cancelled,
        version=version,
    )


def answer(response: Response, outcome: Decided[inspection.Inspection]) -> InspectionView:
    set_version(response, outcome.version)
    return view(outcome.state, outcome.version)


@router.post(
    "/inspections",
    status_code=201,
    tags=["inspections"],
    summary="Schedule an inspection: dates, notice, meetings",
)
async def schedule(body: ScheduleRequest, handling: HandlingDep, response: Response) -> InspectionView:
    command = ScheduleInspection(
        inspection_id=new_id(),
        programme=body.programme,
        area=body.area,
        deep_dive_theme=body.deep_dive_theme,
        fieldwork_starts=body.fieldwork_starts,
        round_id=body.round_id,
    )
    return answer(response, await handlers.handle(command, handling))


@router.get(
    "/inspections",
    tags=["inspections"],
    summary="Inspections scheduled, newest first: for an inspectorate, those it takes part in",
)
async def inspections(
    service: ServiceDep,
    reader: Reader,
    area: str | None = None,
    round_id: str | None = None,
    programme: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[InspectionView]:
    only = reader.inspectorate if reader.role is not Role.AUDITOR else None
    area_code = views.area(area).code if area is not None else None
    found = await views.scheduled(service.store, only, area_code, round_id, programme, limit, offset)
    return [view(state, version) for state, version in found if may_read(reader, views.taking_part_of(state))]


@router.get("/inspections/{inspection_id}", tags=["inspections"], summary="An inspection as it stands")
async def get_inspection(inspection_id: str, service: ServiceDep, response: Response) -> InspectionView:
    state, version = await views.inspection(service.store, inspection_id)
    set_version(response, version)
    return view(state, version)


@router.post(
    "/inspections/{inspection_id}/participants",
    status_code=201,
    tags=["inspections"],
    summary="A conditional inspectorate joins: HMCPSI when triggered (002 §33), HMI Prisons on request",
)
async def join(
    inspection_id: str,
    body: JoinRequest,
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = JoinInspection(inspection_id, body.inspectorate, body.condition, body.reason, if_match)
    return answer(response, await handlers.handle(command, handling))


@router.post(
    "/inspections/{inspection_id}/reschedule",
    tags=["inspections"],
    summary="Move fieldwork to another week, with a reason; the team is released to be assigned again",
)
async def reschedule(
    inspection_id: str,
    body: RescheduleRequest,
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = RescheduleInspection(inspection_id, body.fieldwork_starts, body.reason, if_match)
    return answer(response, await handlers.handle(command, handling))


@router.post(
    "/inspections/{inspection_id}/cancel",
    tags=["inspections"],
    summary="Cancel an inspection, with a reason; the area and the team are released",
)
async def cancel(
    inspection_id: str,
    body: CancelRequest,
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = CancelInspection(inspection_id, body.reason, if_match)
    return answer(response, await handlers.handle(command, handling))
