"""Judgement's commands: plain data, only what the caller asked (shared/mechanics/commands.py).

The handler of each (handlers.COMMANDS) loads what the decision needs - the inspection as this service
knows it, the cited items as they stand - and hands both to the domain."""

from __future__ import annotations

from dataclasses import dataclass

from shared.language.contracts.judgement import FindingKind
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.commands import Command
from shared.mechanics.decider import Decided

from .domain.findings import Findings
from .domain.judgements import Step
from .views import JudgementView


@dataclass(frozen=True)
class RecordFinding(Command[Decided[Findings]]):
    """A key strength, an area for priority action or an area for development, and the items it cites."""

    inspection_id: str
    finding_id: str
    kind: FindingKind
    addressed_to: Agency
    text: str
    evidence_item_ids: tuple[str, ...]


@dataclass(frozen=True)
class ProposeJudgement(Command[JudgementView]):
    """Propose a judgement or, with a reason, revise a final one."""

    inspection_id: str
    agency: Agency
    judgement_area: str
    grade: Grade | None
    text: str
    evidence_item_ids: tuple[str, ...]
    rationale: str | None = None
    leaders_understand_failure: bool = False
    reason: str | None = None  # a revision of a final judgement
    expected_version: int | None = None  # If-Match: the judgements' version the caller read


@dataclass(frozen=True)
class AdvanceJudgement(Command[JudgementView]):
    """Moderate, quality-assure, finalise or (with the reason) return a judgement."""

    inspection_id: str
    agency: Agency
    judgement_area: str
    step: Step
    reason: str | None = None
    expected_version: int | None = None
