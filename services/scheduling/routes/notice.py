"""Notice: whom to notify, in order (the notification plan), and the record that each was notified
(001 Proposal two)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel

from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.language.workdays import today_in_england
from shared.mechanics.commands import HandlingDep
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.runtime import ServiceDep

from .. import handlers, views
from ..commands import RecordNotification
from ..domain import notice
from .inspections import InspectionView, answer
from .parameters import Body, ExpectedVersion

router = APIRouter()


class NotifyRequest(Body):
    recipient: Recipient
    agency: Agency | None = None
    notified_at: AwareDatetime | None = None  # defaults to now


class PlannedStep(BaseModel):
    recipient: Recipient
    agency: Agency | None
    addressee: str | None  # by name, from the area's LSCB register
    notified_by: Inspectorate | None  # who tells them, where the programme says
    notified_at: datetime | None  # None until done


class NotificationPlan(BaseModel):
    inspection_id: str
    due: date  # the notice date, or the first day of fieldwork when unannounced
    ordered: bool  # the programme sets the order (001 Proposal two) ...
    order_source: str | None = None  # ... and where it does, the paragraph it cites
    board_registered: bool  # the area has an LSCB register: the first step names who, and by name
    steps: list[PlannedStep]


@router.get(
    "/inspections/{inspection_id}/notification-plan",
    tags=["inspections"],
    summary="Whom to notify, in order: the LSCB's chair, or its business manager when the chair is absent on "
    "the day (from the lscb service's board register), then each agency's senior leader",
)
async def notification_plan(inspection_id: str, service: ServiceDep) -> NotificationPlan:
    state, _ = await views.inspection(service.store, inspection_id)
    board = await views.board_of(service.db, state)
    programme = views.programme_of(state)
    assert state.notice_date is not None
    steps = notice.notification_plan(state, programme, board, today_in_england())
    return NotificationPlan(
        inspection_id=inspection_id,
        due=state.notice_date,
        ordered=programme.notice.order is not None,
        order_source=programme.notice.order.source if programme.notice.order else None,
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
    handling: HandlingDep,
    response: Response,
    if_match: ExpectedVersion,
) -> InspectionView:
    command = RecordNotification(inspection_id, body.recipient, body.agency, body.notified_at, if_match)
    return answer(response, await handlers.handle(command, handling))
