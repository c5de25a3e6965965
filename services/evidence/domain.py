"""Evidence items, case samples, lines of enquiry and the close of evidence gathering. Pure functions: no I/O.

Each evidence item and each line of enquiry is its own stream, so inspectors recording at the same time
never conflict; an inspection's case samples and its close share one stream, its evidence file. Every
refusal cites the programme's own rule (its `[rules]`: `evidence_gathering`, `shared_sample`,
`own_samples`, `joint_audit`, `lines_of_enquiry`), or the domain brief for the platform's own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from shared.catalogue import Event
from shared.contracts.evidence import (
    Activity,
    CaseErased,
    ErasureBasis,
    EvidenceGatheringClosed,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    Sample,
    SampleCaseAdded,
    SampleCaseRemoved,
    details_of,
)
from shared.contracts.vocabulary import Agency
from shared.decider import Decider
from shared.envelope import Inspectorate
from shared.errors import Forbidden, RuleViolation
from shared.evidence_items import EvidenceItem as EvidenceItem  # the state of an item, as it stands
from shared.evidence_items import evolve
from shared.inspections import Inspection
from shared.programmes import Programme
from shared.subjects import ERASURE, Sealed

# Text as commands carry it: sealed to its case before the command is decided, plain where no child is
# its subject (shared/subjects.py). The domain never sees the text of a case.
Text = Sealed | str

# Evidence may be about the board or the partnership as a whole, as well as a named agency.
ALWAYS_ABOUT = (Agency.LSCB, Agency.PARTNERSHIP)
OWN_INSPECTORATE = "domain.md People: inspectors record evidence for their own inspectorate only"
IMMUTABLE = (
    "domain.md Data protection: erasable without rewriting history; what was recorded stays, and a "
    "correction is a new event"
)


# What this service learned of an inspection from scheduling's events (shared/inspections.py): who takes
# part, about which agencies, whether the area has been notified (notice has started) and cancelled.
KnownInspection = Inspection


# --- the evidence file: case samples and the close ---------------------------------------------------


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
    """The case's key is already destroyed when this is decided (handlers.erase): this records it."""

    inspection: KnownInspection
    case_reference: str
    by: Inspectorate
    basis: ErasureBasis


FileCommand = ChangeSample | CloseEvidenceGathering | EraseCase


def decide_file(state: EvidenceFile, c: FileCommand) -> list[Event]:
    inspection = c.inspection
    if isinstance(c, EraseCase):
        _the_lead(inspection, c.by, "erases a case", ERASURE)
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
        _the_lead(inspection, c.by, "closes evidence gathering", rules.evidence_gathering)
        if state.closed:
            raise RuleViolation(
                "evidence gathering is already closed for this inspection", rules.evidence_gathering
            )
        return [
            EvidenceGatheringClosed(inspection_id=inspection.inspection_id, closed_by=c.by, reason=c.reason)
        ]
    _taking_part(inspection, c.by)
    _open(inspection, state)
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


evidence_file = Decider[EvidenceFile, FileCommand](EvidenceFile(), evolve_file, decide_file)


# --- evidence items ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordEvidenceItem:
    inspection: KnownInspection
    file: EvidenceFile
    evidence_item_id: str
    inspectorate: Inspectorate  # the recording inspector's own
    inspector: str
    details: HeldDetails


@dataclass(frozen=True)
class CorrectEvidenceItem:
    """Amend (with the corrected details) or withdraw (without)."""

    inspection: KnownInspection
    file: EvidenceFile
    evidence_item_id: str
    inspectorate: Inspectorate
    inspector: str
    reason: str
    details: HeldDetails | None = None


def decide_item(state: EvidenceItem, c: RecordEvidenceItem | CorrectEvidenceItem) -> list[Event]:
    inspection = c.inspection
    common = {
        "inspection_id": inspection.inspection_id,
        "evidence_item_id": c.evidence_item_id,
        "inspectorate": c.inspectorate,
        "inspector": c.inspector,
    }
    if isinstance(c, RecordEvidenceItem):
        if state.current is not None:
            raise RuleViolation(f"evidence item {c.evidence_item_id} is already recorded", IMMUTABLE)
        check_item(inspection, c.file, c.inspectorate, c.details)
        return [EvidenceItemRecorded(**common, **dict(c.details))]
    if state.current is None:
        raise RuleViolation(
            f"evidence item {c.evidence_item_id} is not recorded for this inspection", IMMUTABLE
        )
    if state.current.inspectorate is not c.inspectorate:
        raise Forbidden(
            f"evidence item {c.evidence_item_id} was recorded by {state.current.inspectorate}: "
            f"only {state.current.inspectorate} corrects it",
            OWN_INSPECTORATE,
        )
    if state.withdrawn:
        raise RuleViolation(f"evidence item {c.evidence_item_id} is withdrawn: record a new item", IMMUTABLE)
    if c.details is None:
        _open(inspection, c.file)
        return [EvidenceItemWithdrawn(**common, reason=c.reason)]
    check_item(inspection, c.file, c.inspectorate, c.details)
    if c.details == details_of(state.current):
        raise RuleViolation("the amendment changes nothing in the item", IMMUTABLE)
    return [EvidenceItemAmended(**common, **dict(c.details), reason=c.reason)]


def check_item(
    inspection: KnownInspection, file: EvidenceFile, inspectorate: Inspectorate, item: HeldDetails
) -> None:
    """Everything an item must satisfy against its inspection, whoever records or amends it."""
    programme = inspection.programme
    _taking_part(inspection, inspectorate)
    _open(inspection, file)
    _about(inspection, item.agency)
    if item.judgement_area not in programme.area_ids():
        raise RuleViolation(
            f"{item.judgement_area!r} is not an area of {programme.id}: {', '.join(programme.area_ids())}",
            programme.judgement_areas[0].source,
        )
    _judged_on(programme, item.agency, item.judgement_area)
    check_criteria(programme, item.criteria, item.agency, item.judgement_area)
    rules = programme.rules
    if item.activity is Activity.JOINT_AUDIT:
        if rules.joint_audit is None:
            raise RuleViolation(
                f"{programme.id} has no deep dive, so no joint audit of deep-dive cases",
                programme.judgement_areas[0].source,
            )
        if item.case_reference not in file.sample("shared"):
            raise RuleViolation(
                f"case {item.case_reference} is not in the shared sample: the joint audit is of the "
                "deep-dive cases chosen for it during notice; add the case to the shared sample first",
                rules.joint_audit,
            )
    if item.activity is Activity.CASE_TRACKING and item.case_reference not in file.tracked_by(inspectorate):
        own = f"nor {inspectorate}'s own" if rules.own_samples else "(the cases tracked together)"
        raise RuleViolation(
            f"case {item.case_reference} is in neither the shared sample {own}: add it to a sample before "
            "tracking it",
            "; ".join(dict.fromkeys(r for r in (rules.shared_sample, rules.own_samples) if r)),
        )


def _judged_on(programme: Programme, agency: Agency, area_id: str) -> None:
    """Evidence about an agency the programme grades bears on the areas it grades that agency on: e.g. the
    police are not judged on children looked after (004 §71), so HMIC's evidence about looked-after
    children bears on help and protection. Evidence about the board's partners may bear on the board's
    evaluation; and evidence may bear on any area where its agency is judged jointly, in narrative, or not
    at all."""
    area = programme.area(area_id)
    assert area is not None
    on = [a for a in programme.judgement_areas if agency in a.graded_for]
    if (
        agency in ALWAYS_ABOUT
        or not on
        or agency in programme.judgements.narrative_for
        or agency in area.graded_for
        or (programme.lscb is not None and area_id == programme.lscb.judgement_area)
    ):
        return
    raise RuleViolation(
        f"{programme.id} makes no judgement on {agency} for {area.title!r}: evidence about {agency} bears on "
        f"{', '.join(a.id for a in on)}",
        area.source,
    )


def check_criteria(
    programme: Programme, criteria: list[str], agency: Agency, judgement_area: str | None = None
) -> None:
    """Each criterion is in the programme, about the same agency (the board's criteria may be evidenced
    by any partner's part in it) and, when an area is given, under it."""
    for criterion_id in criteria:
        criterion = programme.criterion(criterion_id)
        if criterion is None:
            has = (
                f"its criteria are {programme.criteria[0].id} to {programme.criteria[-1].id}"
                if programme.criteria
                else "it has no numbered criteria"
            )
            raise RuleViolation(
                f"criterion {criterion_id} is not in {programme.title} ({programme.id}): {has}",
                programme.criteria[0].source if programme.criteria else programme.judgements.source,
            )
        if criterion.agency not in (agency, Agency.LSCB):
            raise RuleViolation(
                f"criterion {criterion_id} is about {criterion.agency}, not {agency}", criterion.source
            )
        if judgement_area is not None and criterion.judgement_area != judgement_area:
            raise RuleViolation(
                f"criterion {criterion_id} is under {criterion.judgement_area!r}, not {judgement_area!r}",
                criterion.source,
            )


def _taking_part(inspection: KnownInspection, inspectorate: Inspectorate) -> None:
    if inspectorate not in inspection.inspectorates:
        raise Forbidden(
            f"{inspectorate} does not take part in this {inspection.programme.title}; taking part: "
            f"{', '.join(inspection.inspectorates)}",
            inspection.programme.participation.source,
        )


def _the_lead(inspection: KnownInspection, by: Inspectorate, does: str, rule: str) -> None:
    lead = inspection.programme.participation.lead_inspectorate
    if by is not lead:
        raise Forbidden(f"only the lead inspectorate, {lead}, {does}", rule)


def _open(inspection: KnownInspection, file: EvidenceFile) -> None:
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


def _about(inspection: KnownInspection, agency: Agency) -> None:
    if agency not in inspection.agencies and agency not in ALWAYS_ABOUT:
        about = ", ".join([*inspection.agencies, *ALWAYS_ABOUT])
        raise RuleViolation(
            f"{agency} is not inspected in this {inspection.programme.title}; evidence may be about: {about}",
            inspection.programme.agencies[0].source,
        )


# The item as it stands is the one fold every reader of an item calls (shared/evidence_items.py).
evidence_item = Decider[EvidenceItem, RecordEvidenceItem | CorrectEvidenceItem](
    EvidenceItem(), evolve, decide_item
)


# --- lines of enquiry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineOfEnquiry:
    raised: LineOfEnquiryRaised | None = None
    closed: bool = False


def evolve_line(state: LineOfEnquiry, event: Event) -> LineOfEnquiry:
    if isinstance(event, LineOfEnquiryRaised):
        return LineOfEnquiry(event)
    if isinstance(event, LineOfEnquiryClosed):
        return replace(state, closed=True)
    return state


@dataclass(frozen=True)
class RaiseLineOfEnquiry:
    inspection: KnownInspection
    file: EvidenceFile
    line_id: str
    by: Inspectorate
    agency: Agency
    case_reference: str | None
    criteria: list[str]
    question: Text


@dataclass(frozen=True)
class AnswerLineOfEnquiry:
    inspection: KnownInspection
    file: EvidenceFile
    line_id: str
    by: Inspectorate
    evidence_item_ids: list[str]
    answer: Text
    not_citable: Mapping[str, str]  # cited ids that are not items of this inspection, or are withdrawn -> why


@dataclass(frozen=True)
class CloseLineOfEnquiry:
    inspection: KnownInspection
    line_id: str
    by: Inspectorate
    conclusion: Text


LineCommand = RaiseLineOfEnquiry | AnswerLineOfEnquiry | CloseLineOfEnquiry


def decide_line(state: LineOfEnquiry, c: LineCommand) -> list[Event]:
    inspection = c.inspection
    _taking_part(inspection, c.by)
    common = {"inspection_id": inspection.inspection_id, "line_id": c.line_id}
    if isinstance(c, RaiseLineOfEnquiry):
        if state.raised is not None:
            raise RuleViolation(f"line of enquiry {c.line_id} is already raised", IMMUTABLE)
        _open(inspection, c.file)
        _about(inspection, c.agency)
        check_criteria(inspection.programme, c.criteria, c.agency)
        return [
            LineOfEnquiryRaised(
                **common,
                raised_by=c.by,
                agency=c.agency,
                case_reference=c.case_reference,
                criteria=c.criteria,
                question=c.question,
            )
        ]
    enquiries = inspection.programme.rules.lines_of_enquiry
    if state.raised is None:
        raise RuleViolation(f"line of enquiry {c.line_id} is not raised for this inspection", enquiries)
    if state.closed:
        raise RuleViolation(f"line of enquiry {c.line_id} is closed", enquiries)
    if isinstance(c, AnswerLineOfEnquiry):
        _open(inspection, c.file)
        if c.not_citable:
            why = "; ".join(f"{item}: {reason}" for item, reason in c.not_citable.items())
            raise RuleViolation(
                f"an answer cites evidence items of this inspection that stand: {why}", enquiries
            )
        ids = list(dict.fromkeys(c.evidence_item_ids))
        return [LineOfEnquiryAnswered(**common, answered_by=c.by, evidence_item_ids=ids, answer=c.answer)]
    lead = inspection.programme.participation.lead_inspectorate
    if c.by not in (state.raised.raised_by, lead):
        raise Forbidden(
            f"line of enquiry {c.line_id} is closed by {state.raised.raised_by}, who raised it, or the lead "
            f"inspectorate, {lead}",
            enquiries,
        )
    return [LineOfEnquiryClosed(**common, closed_by=c.by, conclusion=c.conclusion)]


line_of_enquiry = Decider[LineOfEnquiry, LineCommand](LineOfEnquiry(), evolve_line, decide_line)


def item_stream(evidence_item_id: str) -> str:
    return f"evidence-item-{evidence_item_id}"


def file_stream(inspection_id: str) -> str:
    return f"evidence-file-{inspection_id}"


def line_stream(line_id: str) -> str:
    return f"line-of-enquiry-{line_id}"
