"""Reporting's commands: each step of a report's lifecycle as plain data, only what the caller asked
(shared/mechanics/commands.py): the inspection, the words and dates given, and the version of the lifecycle it
read (`If-Match`, `expected_version`).

The handler of each (handlers.COMMANDS) loads what the step is decided on - the inspection's events as
reporting holds them, the report as rendered from them now, the day and whether the report is ready - and
hands it to the domain's decision (domain/decisions.py). Each answers where the report then stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.language.contracts.reporting import Decision, Point
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.commands import Command

from .views import LifecycleView


@dataclass(frozen=True)
class DraftReport(Command[LifecycleView]):
    """The lead inspectorate drafts the report (again); after publication, a correction saying what
    changed and when."""

    inspection_id: str
    correction: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class QualityAssureReport(Command[LifecycleView]):
    inspection_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class AgreeReport(Command[LifecycleView]):
    """The acting inspectorate agrees the report."""

    inspection_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SendReport(Command[LifecycleView]):
    """Send the agreed draft for its one factual-accuracy response: to the officer the LSCB's register
    names, or to the agency senior leader named here (`addressee`)."""

    inspection_id: str
    addressee: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordFactualAccuracyResponse(Command[LifecycleView]):
    """The one coordinated factual-accuracy response, point by point: an LSCB chair gives it only for their
    own area (the caller's, Handling.principal)."""

    inspection_id: str
    points: tuple[Point, ...]
    expected_version: int | None = None


@dataclass(frozen=True)
class DecideFactualAccuracyPoint(Command[LifecycleView]):
    inspection_id: str
    point: int
    decision: Decision
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class FinaliseReport(Command[LifecycleView]):
    inspection_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class PublishReport(Command[LifecycleView]):
    """The acting inspectorate publishes the final report."""

    inspection_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RequestActionPlan(Command[LifecycleView]):
    inspection_id: str
    led_by: Agency
    due_on: date
    expected_version: int | None = None


@dataclass(frozen=True)
class ReceiveActionPlan(Command[LifecycleView]):
    inspection_id: str
    received_on: date
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordActionPlanProgress(Command[LifecycleView]):
    inspection_id: str
    on: date
    note: str
    expected_version: int | None = None
