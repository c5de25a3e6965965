"""What every part of a document is built from: one inspection's events, folded once, and its findings.

The reporting service is a consumer: it folds the scheduling, evidence, judgement and LSCB events it holds
itself and imports none of the other services. Pure functions of the events: the same events give the same
result, whatever order the streams arrived in (each stream keeps its own order)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.language.contracts.judgement import (
    FindingKind,
    FindingRecorded,
    JudgementContent,
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementProposed,
    JudgementRevised,
)
from shared.language.contracts.scheduling import InspectionRescheduled, InspectionScheduled
from shared.language.contracts.vocabulary import Agency
from shared.language.findings import RECOMMENDATIONS
from shared.language.programmes import Programme, catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.views import inspections
from shared.views.evidence_items import standing_items

from ..domain.names import AGENCIES
from .redaction import Redactor, case_references
from .words import heading_of, name_of, support


@dataclass(frozen=True)
class JudgementRecord:
    """One judgement as the judgement events leave it: the latest content, and the content that stood
    when it was last finalised (the judgement of record, also while it is flagged or revised)."""

    latest: JudgementContent
    final: JudgementContent | None
    flagged: bool


def fold_judgements(events: Iterable[Event]) -> dict[tuple[Agency, str], JudgementRecord]:
    """Each judgement's latest content and its final content, from the judgement events in stream order."""
    latest: dict[tuple[Agency, str], JudgementContent] = {}
    final: dict[tuple[Agency, str], JudgementContent] = {}
    flagged: set[tuple[Agency, str]] = set()
    for event in events:
        if isinstance(event, JudgementProposed | JudgementRevised):
            key = (event.agency, event.judgement_area)
            latest[key] = event
            flagged.discard(key)
        elif isinstance(event, JudgementFinalised):
            key = (event.agency, event.judgement_area)
            if key in latest:
                final[key] = latest[key]
        elif isinstance(event, JudgementFlaggedForReview):
            flagged.add((event.agency, event.judgement_area))
    return {key: JudgementRecord(content, final.get(key), key in flagged) for key, content in latest.items()}


def scheduled_of(events: Iterable[Event]) -> InspectionScheduled:
    scheduled = next((e for e in events if isinstance(e, InspectionScheduled)), None)
    if scheduled is None:
        raise ValueError("no InspectionScheduled event: the document has nothing to be about")
    return scheduled


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    name: str  # "Key strength"
    text: str
    addressed_to: Agency
    addressee: str  # "the local partnership"
    support: str
    deep_dive: bool  # it cites evidence about the deep-dive cohort


@dataclass(frozen=True)
class FindingGroup:
    """Findings addressed to one agency or the partnership."""

    addressed_to: Agency
    addressee: str
    findings: list[Finding]


@dataclass(frozen=True)
class FindingSection:
    kind: FindingKind
    heading: str  # "Key strengths"
    findings: list[Finding]
    by_addressee: list[FindingGroup]
    # The groups addressed to one agency, not to the partnership as a whole.
    by_agency: list[FindingGroup] = field(default_factory=list)
    # The agencies whose findings of this kind the document gives in their own section instead, as words.
    elsewhere: str = ""


ADDRESSEE_ORDER = [Agency.PARTNERSHIP, *(a for a in Agency if a is not Agency.PARTNERSHIP)]


def section(kind: FindingKind, findings: list[Finding]) -> FindingSection:
    groups = [
        FindingGroup(
            addressed_to=a, addressee=AGENCIES[a], findings=[f for f in findings if f.addressed_to is a]
        )
        for a in ADDRESSEE_ORDER
    ]
    shown = [g for g in groups if g.findings]
    return FindingSection(
        kind=kind,
        heading=heading_of(kind),
        findings=findings,
        by_addressee=shown,
        by_agency=[g for g in shown if g.addressed_to is not Agency.PARTNERSHIP],
    )


class Inspection:
    """One inspection's events, folded once for every part of its document."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events
        self.scheduled = scheduled_of(events)
        self.programme: Programme = catalogue()[self.scheduled.programme]
        self.items: dict[str, EvidenceItemRecorded] = standing_items(events)
        self.clean = Redactor(case_references(events))
        self.records = fold_judgements(events)
        known = inspections.fold(self.scheduled.inspection_id, events)
        assert known is not None, "folded from its InspectionScheduled"
        self.inspectorates: list[Inspectorate] = list(known.inspectorates)
        self.agencies: list[Agency] = list(known.agencies)
        self.inspected_by: dict[Agency, Inspectorate] = {
            **self.programme.agency_inspectorates(),
            **self.scheduled.agencies,
        }
        moved = [e for e in events if isinstance(e, InspectionRescheduled)]
        self._findings = self._folded_findings()
        self.fieldwork: tuple[date, date] = (
            (moved[-1].fieldwork_starts, moved[-1].fieldwork_ends)
            if moved
            else (self.scheduled.fieldwork_starts, self.scheduled.fieldwork_ends)
        )

    def inspected(self) -> list[Agency]:
        """The agencies inspected, in the programme's order, then any the programme does not list."""
        listed = [r.agency for r in self.programme.agencies]
        return [a for a in listed if a in self.agencies] + [a for a in self.agencies if a not in listed]

    def findings(self) -> list[Finding]:
        """Every finding, in the order recorded."""
        return list(self._findings)

    def _folded_findings(self) -> list[Finding]:
        result = []
        deep_dive = self.programme.deep_dive_area()  # the programme's, where it has one (001 Proposal one)
        for event in self.events:
            if not isinstance(event, FindingRecorded):
                continue
            cited = [self.items[i] for i in event.evidence_item_ids if i in self.items]
            result.append(
                Finding(
                    kind=event.kind,
                    name=name_of(event.kind),
                    text=self.clean(event.text),
                    addressed_to=event.addressed_to,
                    addressee=AGENCIES[event.addressed_to],
                    support=support(event.evidence_item_ids, self.items),
                    deep_dive=deep_dive is not None and any(i.judgement_area == deep_dive for i in cited),
                )
            )
        return result

    def kinds(self, findings: Sequence[Finding]) -> list[FindingKind]:
        """Key strengths and each kind of recommendation the programme makes, and any other kind of
        finding recorded, in that order."""
        kinds = [FindingKind.KEY_STRENGTH]
        kinds += [RECOMMENDATIONS[r] for r in self.programme.judgements.recommendations]
        kinds += [k for k in FindingKind if k not in kinds and any(f.kind is k for f in findings)]
        return [k for k in FindingKind if k in kinds]

    def sections(self, findings: Sequence[Finding] | None = None) -> list[FindingSection]:
        """The findings by kind, each kind the programme makes even when none was recorded; findings of one
        kind in the order they were recorded."""
        found = self.findings() if findings is None else list(findings)
        return [section(kind, [f for f in found if f.kind is kind]) for kind in self.kinds(found)]

    def sections_for(self, agency: Agency) -> list[FindingSection]:
        """The findings addressed to one agency (or the partnership), by kind: only kinds it has."""
        mine = [f for f in self.findings() if f.addressed_to is agency]
        return [s for s in self.sections(mine) if s.findings]
