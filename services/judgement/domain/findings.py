"""Findings: key strengths, and the recommendations the programme makes (areas for priority action and
for development in a JTAI, areas for improvement where judgements are graded), each standing on recorded
evidence (001 Proposal three and four; 002 §50). Pure functions: no I/O.

Every refusal cites the programme's own rule (its `[rules]`: `findings`, `finding_evidence`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.vocabulary import Agency
from shared.language.findings import finding_kinds
from shared.language.programmes import Programme
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.errors import RuleViolation
from shared.views.cited_evidence import SUPPORTED_BY, CitedItem, check_standing, contrary


def shows(kind: FindingKind) -> Bearing:
    """What a finding of this kind says: a key strength, a strength; a recommendation, a weakness (or an
    area for improvement: the same evidence supports either)."""
    return Bearing.STRENGTH if kind is FindingKind.KEY_STRENGTH else Bearing.WEAKNESS


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
    check_standing(
        c.unknown, c.inspection_id, rules.finding_evidence, "a finding must stand on recorded evidence"
    )
    opposite = contrary(c.cited, shows(c.kind))
    if opposite:
        wanted = SUPPORTED_BY[shows(c.kind)]
        raise RuleViolation(
            f"a {c.kind.value.replace('_', ' ')} must cite evidence of "
            f"{' or '.join(b.value.replace('_', ' ') for b in sorted(wanted))}; "
            f"{', '.join(opposite)} show the opposite",
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
