"""Scheduling's commands: plain data, only what the caller asked (shared/mechanics/commands.py).

The handler of each (handlers.COMMANDS) loads what the decision needs - the programme and the area by
their ids, the inspection, its area's calendar and the diaries it reaches as they stand - and hands them
to the domain. A command on an inspection answers it as it stands, with its stream's version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from shared.language.contracts.scheduling import Concern, Recipient, RoundPlanned
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.commands import Command
from shared.mechanics.decider import Decided
from shared.mechanics.envelope import Inspectorate

from .domain.inspection import Inspection
from .domain.inspector_diary import Diary


@dataclass(frozen=True)
class PlanRound(Command[RoundPlanned]):
    """Pick a round's areas by the programme's rules, each with a reason."""

    round_id: str
    programme: str
    name: str
    size: int | None
    deep_dive_theme: str | None
    seed: str
    returning_after_inadequate: tuple[str, ...]  # the areas' ONS codes or names
    concerns: tuple[Concern, ...]


@dataclass(frozen=True)
class ScheduleInspection(Command[Decided[Inspection]]):
    """Schedule an inspection of an area (its ONS code or name) under a programme, from a fieldwork week."""

    inspection_id: str
    programme: str
    area: str
    deep_dive_theme: str | None
    fieldwork_starts: date
    round_id: str | None = None


@dataclass(frozen=True)
class JoinInspection(Command[Decided[Inspection]]):
    """A conditional inspectorate joins the inspection, on a condition, for a reason."""

    inspection_id: str
    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: str
    expected_version: int | None = None  # If-Match: the inspection's version the caller read


@dataclass(frozen=True)
class RescheduleInspection(Command[Decided[Inspection]]):
    inspection_id: str
    fieldwork_starts: date
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class CancelInspection(Command[Decided[Inspection]]):
    inspection_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RecordNotification(Command[Decided[Inspection]]):
    """The LSCB or an agency's senior leader was notified: at `notified_at`, or now when left out."""

    inspection_id: str
    recipient: Recipient
    agency: Agency | None
    notified_at: datetime | None
    expected_version: int | None = None


@dataclass(frozen=True)
class AssignInspector(Command[Decided[Inspection]]):
    """An inspector joins the inspection's team for weeks of fieldwork."""

    inspection_id: str
    inspector_id: str
    weeks: tuple[int, ...]
    expected_version: int | None = None


@dataclass(frozen=True)
class ReleaseInspector(Command[Decided[Inspection]]):
    inspection_id: str
    inspector_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RegisterInspector(Command[Diary]):
    """An inspectorate registers one of its own inspectors."""

    inspector_id: str
    name: str


@dataclass(frozen=True)
class DeclareUnavailable(Command[Diary]):
    """Leave, training or other work: the inspector is not assigned from `starts` to `ends`."""

    inspector_id: str
    starts: date
    ends: date
    reason: str
