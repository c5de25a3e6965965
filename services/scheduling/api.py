"""Scheduling's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.areas import Area, as_at, register
from shared.auth import INSPECTORS, LEAD, Role, authorise
from shared.catalogue import Event
from shared.contracts.scheduling import (
    Concern,
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorRegistered,
    InspectorUnavailable,
    MeetingScheduled,
    NotificationRecorded,
    Period,
    Recipient,
    RoundPlanned,
)
from shared.contracts.vocabulary import Agency, Reason, ShortText
from shared.envelope import Identifier, Inspectorate, new_id, utc_now
from shared.errors import NotFound
from shared.eventstore import CommandContext
from shared.http import MAX_OFFSET, Paged, command_context, expected_version, set_version
from shared.programmes import Programme, catalogue
from shared.runtime import ServiceDep
from shared.taking_part import Reader, may_read, reads
from shared.workdays import today_in_england

from . import domain, handlers, selection

# Who may call each command (shared/auth.py); reads are for READERS, of the inspections their inspectorate
# takes part in (shared/taking_part.py). The lead inspectorate's lead inspector schedules and notifies;
# each inspectorate's lead registers and deploys its own inspectors.
ACCESS = {
    ("POST", "/rounds"): LEAD,
    ("POST", "/inspections"): LEAD,
    ("POST", "/inspections/{inspection_id}/notifications"): LEAD,
    ("POST", "/inspections/{inspection_id}/participants"): LEAD,
    ("POST", "/inspections/{inspection_id}/reschedule"): LEAD,
    ("POST", "/inspections/{inspection_id}/cancel"): LEAD,
    ("POST", "/inspections/{inspection_id}/team"): LEAD,
    ("POST", "/inspections/{inspection_id}/team/{inspector_id}/release"): LEAD,
    ("POST", "/inspectors"): LEAD,
    ("POST", "/inspectors/{inspector_id}/unavailability"): INSPECTORS,
}
router = APIRouter(dependencies=[Depends(authorise(ACCESS)), Depends(reads(handlers.taking_part))])
Context = Annotated[CommandContext, Depends(command_context)]
ExpectedVersion = Annotated[int | None, Depends(expected_version)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- programmes and areas


@router.get("/programmes", tags=["programmes"], summary="The programme versions this platform runs")
async def programmes(paged: Paged) -> list[Programme]:
    return paged.of(list(catalogue().values()))


@router.get(
    "/programmes/{programme_id}", tags=["programmes"], summary="One programme version, every rule cited"
)
async def get_programme(programme_id: str) -> Programme:
    return handlers.programme(programme_id)


@router.get(
    "/areas",
    tags=["areas"],
    summary="The register of local authority areas (ONS codes): every area since 2012 with the dates it "
    "existed and its successors, or with `on`, those existing that day",
)
async def areas(paged: Paged, on: date | None = None) -> list[Area]:
    return paged.of(list((as_at(on) if on else register()).values()))


@router.get("/areas/{code}", tags=["areas"], summary="One area: police force and custody facilities")
async def get_area(code: str) -> Area:
    return handlers.area(code)


# ---------------------------------------------------------------- rounds


class RoundRequest(_Body):
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
async def plan_round(body: RoundRequest, service: ServiceDep, context: Context) -> RoundPlanned:
    command = selection.PlanRound(
        round_id=new_id(),
        programme=handlers.programme(body.programme),
        name=body.name,
        size=body.size,
        deep_dive_theme=body.deep_dive_theme,
        seed=body.seed or secrets.token_hex(8),
        returning_after_inadequate=tuple(
            handlers.area(a, on=today_in_england()).code for a in body.returning_after_inadequate
        ),
        concerns=tuple(body.concerns),
    )
    return await handlers.plan_round(service.store, command, context)


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.get("/rounds", tags=["rounds"], summary="Rounds planned, oldest first")
async def rounds(service: ServiceDep, limit: Limit = 100, offset: Offset = 0) -> list[RoundPlanned]:
    planned = await service.store.of_type(RoundPlanned.event_type, offset=offset, limit=limit)
    return [e for e in planned if isinstance(e, RoundPlanned)]


@router.get("/rounds/{round_id}", tags=["rounds"], summary="A round's picks, with the seed to re-run them")
async def get_round(round_id: str, service: ServiceDep) -> RoundPlanned:
    return await handlers.round_(service.store, round_id)


# ---------------------------------------------------------------- inspections


class ScheduleRequest(_Body):
    programme: str = "jtai-2015"
    area: ShortText  # the area's ONS code or name
    deep_dive_theme: str | None = None
    fieldwork_starts: date
    round_id: Identifier | None = None


class NotifyRequest(_Body):
    recipient: Recipient
    agency: Agency | None = None
    notified_at: AwareDatetime | None = None  # defaults to now


class JoinRequest(_Body):
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: Reason


class RescheduleRequest(_Body):
    fieldwork_starts: date
    reason: Reason


class CancelRequest(_Body):
    reason: Reason


class AssignRequest(_Body):
    inspector_id: Identifier
    weeks: Annotated[list[Annotated[int, Field(ge=1, le=8)]], Field(min_length=1, max_length=8)]


class ReleaseRequest(_Body):
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


def _view(state: domain.Inspection, version: int) -> InspectionView:
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


def _answer(response: Response, outcome: tuple[domain.Inspection, int]) -> InspectionView:
    state, version = outcome
    set_version(response, version)
    return _view(state, version)


@router.post(
    "/inspections",
    status_code=201,
    tags=["inspections"],
    summary="Schedule an inspection: dates, notice, meetings",
)
async def schedule(
    body: ScheduleRequest, service: ServiceDep, context: Context, response: Response
) -> InspectionView:
    command = domain.ScheduleInspection(
        inspection_id=new_id(),
        programme=handlers.programme(body.programme),
        area=handlers.area(body.area, on=body.fieldwork_starts),
        deep_dive_theme=body.deep_dive_theme,
        fieldwork_starts=body.fieldwork_starts,
        scheduled_by=context.inspectorate,
        today=today_in_england(),
        round=await handlers.round_(service.store, body.round_id) if body.round_id else None,
    )
    return _answer(response, await handlers.schedule(service.store, command, context))


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
        _view(state, version)
        for state, version in await handlers.inspections(service.store, ids)
        if may_read(reader, handlers.taking_part_of(state))
    ]


@router.get("/inspections/{inspection_id}", tags=["inspections"], summary="An inspection as it stands")
async def get_inspection(inspection_id: str, service: ServiceDep, response: Response) -> InspectionView:
    return _answer(response, await handlers.inspection(service.store, inspection_id))


class PlannedStep(BaseModel):
    recipient: Recipient
    agency: Agency | None
    addressee: str | None  # by name, from the area's LSCB register
    notified_by: Inspectorate | None  # who tells them, where the programme says
    notified_at: datetime | None  # None until done


class NotificationPlan(BaseModel):
    inspection_id: str
    due: date  # the notice date, or the first day of fieldwork when unannounced
    ordered: bool  # the programme sets the order (001 Proposal two)
    board_registered: bool  # the area has an LSCB register: the first step names who, and by name
    steps: list[PlannedStep]


@router.get(
    "/inspections/{inspection_id}/notification-plan",
    tags=["inspections"],
    summary="Whom to notify, in order: the LSCB's chair, or its business manager when the chair is absent on "
    "the day (from the lscb service's board register), then each agency's senior leader",
)
async def notification_plan(inspection_id: str, service: ServiceDep) -> NotificationPlan:
    state, _ = await handlers.inspection(service.store, inspection_id)
    board = await handlers.board_of(service.db, state)
    programme = handlers.programme_of(state)
    assert state.notice_date is not None
    steps = domain.notification_plan(state, programme, board, today_in_england())
    return NotificationPlan(
        inspection_id=inspection_id,
        due=state.notice_date,
        ordered=bool(programme.notice.first_notified),
        board_registered=board is not None,
        steps=[
            PlannedStep(
                recipient=s.recipient,
                agency=s.agency,
                addressee=s.addressee,
                notified_by=s.notified_by,
                notified_at=s.done.notified_at if s.done else None,
            )
            for s in steps
        ],
    )


@router.post(
    "/inspections/{inspection_id}/notifications",
    status_code=201,
    tags=["inspections"],
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
    now = utc_now()  # the platform's clock (shared/clock.py): a rehearsal's moved time
    board = await handlers.board_of(service.db, (await handlers.inspection(service.store, inspection_id))[0])

    def decide(state: domain.Inspection) -> list[Event]:
        command = domain.RecordNotification(
            programme=handlers.programme_of(state),
            recipient=body.recipient,
            agency=body.agency,
            notified_by=context.inspectorate,
            notified_at=body.notified_at or now,
            now=now,
            board=board,
        )
        return domain.notify(state, command)

    outcome = await handlers.on_inspection(service.store, inspection_id, decide, context, if_match)
    return _answer(response, outcome)


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

    def decide(state: domain.Inspection) -> list[Event]:
        command = domain.JoinInspection(
            programme=handlers.programme_of(state),
            inspectorate=body.inspectorate,
            condition=body.condition,
            reason=body.reason,
            by=context.inspectorate,
        )
        return domain.join(state, command)

    outcome = await handlers.on_inspection(service.store, inspection_id, decide, context, if_match)
    return _answer(response, outcome)


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

    def decide(state: domain.Inspection, calendar: domain.Calendar, _: object) -> domain.Changes:
        assert state.scheduled is not None
        command = domain.Reschedule(
            programme=handlers.programme_of(state),
            area=handlers.area(state.scheduled.area_code, on=body.fieldwork_starts),
            fieldwork_starts=body.fieldwork_starts,
            reason=body.reason,
            by=context.inspectorate,
            today=today_in_england(),
        )
        changes = domain.reschedule(state, calendar, command)
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
    return _answer(response, outcome)


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
    def decide(state: domain.Inspection, *_: object) -> domain.Changes:
        command = domain.Cancel(
            programme=handlers.programme_of(state),
            reason=body.reason,
            by=context.inspectorate,
            today=today_in_england(),
        )
        return domain.cancel(state, command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=handlers.team,
    )
    return _answer(response, outcome)


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
    def decide(state: domain.Inspection, _: object, diaries: dict[str, domain.Diary]) -> domain.Changes:
        command = domain.Assign(
            programme=handlers.programme_of(state),
            inspector_id=body.inspector_id,
            weeks=tuple(body.weeks),
            by=context.inspectorate,
        )
        return domain.assign(state, diaries[body.inspector_id], command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=lambda _: [body.inspector_id],
    )
    return _answer(response, outcome)


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
    def decide(state: domain.Inspection, *_: object) -> domain.Changes:
        command = domain.Release(
            inspector_id=inspector_id,
            reason=body.reason,
            by=context.inspectorate,
            programme=handlers.programme_of(state),
        )
        return domain.release(state, command)

    outcome = await handlers.across(
        service.store,
        inspection_id,
        decide,
        context,
        if_match,
        diaries_of=lambda _: [inspector_id],
    )
    return _answer(response, outcome)


# ---------------------------------------------------------------- inspectors


class RegisterRequest(_Body):
    name: ShortText
    inspector_id: Identifier | None = None  # generated when left out


class UnavailableRequest(_Body):
    starts: date
    ends: date
    reason: Reason


class InspectorView(BaseModel):
    inspector_id: str
    inspectorate: Inspectorate
    name: str
    unavailable: list[InspectorUnavailable]
    bookings: dict[str, list[Period]]  # inspection id -> days on site


def _inspector(state: domain.Diary) -> InspectorView:
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
