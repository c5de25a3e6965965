"""The LSCB service's commands: plain data, only what the caller asked (shared/mechanics/commands.py).

The board register's commands name the area as the caller gave it (its ONS code or its name); their handler
finds the area and checks the caller keeps registers. The evaluation's name the inspection; their handler
loads the inspection as this service knows it and the cited items as they stand, and hands both to the
domain (handlers.COMMANDS). Each answers with the view as it stands after it (views.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import Office
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.commands import Command

from .views import BoardView, EvaluationView

# The board register of one area


@dataclass(frozen=True)
class AppointOfficer(Command[BoardView]):
    """Appoint the chair or the business manager."""

    area: str  # the area's ONS code or name
    office: Office
    name: str
    contact: str | None = None
    expected_version: int | None = None  # If-Match: the register's version the caller read


@dataclass(frozen=True)
class VacateOffice(Command[BoardView]):
    """The office is left vacant."""

    area: str
    office: Office
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordAbsence(Command[BoardView]):
    """The office holder is away, until a day or (leaving it out) until they return."""

    area: str
    office: Office
    absent_from: date
    absent_until: date | None
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordReturn(Command[BoardView]):
    """The office holder is back from an open absence."""

    area: str
    office: Office
    returned_on: date
    expected_version: int | None = None


@dataclass(frozen=True)
class JoinPartner(Command[BoardView]):
    """A statutory partner's organisation joins the board, with its senior leader's name where given; joining
    again with another name records that name."""

    area: str
    agency: Agency
    organisation: str
    expected_version: int | None = None
    senior_leader: str | None = None  # the organisation's senior leader, by name, as letters address them


@dataclass(frozen=True)
class LeavePartner(Command[BoardView]):
    """A partner's organisation leaves the board."""

    area: str
    agency: Agency
    organisation: str
    reason: str
    expected_version: int | None = None


# The shared evaluation of one inspection's board


@dataclass(frozen=True)
class Contribute(Command[EvaluationView]):
    """The acting inspectorate's finding about the board, against a criterion, attributed to a partner."""

    inspection_id: str
    contribution_id: str
    criterion: str | None
    bearing: Bearing
    attributed_to: Agency
    text: str
    evidence_item_ids: tuple[str, ...]
    expected_version: int | None = None  # If-Match: the evaluation's version the caller read


@dataclass(frozen=True)
class ProposeJudgement(Command[EvaluationView]):
    """The lead inspectorate proposes the shared judgement (a grade where the programme grades the board)."""

    inspection_id: str
    grade: Grade | None
    text: str
    evidence_item_ids: tuple[str, ...]
    expected_version: int | None = None


@dataclass(frozen=True)
class SignOff(Command[EvaluationView]):
    """The acting inspectorate agrees the proposal."""

    inspection_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class Dispute(Command[EvaluationView]):
    """The acting inspectorate does not agree the proposal, for these reasons."""

    inspection_id: str
    reasons: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ResolveDispute(Command[EvaluationView]):
    """The acting inspectorate withdraws its dispute, saying how it was resolved."""

    inspection_id: str
    resolution: str
    expected_version: int | None = None


@dataclass(frozen=True)
class Finalise(Command[EvaluationView]):
    """The lead inspectorate makes the signed-off proposal final."""

    inspection_id: str
    expected_version: int | None = None
