"""An inspection's evidence file: its case samples (the shared one and each inspectorate's own), the close
of evidence gathering and its cases' erasure, on one stream (`evidence-file-{inspection}`). Whether
evidence gathering is open (`check_open`) is asked of the file by every evidence command. Pure functions:
no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from shared.language.contracts.evidence import (
    CaseErased,
    ErasureBasis,
    EvidenceGatheringClosed,
    Sample,
    SampleCaseAdded,
    SampleCaseRemoved,
)
from shared.language.subjects import ERASURE
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation

from .inspection import KnownInspection, Text, taking_part, the_lead


@dataclass(frozen=True)
class EvidenceFile:
    # sample ("shared" or an inspectorate) -> case reference -> how it was added
    samples: Mapping[str, Mapping[str, SampleCaseAdded]] = field(default_factory=dict)
    closed: EvidenceGatheringClosed | None = None
    erased: Mapping[str, CaseErased] = field(default_factory=dict)  # case reference -> its erasure

    def sample(self, name: Sample) -> Mapping[str, SampleCaseAdded]:
        return self.samples.get(str(name), {})

    def tracked_by(self, inspectorate: Inspectorate) -> set[str]:
        """The cases an inspectorate tracks: the shared sample and its own."""
        return {*self.sample("shared"), *self.sample(inspectorate)}


def evolve_file(state: EvidenceFile, event: Event) -> EvidenceFile:
    if isinstance(event, SampleCaseAdded | SampleCaseRemoved):
        cases = dict(state.sample(event.sample))
        if isinstance(event, SampleCaseAdded):
            cases[event.case_reference] = event
        else:
            cases.pop(event.case_reference, None)
        return replace(state, samples={**state.samples, str(event.sample): cases})
    if isinstance(event, EvidenceGatheringClosed):
        return replace(state, closed=event)
    if isinstance(event, CaseErased):
        return replace(state, erased={**state.erased, event.case_reference: event})
    return state


@dataclass(frozen=True)
class ChangeSample:
    inspection: KnownInspection
    sample: Sample
    case_reference: str
    by: Inspectorate
    reason: Text
    add: bool  # False: remove


@dataclass(frozen=True)
class CloseEvidenceGathering:
    inspection: KnownInspection
    by: Inspectorate
    reason: str


@dataclass(frozen=True)
class EraseCase:
    """The case's key is already destroyed when this is decided (handlers.erase_case): this records it."""

    inspection: KnownInspection
    case_reference: str
    by: Inspectorate
    basis: ErasureBasis


FileCommand = ChangeSample | CloseEvidenceGathering | EraseCase


def decide_file(state: EvidenceFile, c: FileCommand) -> list[Event]:
    inspection = c.inspection
    if isinstance(c, EraseCase):
        the_lead(inspection, c.by, "erases a case", ERASURE)
        if c.case_reference in state.erased:
            raise RuleViolation(f"case {c.case_reference} is already erased", ERASURE)
        return [
            CaseErased(
                inspection_id=inspection.inspection_id,
                case_reference=c.case_reference,
                erased_by=c.by,
                basis=c.basis,
            )
        ]
    rules = inspection.programme.rules
    if isinstance(c, CloseEvidenceGathering):
        the_lead(inspection, c.by, "closes evidence gathering", rules.evidence_gathering)
        if state.closed:
            raise RuleViolation(
                "evidence gathering is already closed for this inspection", rules.evidence_gathering
            )
        return [
            EvidenceGatheringClosed(inspection_id=inspection.inspection_id, closed_by=c.by, reason=c.reason)
        ]
    taking_part(inspection, c.by)
    check_open(inspection, state)
    if c.sample != "shared" and rules.own_samples is None:
        raise RuleViolation(
            f"in a {inspection.programme.title} the inspectorates track and sample cases together, with no "
            "sample of their own: add the case to the shared sample",
            rules.shared_sample,
        )
    if c.sample != "shared" and c.sample != c.by:
        raise Forbidden(
            f"{c.by} changes the shared sample or its own, not {c.sample}'s",
            rules.own_samples or rules.shared_sample,
        )
    rule = rules.shared_sample if c.sample == "shared" else rules.own_samples or rules.shared_sample
    present = c.case_reference in state.sample(c.sample)
    if c.add and present:
        raise RuleViolation(f"case {c.case_reference} is already in the {c.sample} sample", rule)
    if not c.add and not present:
        raise RuleViolation(f"case {c.case_reference} is not in the {c.sample} sample", rule)
    common = {
        "inspection_id": inspection.inspection_id,
        "sample": c.sample,
        "case_reference": c.case_reference,
    }
    if c.add:
        return [SampleCaseAdded(**common, added_by=c.by, reason=c.reason)]
    return [SampleCaseRemoved(**common, removed_by=c.by, reason=c.reason)]


def check_open(inspection: KnownInspection, file: EvidenceFile) -> None:
    """Evidence is gathered once the area has been notified, until the lead closes it or the inspection
    is cancelled."""
    rule = inspection.programme.rules.evidence_gathering
    if inspection.cancelled:
        raise RuleViolation("the inspection is cancelled: no evidence is gathered for it", rule)
    if file.closed:
        raise RuleViolation("evidence gathering is closed for this inspection", rule)
    if not inspection.notified:
        raise RuleViolation(
            "notice has not started: evidence is gathered once the area has been notified "
            "(record the notification first: jip inspections notify)",
            rule,
        )


evidence_file = Decider[EvidenceFile, FileCommand](EvidenceFile(), evolve_file, decide_file)


def file_stream(inspection_id: str) -> str:
    return f"evidence-file-{inspection_id}"
