"""Findings: key strengths, and the recommendations the programme makes (areas for priority action and
for development in a JTAI, areas for improvement where judgements are graded), each standing on recorded
evidence (001 Proposal three and four; 002 §50). Pure functions: no I/O.

Every refusal cites the programme's own rule (its `[rules]`: `findings`, `finding_evidence`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.catalogue import Event
from shared.contracts.evidence import Bearing
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.vocabulary import Agency
from shared.decider import Decider
from shared.errors import RuleViolation
from shared.programmes import Programme

# A strength stands on evidence of strength; a recommendation on evidence of weakness or of an area for
# improvement.
_TO_IMPROVE = frozenset({Bearing.WEAKNESS, Bearing.AREA_FOR_IMPROVEMENT})
SUPPORTED_BY = {
    FindingKind.KEY_STRENGTH: frozenset({Bearing.STRENGTH}),
    FindingKind.AREA_FOR_PRIORITY_ACTION: _TO_IMPROVE,
    FindingKind.AREA_FOR_DEVELOPMENT: _TO_IMPROVE,
    FindingKind.AREA_FOR_IMPROVEMENT: _TO_IMPROVE,
}


@dataclass(frozen=True)
class CitedItem:
    evidence_item_id: str
    bearing: Bearing


@dataclass(frozen=True)
class RecordFinding:
    inspection_id: str
    finding_id: str
    kind: FindingKind
    addressed_to: Agency
    text: str
    cited: tuple[CitedItem, ...]  # the cited items this service has seen for the inspection
    unknown: tuple[str, ...]  # cited ids it has not seen, or that were withdrawn
    agencies: tuple[Agency, ...]  # the inspection's agencies
    programme: Programme  # its kinds of finding, and where it states its rules


RECOMMENDATIONS = {
    "priority_action": FindingKind.AREA_FOR_PRIORITY_ACTION,
    "development": FindingKind.AREA_FOR_DEVELOPMENT,
    "improvement": FindingKind.AREA_FOR_IMPROVEMENT,
}


def finding_kinds(programme: Programme) -> tuple[FindingKind, ...]:
    """Key strengths in every programme, and the recommendations its catalogue file names."""
    return (FindingKind.KEY_STRENGTH, *(RECOMMENDATIONS[r] for r in programme.judgements.recommendations))


@dataclass(frozen=True)
class Findings:
    recorded: tuple[FindingRecorded, ...] = ()


def evolve(state: Findings, event: Event) -> Findings:
    if isinstance(event, FindingRecorded):
        return replace(state, recorded=(*state.recorded, event))
    return state


def decide(state: Findings, c: RecordFinding) -> list[Event]:
    rules = c.programme.rules
    kinds = finding_kinds(c.programme)
    if c.kind not in kinds:
        raise RuleViolation(
            f"{c.programme.id} findings are {', '.join(k.value.replace('_', ' ') for k in kinds)}, "
            f"not {c.kind.value.replace('_', ' ')}",
            rules.findings,
        )
    if c.unknown:
        raise RuleViolation(
            f"evidence items {', '.join(c.unknown)} are not recorded for inspection "
            f"{c.inspection_id}, or were withdrawn; a finding must stand on recorded evidence",
            rules.finding_evidence,
        )
    wanted = SUPPORTED_BY[c.kind]
    contrary = [item.evidence_item_id for item in c.cited if item.bearing not in wanted]
    if contrary:
        raise RuleViolation(
            f"a {c.kind.value.replace('_', ' ')} must cite evidence of "
            f"{' or '.join(b.value.replace('_', ' ') for b in sorted(wanted))}; "
            f"{', '.join(contrary)} show the opposite",
            rules.finding_evidence,
        )
    if c.addressed_to not in (*c.agencies, Agency.PARTNERSHIP, Agency.LSCB):
        raise RuleViolation(
            f"a finding is for the partnership or an inspected agency "
            f"({', '.join(c.agencies)}), not {c.addressed_to}",
            rules.findings,
        )
    return [
        FindingRecorded(
            inspection_id=c.inspection_id,
            finding_id=c.finding_id,
            kind=c.kind,
            addressed_to=c.addressed_to,
            text=c.text,
            evidence_item_ids=[item.evidence_item_id for item in c.cited],
        )
    ]


findings = Decider[Findings, RecordFinding](Findings(), evolve, decide)


def stream_id(inspection_id: str) -> str:
    return f"findings-{inspection_id}"
