"""What each step of a report's lifecycle is decided on: the domain's decision inputs, each with the
`Context` its handler loaded (the inspection, who acts, the report's content now, whether it is ready).
Not the service's commands (services/reporting/commands.py), which hold only what the caller asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.language.contracts.reporting import Decision, Point
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate
from shared.views.boards import Board
from shared.views.inspections import Inspection

from .readiness import Readiness


@dataclass(frozen=True)
class Context:
    """What a step is decided on: the inspection, who acts, the report's content now, and whether it is
    ready (the day, its fieldwork, what it lacks)."""

    inspection: Inspection
    by: Inspectorate | None  # None for the LSCB chair, who acts for the partnership
    checksum: str  # of the Markdown rendered from the log now
    kind: str
    ready: Readiness


@dataclass(frozen=True)
class Draft:
    context: Context
    correction: str | None = None  # after publication: what changed, and when
    # A correction's context is the report with the correction's own words in it; this is the checksum of
    # the report without them, which tells whether anything changed since it was published.
    changed_from: str | None = None


@dataclass(frozen=True)
class QualityAssure:
    context: Context


@dataclass(frozen=True)
class Agree:
    context: Context


@dataclass(frozen=True)
class Send:
    """Send the agreed draft to whoever the programme says coordinates the factual-accuracy response."""

    context: Context
    board: Board | None  # the area's register, as reporting learnt it
    addressee: str | None = None  # an agency's senior leader, by name, as the lead inspectorate gives it


@dataclass(frozen=True)
class ReceiveResponse:
    context: Context
    points: tuple[Point, ...]


@dataclass(frozen=True)
class DecidePoint:
    context: Context
    point: int
    decision: Decision
    reason: str


@dataclass(frozen=True)
class Finalise:
    context: Context


@dataclass(frozen=True)
class Publish:
    context: Context


@dataclass(frozen=True)
class RequestActionPlan:
    context: Context
    led_by: Agency
    due_on: date


@dataclass(frozen=True)
class ReceiveActionPlan:
    context: Context
    received_on: date


@dataclass(frozen=True)
class RecordProgress:
    context: Context
    on: date
    note: str


Command = (
    Draft
    | QualityAssure
    | Agree
    | Send
    | ReceiveResponse
    | DecidePoint
    | Finalise
    | Publish
    | RequestActionPlan
    | ReceiveActionPlan
    | RecordProgress
)
