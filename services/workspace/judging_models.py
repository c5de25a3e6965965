"""What the workspace reads of findings, judgements and the board's evaluation (journeys 4 and 5), as
models.py reads the rest: the fields its pages show, ignoring the others."""

from __future__ import annotations

from pydantic import Field

from .models import Read


class FindingsRules(Read):
    """`judgements` of a programme: the kinds of recommendation findings it makes, and its scale."""

    scale: list[str] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    source: str = ""


class RecordedFinding(Read):
    """`GET /inspections/{id}/findings` on judgement: one finding recorded."""

    finding_id: str
    kind: str
    addressed_to: str
    text: str
    evidence_item_ids: list[str]


class AppliedRule(Read):
    rule_id: str
    source: str
    leads_to: str
    because: list[str]


class Derivation(Read):
    grade: str | None
    rules: list[AppliedRule]


class Flag(Read):
    reason: str
    evidence_item_id: str | None = None
    limiting_rules: list[AppliedRule] = Field(default_factory=list)


class JudgementView(Read):
    """One judgement of the board, as the judgement service reads it."""

    agency: str
    judgement_area: str
    title: str
    status: str | None
    grade: str | None = None
    text: str | None = None
    evidence_item_ids: list[str] = Field(default_factory=list)
    rationale: str | None = None
    derived: Derivation | None = None
    flagged: list[Flag] = Field(default_factory=list)


class Board(Read):
    """`GET /inspections/{id}/judgements` on judgement: every judgement the programme makes."""

    scale: list[str]
    narrative_for: list[str]
    judgements: list[JudgementView]
    version: int


class EvidenceRef(Read):
    evidence_item_id: str
    inspectorate: str
    agency: str
    bearing: str
    criteria: list[str]
    summary: str


class Contribution(Read):
    contribution_id: str
    inspectorate: str
    criterion: str | None
    bearing: str
    attributed_to: str
    text: str
    evidence_item_ids: list[str]


class Criterion(Read):
    criterion: str
    text: str
    evidence: list[EvidenceRef]
    contributions: list[Contribution]


class Proposed(Read):
    proposal: int
    grade: str | None
    text: str
    evidence_item_ids: list[str]


class Disputed(Read):
    inspectorate: str
    proposal: int
    reasons: str


class Final(Read):
    grade: str | None = None
    text: str | None = None
    summary: str | None = None
    descriptor: str | None = None
    descriptor_source: str | None = None
    signed_off_by: list[str] = Field(default_factory=list)


class BoardEvaluation(Read):
    """`GET /inspections/{id}/evaluation` on lscb, in full: criteria, contributions, proposal, sign-offs."""

    programme: str
    evaluation: str
    scale: list[str]
    criteria: list[Criterion]
    uncovered: list[str]
    evidence: list[EvidenceRef]
    contributions: list[Contribution]
    proposal: Proposed | None
    descriptor: str | None
    descriptor_source: str | None = None
    signed_off: list[str]
    awaiting: list[str]
    disputes: list[Disputed]
    final: Final | None
    version: int
