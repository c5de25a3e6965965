"""Recording evidence items. Pure functions: no I/O.

Each evidence item is its own stream, so inspectors recording at the same time never conflict."""

from __future__ import annotations

from dataclasses import dataclass

from shared.catalogue import Event
from shared.contracts.evidence import EvidenceDetails, EvidenceItemRecorded
from shared.contracts.vocabulary import Agency
from shared.decider import Decider
from shared.envelope import Inspectorate
from shared.errors import RuleViolation
from shared.programmes import Programme

# Evidence may be about the board or the partnership as a whole, as well as a named agency.
_ALWAYS_ABOUT = (Agency.LSCB, Agency.PARTNERSHIP)


@dataclass(frozen=True)
class KnownInspection:
    """What this service learned of an inspection from scheduling's events."""

    inspection_id: str
    programme: Programme
    inspectorates: tuple[Inspectorate, ...]
    agencies: tuple[Agency, ...]


@dataclass(frozen=True)
class RecordEvidenceItem:
    inspection: KnownInspection
    evidence_item_id: str
    inspectorate: Inspectorate  # the recording inspector's own
    details: EvidenceDetails


@dataclass(frozen=True)
class EvidenceItem:
    recorded: EvidenceItemRecorded | None = None


def evolve(state: EvidenceItem, event: Event) -> EvidenceItem:
    return EvidenceItem(event) if isinstance(event, EvidenceItemRecorded) else state


def decide(state: EvidenceItem, c: RecordEvidenceItem) -> list[Event]:
    programme = c.inspection.programme
    if state.recorded is not None:
        raise RuleViolation(
            f"evidence item {c.evidence_item_id} is already recorded; corrections are new items",
            "architecture.md: events are immutable facts",
        )
    if c.inspectorate not in c.inspection.inspectorates:
        raise RuleViolation(
            f"{c.inspectorate} does not take part in this {programme.title}; taking part: "
            f"{', '.join(c.inspection.inspectorates)}",
            programme.participation.source,
        )
    item = c.details
    if item.agency not in c.inspection.agencies and item.agency not in _ALWAYS_ABOUT:
        about = ", ".join([*c.inspection.agencies, *_ALWAYS_ABOUT])
        raise RuleViolation(
            f"{item.agency} is not inspected in this {programme.title}; evidence may be about: {about}",
            programme.agencies[0].source,
        )
    if item.judgement_area not in programme.area_ids():
        raise RuleViolation(
            f"{item.judgement_area!r} is not an area of {programme.id}: {', '.join(programme.area_ids())}",
            programme.judgement_areas[0].source,
        )
    return [
        EvidenceItemRecorded(
            inspection_id=c.inspection.inspection_id,
            evidence_item_id=c.evidence_item_id,
            inspectorate=c.inspectorate,
            **dict(item),
        )
    ]


evidence_item = Decider[EvidenceItem, RecordEvidenceItem](EvidenceItem(), evolve, decide)


def stream_id(evidence_item_id: str) -> str:
    return f"evidence-item-{evidence_item_id}"
