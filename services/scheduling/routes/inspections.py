"""Inspections: schedule one, list them, read one as it stands; a conditional inspectorate joins; the
lead inspectorate reschedules or cancels. Each answer is the inspection as it stands, its version the ETag."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Response

from shared.auth import Role
from shared.catalogue import Event
from shared.contracts.scheduling import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    MeetingScheduled,
    NotificationRecorded,
)
from shared.contracts.vocabulary import Reason, ShortText
from shared.envelope import Identifier, Inspectorate, new_id
from shared.http import set_version
from shared.runtime import ServiceDep
from shared.taking_part import Reader, may_read
from shared.workdays import today_in_england

from .. import handlers
from ..domain import area_calendar, inspection
from .parameters import Body, Context, ExpectedVersion, Limit, Offset

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


def answer(response: Response, outcome: tuple[inspection.Inspection, int]) -> InspectionView:
    state, version = outcome
    set_version(response, version)
    return view(state, version)


@router.post(
    "/inspections",
    status_code=201,
    tags=["inspections"],
    summary="Schedule an inspection: dates, notice, meetings",
)
async def schedule(
    body: ScheduleRequest, service: ServiceDep, context: Context, response: Response
) -> InspectionView:
    command = inspection.ScheduleInspection(
        inspection_id=new_id(),
        programme=handlers.programme(body.programme),
        area=handlers.area(body.area, on=body.fieldwork_starts),
        deep_dive_theme=body.deep_dive_theme,
        fieldwork_starts=body.fieldwork_starts,
        scheduled_by=context.inspectorate,
        today=today_in_england(),
        round=await handlers.round_(service.store, body.round_id) if body.round_id else None,
    )
    return answer(response, await handlers.schedule(service.store, command, context))


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
    query: dict[str, Any] = {"event_type": InspectionScheduled.event_type}
    if reader.role is not Role.AUDITOR and reader.inspectorate is not None:
        query = await handlers.taken_part_in(service.store, reader.inspectorate)
    if area is not None:
        query["envelope.payload.area_code"] = handlers.area(area).code
    if round_id is not None:
        query["envelope.payload.round_id"] = round_id
    if programme is not None:
        query["envelope.payload.programme"] = programme
    cursor = (
        service.store.events.find(query, {"inspection_id": 1})
        .sort("envelope.occurred_at", -1)
        .skip(offset)
        .limit(limit)
    )
    ids = [doc["inspection_id"] async for doc in cursor]
    return [
        view(state, version)
        for state, version in await handlers.inspections(service.store, ids)
        if may_read(reader, handlers.taking_part_of(state))
    ]


@router.get("/inspections/{inspection_id}", tags=["inspections"], summary="An inspection as it stands")
async def get_inspection(inspection_id: str, service: ServiceDep, response: Response) -> InspectionView:
    return answer(response, await handlers.inspection(service.store, inspection_id))


@router.post(
    "/inspections/{inspection_id}/participants",
    status_code=201,
    tags=["inspections"],
    summary="A conditional inspectorate joins: HMCPSI when triggered (002 §33), HMI Prisons on request",
)
async def join(
    inspection_id: str,
    body: JoinRequest,
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:

    def decide(state: inspection.Inspection) -> list[Event]:
        command = inspection.JoinInspection(
            programme=handlers.programme_of(state),
            inspectorate=body.inspectorate,
            condition=body.condition,
            reason=body.reason,
            by=context.inspectorate,
        )
        return inspection.join(state, command)

    outcome = await handlers.on_inspection(service.store, inspection_id, decide, context, if_match)
    return answer(response, outcome)


@router.post(
    "/inspections/{inspection_id}/reschedule",
    tags=["inspections"],
    summary="Move fieldwork to another week, with a reason; the team is released to be assigned again",
)
async def reschedule(
    inspection_id: str,
    body: RescheduleRequest,
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:

    def decide(
        state: inspection.Inspection, calendar: area_calendar.Calendar, _: object
    ) -> inspection.Changes:
        assert state.scheduled is not None
        command = inspection.Reschedule(
            programme=handlers.programme_of(state),
            area=handlers.area(state.scheduled.area_code, on=body.fieldwork_starts),
            fieldwork_starts=body.fieldwork_starts,
            reason=body.reason,
            by=context.inspectorate,
            today=today_in_england(),
        )
        changes = inspection.reschedule(state, calendar, command)
        handlers.at_fieldwork(command.area, changes.inspection)  # the area exists through the new dates
        return changes

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=handlers.team,
    )
    return answer(response, outcome)


@router.post(
    "/inspections/{inspection_id}/cancel",
    tags=["inspections"],
    summary="Cancel an inspection, with a reason; the area and the team are released",
)
async def cancel(
    inspection_id: str,
    body: CancelRequest,
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    def decide(state: inspection.Inspection, *_: object) -> inspection.Changes:
        command = inspection.Cancel(
            programme=handlers.programme_of(state),
            reason=body.reason,
            by=context.inspectorate,
            today=today_in_england(),
        )
        return inspection.cancel(state, command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=handlers.team,
    )
    return answer(response, outcome)
