"""An evidence item, on its own stream (`evidence-item-{id}`): recorded by an inspector for their own
inspectorate, about an agency inspected and an area the programme judges it on, then amended or withdrawn
by that inspectorate only. An item as it stands is the one fold every reader of an item calls
(shared/views/evidence_items.py). Pure functions: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from shared.language.contracts.evidence import (
    Activity,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    HeldDetails,
    details_of,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.evidence_items import EvidenceItem as EvidenceItem  # the state of an item, as it stands
from shared.views.evidence_items import evolve

from .evidence_file import EvidenceFile, check_open
from .inspection import ALWAYS_ABOUT, IMMUTABLE, KnownInspection, about, check_criteria, taking_part

OWN_INSPECTORATE = "domain.md People: inspectors record evidence for their own inspectorate only"


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
        check_open(inspection, c.file)
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
    taking_part(inspection, inspectorate)
    check_open(inspection, file)
    about(inspection, item.agency)
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


# The item as it stands is the one fold every reader of an item calls (shared/views/evidence_items.py).
evidence_item = Decider[EvidenceItem, RecordEvidenceItem | CorrectEvidenceItem](
    EvidenceItem(), evolve, decide_item
)


def item_stream(evidence_item_id: str) -> str:
    return f"evidence-item-{evidence_item_id}"
