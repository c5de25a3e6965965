"""The LSCB service's HTTP API: thin. Parse, build a command, hand it on."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import INSPECTORS, LEAD, authorise
from shared.boards import Board
from shared.contracts.lscb import Office
from shared.contracts.vocabulary import Agency, Reason, ShortText, Text
from shared.envelope import Inspectorate
from shared.eventstore import CommandContext
from shared.http import Paged, command_context, expected_version, set_version
from shared.inspections import Inspection
from shared.runtime import ServiceDep
from shared.taking_part import reads

from . import handlers
from .domain import board_register
from .domain.evaluation import Command, Dispute, Finalise, Resolve, SignOff

BOARD = "/boards/{area}"
OFFICER = BOARD + "/officers/{office}"
EVALUATION = "/inspections/{inspection_id}/evaluation"
# Who may call each command (shared/auth.py); reads are for READERS, of the inspections their inspectorate
# takes part in (shared/taking_part.py). The lead inspectorate's lead inspectors keep the board register
# as the board tells them (handlers.keep_register); inspectors contribute; each inspectorate's lead signs
# off.
ACCESS = {
    ("PUT", OFFICER): LEAD,
    ("POST", f"{OFFICER}/vacancy"): LEAD,
    ("POST", f"{OFFICER}/absences"): LEAD,
    ("POST", f"{OFFICER}/return"): LEAD,
    ("POST", f"{BOARD}/partners"): LEAD,
    ("POST", f"{BOARD}/partners/leaving"): LEAD,
    ("POST", f"{EVALUATION}/contributions"): INSPECTORS,
    ("PUT", f"{EVALUATION}/proposal"): LEAD,
    ("POST", f"{EVALUATION}/sign-off"): LEAD,
    ("POST", f"{EVALUATION}/disputes"): LEAD,
    ("POST", f"{EVALUATION}/disputes/resolution"): LEAD,
    ("POST", f"{EVALUATION}/final"): LEAD,
}
router = APIRouter(dependencies=[Depends(authorise(ACCESS)), Depends(reads(handlers.taking_part))])
Context = Annotated[CommandContext, Depends(command_context)]
Version = Annotated[int | None, Depends(expected_version)]
BOARD = "/boards/{area}"
OFFICER = BOARD + "/officers/{office}"
EVALUATION = "/inspections/{inspection_id}/evaluation"
AREA = "the area's ONS code or name, e.g. E08000036 or Wakefield"


class Appointment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    contact: ShortText | None = Field(None, description="how to reach them: an e-mail address or telephone")


class Vacancy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class Absence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    absent_from: date
    absent_until: date | None = Field(None, description="the last day away; leave out until they return")
    reason: Reason


class Return(BaseModel):
    model_config = ConfigDict(extra="forbid")

    returned_on: date


class Partner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: Agency
    organisation: ShortText


class PartnerLeaving(Partner):
    reason: Reason


class Reasons(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: Text


class Resolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: Reason


def _answer(response: Response, view: handlers.BoardView | handlers.EvaluationView) -> None:
    set_version(response, view.version)


async def _change(
    response: Response,
    service: ServiceDep,
    command: board_register.Command,
    context: CommandContext,
    version: int | None,
) -> handlers.BoardView:
    view = await handlers.change_board(service.store, command, context, version)
    _answer(response, view)
    return view


@router.get("/boards", tags=["boards"], summary="Every board register, by area code")
async def boards_registered(service: ServiceDep, paged: Paged) -> list[Board]:
    return paged.of(await handlers.boards_registered(service.db))


@router.get(
    BOARD,
    tags=["boards"],
    summary="One area's board: its chair and business manager, their absences, the statutory partners on "
    "it and those missing (004 §41), and who is notified first today (001 Proposal two)",
)
async def board(area: str, service: ServiceDep, response: Response) -> handlers.BoardView:
    view = await handlers.board(service.store, area)
    _answer(response, view)
    return view


@router.put(OFFICER, tags=["boards"], summary="Appoint the chair or the business manager")
async def appoint(
    area: str,
    office: Office,
    body: Appointment,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.BoardView:
    command = board_register.Appoint(handlers.area(area), office, body.name, body.contact)
    return await _change(response, service, command, context, version)


@router.post(f"{OFFICER}/vacancy", tags=["boards"], summary="The office is left vacant")
async def vacate(
    area: str,
    office: Office,
    body: Vacancy,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.BoardView:
    command = board_register.Vacate(handlers.area(area), office, body.reason)
    return await _change(response, service, command, context, version)


@router.post(
    f"{OFFICER}/absences",
    tags=["boards"],
    summary="The office holder is away: the other office is notified first meanwhile (001 Proposal two)",
)
async def absent(
    area: str,
    office: Office,
    body: Absence,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.BoardView:
    command = board_register.Absent(
        handlers.area(area), office, body.absent_from, body.absent_until, body.reason
    )
    return await _change(response, service, command, context, version)


@router.post(f"{OFFICER}/return", tags=["boards"], summary="The office holder is back from an open absence")
async def returned(
    area: str,
    office: Office,
    body: Return,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.BoardView:
    command = board_register.Return(handlers.area(area), office, body.returned_on)
    return await _change(response, service, command, context, version)


@router.post(
    f"{BOARD}/partners", tags=["boards"], summary="A statutory partner's organisation joins the board"
)
async def join(
    area: str, body: Partner, service: ServiceDep, context: Context, response: Response, version: Version
) -> handlers.BoardView:
    command = board_register.JoinPartner(handlers.area(area), body.agency, body.organisation)
    return await _change(response, service, command, context, version)


@router.post(
    f"{BOARD}/partners/leaving", tags=["boards"], summary="A partner's organisation leaves the board"
)
async def leave(
    area: str,
    body: PartnerLeaving,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.BoardView:
    command = board_register.LeavePartner(handlers.area(area), body.agency, body.organisation, body.reason)
    return await _change(response, service, command, context, version)


@router.get(
    EVALUATION,
    tags=["evaluation"],
    summary="The shared evaluation of the board: evidence and findings per criterion (004 §115 a-l), by "
    "partner, the proposed judgement, sign-offs, disputes and the final judgement",
)
async def evaluation(inspection_id: str, service: ServiceDep, response: Response) -> handlers.EvaluationView:
    view = await handlers.evaluation_of(service.store, service.db, service.keys, inspection_id)
    _answer(response, view)
    return view


@router.post(
    f"{EVALUATION}/contributions",
    status_code=201,
    tags=["evaluation"],
    summary="Contribute your inspectorate's finding about the board, against a criterion, attributed to a "
    "partner (e.g. 004 §113), citing evidence",
)
async def contribute(
    inspection_id: str,
    body: handlers.Contribution,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.EvaluationView:
    view = await handlers.contribute(
        service.store, service.db, service.keys, inspection_id, body, context, version
    )
    _answer(response, view)
    return view


@router.put(
    f"{EVALUATION}/proposal",
    tags=["evaluation"],
    summary="The lead inspectorate proposes the shared judgement; every inspectorate signs it off afresh",
)
async def propose(
    inspection_id: str,
    body: handlers.Proposal,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.EvaluationView:
    view = await handlers.propose(
        service.store, service.db, service.keys, inspection_id, body, context, version
    )
    _answer(response, view)
    return view


async def _run(
    inspection_id: str,
    service: ServiceDep,
    context: CommandContext,
    response: Response,
    version: int | None,
    make: handlers.Make,
) -> handlers.EvaluationView:
    view = await handlers.run(service.store, service.db, service.keys, inspection_id, make, context, version)
    _answer(response, view)
    return view


@router.post(f"{EVALUATION}/sign-off", tags=["evaluation"], summary="Your inspectorate agrees the proposal")
async def sign_off(
    inspection_id: str, service: ServiceDep, context: Context, response: Response, version: Version
) -> handlers.EvaluationView:
    return await _run(inspection_id, service, context, response, version, SignOff)


@router.post(
    f"{EVALUATION}/disputes",
    tags=["evaluation"],
    summary="Your inspectorate does not agree the proposal: the reasons, which block finalisation",
)
async def dispute(
    inspection_id: str,
    body: Reasons,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.EvaluationView:
    def make(known: Inspection, by: Inspectorate) -> Command:
        return Dispute(known, by, body.reasons)

    return await _run(inspection_id, service, context, response, version, make)


@router.post(
    f"{EVALUATION}/disputes/resolution",
    tags=["evaluation"],
    summary="Your inspectorate withdraws its dispute, saying how it was resolved",
)
async def resolve(
    inspection_id: str,
    body: Resolution,
    service: ServiceDep,
    context: Context,
    response: Response,
    version: Version,
) -> handlers.EvaluationView:
    def make(known: Inspection, by: Inspectorate) -> Command:
        return Resolve(known, by, body.resolution)

    return await _run(inspection_id, service, context, response, version, make)


@router.post(
    f"{EVALUATION}/final",
    tags=["evaluation"],
    summary="The lead inspectorate makes the signed-off proposal final: every inspectorate taking part has "
    "agreed it, and no dispute is open",
)
async def finalise(
    inspection_id: str, service: ServiceDep, context: Context, response: Response, version: Version
) -> handlers.EvaluationView:
    return await _run(inspection_id, service, context, response, version, Finalise)
