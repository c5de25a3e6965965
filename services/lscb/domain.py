"""The inspectorates' evaluation of the Local Safeguarding Children Board's effectiveness
(001 Proposal one, fourth bullet). Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from shared.catalogue import Event
from shared.contracts.lscb import LscbEvaluationRecorded
from shared.decider import Decider
from shared.errors import RuleViolation

RULE = "001 Proposal one"  # "the effectiveness of the local safeguarding children board (LSCB)"


@dataclass(frozen=True)
class RecordEvaluation:
    inspection_id: str
    summary: str
    evidence_item_ids: tuple[str, ...]
    unknown: tuple[str, ...]  # cited ids that are not evidence about the board


@dataclass(frozen=True)
class Evaluation:
    latest: LscbEvaluationRecorded | None = None  # a later evaluation replaces an earlier one


def evolve(state: Evaluation, event: Event) -> Evaluation:
    return Evaluation(event) if isinstance(event, LscbEvaluationRecorded) else state


def decide(state: Evaluation, c: RecordEvaluation) -> list[Event]:
    if c.unknown:
        raise RuleViolation(
            f"{', '.join(c.unknown)} are not evidence about the LSCB recorded for inspection "
            f"{c.inspection_id}; the evaluation must stand on evidence about the board",
            RULE,
        )
    return [
        LscbEvaluationRecorded(
            inspection_id=c.inspection_id, summary=c.summary, evidence_item_ids=list(c.evidence_item_ids)
        )
    ]


evaluation = Decider[Evaluation, RecordEvaluation](Evaluation(), evolve, decide)


def stream_id(inspection_id: str) -> str:
    return f"lscb-evaluation-{inspection_id}"
