"""Scheduling's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.contracts.vocabulary import Agency, ShortText
from shared.envelope import new_id
from shared.eventstore import CommandContext
from shared.http import command_context, expected_version, set_version
from shared.programmes import Programme, catalogue
from shared.runtime import ServiceDep
from shared.workdays import today_in_england

from . import domain, handlers

router = APIRouter(tags=["inspections"])
Context = Annotated[CommandContext, Depends(command_context)]
ExpectedVersion = Annotated[int | None, Depends(expected_version)]


class ScheduleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: str = "jtai-2015"
    local_area: ShortText
    deep_dive_theme: str
    fieldwork_starts: date


class NotifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: Recipient
    agency: Agency | None = None
    notified_at: AwareDatetime | None = None  # defaults to now


class InspectionView(InspectionScheduled):
    """The inspection as scheduled, who has been notified, and the stream version (also the ETag)."""

    notifications: list[NotificationRecorded]
    version: int


def _view(state: domain.Inspection, version: int) -> InspectionView:
    assert state.scheduled is not None
    return InspectionView(**dict(state.scheduled), notifications=list(state.notifications), version=version)


@router.post("/inspections", status_code=201, summary="Schedule an inspection and compute its notice date")
async def schedule(
    body: ScheduleRequest, service: ServiceDep, context: Context, response: Response
) -> InspectionView:
    command = domain.ScheduleInspection(
        inspection_id=new_id(),
        programme=handlers.programme(body.programme),
        local_area=body.local_area,
        deep_dive_theme=body.deep_dive_theme,
        fieldwork_starts=body.fieldwork_starts,
        scheduled_by=context.inspectorate,
        today=today_in_england(),
    )
    outcome = await handlers.schedule(service.store, command, context)
    set_version(response, outcome.version)
    return _view(outcome.state, outcome.version)


@router.get("/inspections/{inspection_id}", summary="An inspection, with who has been notified")
async def get_inspection(inspection_id: str, service: ServiceDep, response: Response) -> InspectionView:
    state, version = await handlers.inspection(service.store, inspection_id)
    set_version(response, version)
    return _view(state, version)


@router.post(
    "/inspections/{inspection_id}/notifications",
    status_code=201,
    summary="Record that the LSCB or an agency's senior leader was notified (001 Proposal two)",
)
async def notify(
    inspection_id: str,
    body: NotifyRequest,
    service: ServiceDep,
    context: Context,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    state, _ = await handlers.inspection(service.store, inspection_id)
    assert state.scheduled is not None
    now = datetime.now(UTC)
    command = domain.RecordNotification(
        programme=handlers.programme(state.scheduled.programme),
        recipient=body.recipient,
        agency=body.agency,
        notified_by=context.inspectorate,
        notified_at=body.notified_at or now,
        now=now,
    )
    outcome = await handlers.notify(service.store, inspection_id, command, context, if_match)
    set_version(response, outcome.version)
    return _view(outcome.state, outcome.version)


@router.get("/programmes", tags=["programmes"], summary="The programmes this platform runs")
async def programmes() -> list[Programme]:
    return list(catalogue().values())
