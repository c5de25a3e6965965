"""The board register of one local area: its officers, their absences and the statutory partners on the
board, changed only by events. Pure functions: no I/O; the state is `shared.views.boards.Board`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.language.areas import Area
from shared.language.contracts.lscb import (
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardOfficerLeft,
    BoardOfficerReturned,
    BoardPartnerJoined,
    BoardPartnerLeft,
    Office,
)
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.errors import RuleViolation
from shared.views import boards
from shared.views.boards import Board

NOTICE_RULE = "001 Proposal two"  # the chair first; the business manager in the chair's absence


@dataclass(frozen=True)
class Appoint:
    area: Area
    office: Office
    name: str
    contact: str | None


@dataclass(frozen=True)
class Vacate:
    area: Area
    office: Office
    reason: str


@dataclass(frozen=True)
class Absent:
    area: Area
    office: Office
    absent_from: date
    absent_until: date | None
    reason: str


@dataclass(frozen=True)
class Return:
    area: Area
    office: Office
    returned_on: date


@dataclass(frozen=True)
class JoinPartner:
    area: Area
    agency: Agency
    organisation: str
    senior_leader: str | None = None  # the organisation's senior leader, by name; None: not given


@dataclass(frozen=True)
class LeavePartner:
    area: Area
    agency: Agency
    organisation: str
    reason: str


Command = Appoint | Vacate | Absent | Return | JoinPartner | LeavePartner


def decide(board: Board | None, c: Command) -> list[Event]:
    where = {"area_code": c.area.code, "local_area": c.area.name}
    held = (
        board.officer(c.office)
        if board is not None and not isinstance(c, JoinPartner | LeavePartner)
        else None
    )
    match c:
        case Appoint():
            if held is not None and (held.name, held.contact) == (c.name, c.contact):
                return []  # asked again: nothing changes
            return [BoardOfficerAppointed(**where, office=c.office, name=c.name, contact=c.contact)]
        case Vacate():
            if held is None:
                raise RuleViolation(
                    f"the {c.office} of the {c.area.name} LSCB is already vacant", NOTICE_RULE
                )
            return [BoardOfficerLeft(**where, office=c.office, reason=c.reason)]
        case Absent():
            if held is None:
                raise RuleViolation(
                    f"the {c.office} of the {c.area.name} LSCB is vacant: appoint someone before recording "
                    "an absence",
                    NOTICE_RULE,
                )
            if c.absent_until is not None and c.absent_until < c.absent_from:
                raise RuleViolation("an absence ends on or after the day it starts", NOTICE_RULE)
            if held.open_absence() is not None:
                raise RuleViolation(
                    f"{held.name} is already away with no return date: record the return first", NOTICE_RULE
                )
            clash = next((a for a in held.absences if _overlap(a, c.absent_from, c.absent_until)), None)
            if clash is not None:
                raise RuleViolation(
                    f"{held.name} is already recorded as away from {clash.absent_from} to "
                    f"{clash.absent_until}",
                    NOTICE_RULE,
                )
            return [
                BoardOfficerAbsent(
                    **where,
                    office=c.office,
                    absent_from=c.absent_from,
                    absent_until=c.absent_until,
                    reason=c.reason,
                )
            ]
        case Return():
            away = held.open_absence() if held is not None else None
            if away is None:
                raise RuleViolation(f"the {c.office} has no absence without a return date", NOTICE_RULE)
            if c.returned_on <= away.absent_from:
                raise RuleViolation(
                    f"the return must come after the absence started on {away.absent_from}", NOTICE_RULE
                )
            return [BoardOfficerReturned(**where, office=c.office, returned_on=c.returned_on)]
        case JoinPartner():
            if c.agency not in boards.STATUTORY_PARTNERS:
                statutory = ", ".join(boards.STATUTORY_PARTNERS)
                raise RuleViolation(
                    f"{c.agency} is not a statutory partner of the board: {statutory}", boards.PARTNERS_RULE
                )
            on_board = next(
                (
                    p
                    for p in (board.partners if board is not None else ())
                    if (p.agency, p.organisation) == (c.agency, c.organisation)
                ),
                None,
            )
            if on_board is not None and c.senior_leader in (None, on_board.senior_leader):
                return []  # asked again, with no other name: nothing changes
            return [
                BoardPartnerJoined(
                    **where, agency=c.agency, organisation=c.organisation, senior_leader=c.senior_leader
                )
            ]
        case LeavePartner():
            if board is None or all(
                (p.agency, p.organisation) != (c.agency, c.organisation) for p in board.partners
            ):
                raise RuleViolation(
                    f"{c.organisation} ({c.agency}) is not on the {c.area.name} LSCB", boards.PARTNERS_RULE
                )
            return [BoardPartnerLeft(**where, agency=c.agency, organisation=c.organisation, reason=c.reason)]
    raise AssertionError(c)


def _overlap(absence: boards.Absence, start: date, end: date | None) -> bool:
    return (end is None or absence.absent_from <= end) and (
        absence.absent_until is None or start <= absence.absent_until
    )


register = Decider[Board | None, Command](None, boards.evolve, decide)


def stream_id(area_code: str) -> str:
    return f"lscb-board-{area_code}"
