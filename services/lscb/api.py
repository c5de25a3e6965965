"""The LSCB service's HTTP API: thin. Parse, build a command (commands.py), hand it to the service's
pipeline (handlers.handle); the queries read views.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import Citations, CriterionId, Office
from shared.language.contracts.vocabulary import Agency, CaseText, Grade, Reason, ShortText, Text
from shared.mechanics.auth import INSPECTORS, LEAD, authorise
from shared.mechanics.commands import Command, Handling, HandlingDep
from shared.mechanics.envelope import new_id
from shared.mechanics.http import Paged, expected_version, set_version
from shared.mechanics.runtime import ServiceDep
from shared.views.boards import Board
from shared.views.taking_part import reads

from . import handlers, views
from .commands import (
    AppointOfficer,
    Contribute,
    Dispute,
    Finalise,
    JoinPartner,
    LeavePartner,
    ProposeJudgement,
    RecordAbsence,
    RecordReturn,
    ResolveDispute,
    SignOff,
    VacateOffice,
)
from .views import BoardView, EvaluationView

BOARD = "/boards/{area}"
OFFICER = BOARD + "/officers/{office}"
EVALUATION = "/inspections/{inspection_id}/evaluation"
# Who may call each command (shared/mechanics/auth.py); reads are for READERS, of the inspections their
# inspectorate takes part in (shared/views/taking_part.py). The lead inspectorate's lead inspectors keep the
# board register as the board tells them (handlers.keep_register); inspectors contribute; each inspectorate's
# lead signs off.
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
Version = Annotated[int | None, Depends(expected_version)]
View = TypeVar("View", BoardView, EvaluationView)


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


class Joining(Partner):
    senior_leader: ShortText | None = Field(
        None,
        description="the organisation's senior leader, by name, as findings letters address them (001 "
        "Proposal four); the organisation joining again with another name records that name",
    )


class PartnerLeaving(Partner):
    reason: Reason


class Contribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion: CriterionId | None = Field(None, description="one of the board's criteria, e.g. 115c")
    bearing: Bearing
    attributed_to: Agency = Field(
        description="where in the partnership it lies: a partner, the board, the partnership"
    )
    text: CaseText
    evidence_item_ids: Citations


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: Grade | None = Field(
        None, description="where the programme grades the board; none for a narrative"
    )
    text: CaseText
    evidence_item_ids: Citations


class Reasons(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reasons: Text


class Resolution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: Reason


async def _handle(command: Command[View], handling: Handling, response: Response) -> View:
    """Hand the command to the pipeline; answer with the view after it, its version in the ETag."""
    view = await handlers.handle(command, handling)
    set_version(response, view.version)
    return view


@router.get("/boards", tags=["boards"], summary="Every board register, by area code")
async def boards_registered(service: ServiceDep, paged: Paged) -> list[Board]:
    return paged.of(await views.boards_registered(service.db))


@router.get(
    BOARD,
    tags=["boards"],
    summary="One area's board: its chair and business manager, their absences, the statutory partners on "
    "it and those missing (004 §41), and who is notified first today (001 Proposal two)",
)
async def board(area: str, service: ServiceDep, response: Response) -> BoardView:
    view = await views.board(service.store, area)
    set_version(response, view.version)
    return view


@router.put(OFFICER, tags=["boards"], summary="Appoint the chair or the business manager")
async def appoint(
    area: str, office: Office, body: Appointment, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    command = AppointOfficer(area, office, body.name, body.contact, version)
    return await _handle(command, handling, response)


@router.post(f"{OFFICER}/vacancy", tags=["boards"], summary="The office is left vacant")
async def vacate(
    area: str, office: Office, body: Vacancy, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    return await _handle(VacateOffice(area, office, body.reason, version), handling, response)


@router.post(
    f"{OFFICER}/absences",
    tags=["boards"],
    summary="The office holder is away: the other office is notified first meanwhile (001 Proposal two)",
)
async def absent(
    area: str, office: Office, body: Absence, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    command = RecordAbsence(area, office, body.absent_from, body.absent_until, body.reason, version)
    return await _handle(command, handling, response)


@router.post(f"{OFFICER}/return", tags=["boards"], summary="The office holder is back from an open absence")
async def returned(
    area: str, office: Office, body: Return, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    return await _handle(RecordReturn(area, office, body.returned_on, version), handling, response)


@router.post(
    f"{BOARD}/partners",
    tags=["boards"],
    summary="A statutory partner's organisation joins the board, with its senior leader's name",
)
async def join(
    area: str, body: Joining, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    command = JoinPartner(area, body.agency, body.organisation, version, body.senior_leader)
    return await _handle(command, handling, response)


@router.post(
    f"{BOARD}/partners/leaving", tags=["boards"], summary="A partner's organisation leaves the board"
)
async def leave(
    area: str, body: PartnerLeaving, handling: HandlingDep, response: Response, version: Version
) -> BoardView:
    command = LeavePartner(area, body.agency, body.organisation, body.reason, version)
    return await _handle(command, handling, response)


@router.get(
    EVALUATION,
    tags=["evaluation"],
    summary="The shared evaluation of the board: evidence and findings per criterion (004 §115 a-l), by "
    "partner, the proposed judgement, sign-offs, disputes and the final judgement",
)
async def evaluation(inspection_id: str, service: ServiceDep, response: Response) -> EvaluationView:
    view = await views.evaluation_of(service.store, service.db, service.keys, inspection_id)
    set_version(response, view.version)
    return view


@router.post(
    f"{EVALUATION}/contributions",
    status_code=201,
    tags=["evaluation"],
    summary="Contribute your inspectorate's finding about the board, against a criterion, attributed to a "
    "partner (e.g. 004 §113), citing evidence",
)
async def contribute(
    inspection_id: str, body: Contribution, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    command = Contribute(
        inspection_id,
        new_id(),
        body.criterion,
        body.bearing,
        body.attributed_to,
        body.text,
        tuple(body.evidence_item_ids),
        version,
    )
    return await _handle(command, handling, response)


@router.put(
    f"{EVALUATION}/proposal",
    tags=["evaluation"],
    summary="The lead inspectorate proposes the shared judgement; every inspectorate signs it off afresh",
)
async def propose(
    inspection_id: str, body: Proposal, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    command = ProposeJudgement(inspection_id, body.grade, body.text, tuple(body.evidence_item_ids), version)
    return await _handle(command, handling, response)


@router.post(f"{EVALUATION}/sign-off", tags=["evaluation"], summary="Your inspectorate agrees the proposal")
async def sign_off(
    inspection_id: str, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    return await _handle(SignOff(inspection_id, version), handling, response)


@router.post(
    f"{EVALUATION}/disputes",
    tags=["evaluation"],
    summary="Your inspectorate does not agree the proposal: the reasons, which block finalisation",
)
async def dispute(
    inspection_id: str, body: Reasons, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    return await _handle(Dispute(inspection_id, body.reasons, version), handling, response)


@router.post(
    f"{EVALUATION}/disputes/resolution",
    tags=["evaluation"],
    summary="Your inspectorate withdraws its dispute, saying how it was resolved",
)
async def resolve(
    inspection_id: str, body: Resolution, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    return await _handle(ResolveDispute(inspection_id, body.resolution, version), handling, response)


@router.post(
    f"{EVALUATION}/final",
    tags=["evaluation"],
    summary="The lead inspectorate makes the signed-off proposal final: every inspectorate taking part has "
    "agreed it, and no dispute is open",
)
async def finalise(
    inspection_id: str, handling: HandlingDep, response: Response, version: Version
) -> EvaluationView:
    return await _handle(Finalise(inspection_id, version), handling, response)
