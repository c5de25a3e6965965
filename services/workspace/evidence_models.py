"""What the workspace reads of evidence items, samples, lines of enquiry and the triangulation board
(journeys 2 and 3), as models.py reads the rest: the fields its pages show, ignoring the others."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .models import Read


class KnownInspection(Read):
    """`GET /inspections/{id}` on evidence, the parts the evidence pages need."""

    inspection_id: str
    programme: str
    inspectorates: list[str]
    agencies: list[str]
    judgement_areas: list[str]
    notice_started: bool
    evidence_closed: bool
    cancelled: bool


class EvidenceItem(Read):
    """An evidence item as it stands (its summary opened for the reader)."""

    evidence_item_id: str
    inspectorate: str
    inspector: str
    recorded_at: datetime
    version: int
    withdrawn: bool = False
    correction: str | None = None
    agency: str
    activity: str
    meeting: str | None = None
    judgement_area: str
    criteria: list[str] = Field(default_factory=list)
    bearing: str
    case_reference: str | None = None
    summary: str


class Revision(Read):
    version: int
    event_type: str
    occurred_at: datetime
    inspectorate: str
    reason: str | None


class ItemHistory(Read):
    """`GET /inspections/{id}/evidence/{item}`: the item and every correction made to it."""

    item: EvidenceItem
    history: list[Revision]


class SampleCase(Read):
    sample: str
    case_reference: str
    added_by: str
    reason: str


class Samples(Read):
    """`GET /inspections/{id}/samples`: the shared sample and each inspectorate's own."""

    samples: list[SampleCase]
    closed: bool
    version: int


class LineAnswer(Read):
    answered_by: str
    answered_at: datetime
    evidence_item_ids: list[str]
    answer: str


class Line(Read):
    """A line of enquiry as every participating inspectorate sees it."""

    line_id: str
    raised_by: str
    raised_at: datetime
    agency: str
    case_reference: str | None
    criteria: list[str] = Field(default_factory=list)
    question: str
    answers: list[LineAnswer] = Field(default_factory=list)
    status: str
    closed_by: str | None = None
    conclusion: str | None = None


class Finding(Read):
    bearing: str
    evidence_item_ids: list[str]
    inspectorates: list[str]
    activities: list[str]
    corroborated: bool


class AreaEvidence(Read):
    judgement_area: str
    findings: list[Finding]
    contested: bool
    criterion: str | None = None  # for a criterion's row
    source: str | None = None


class Coverage(Read):
    criteria_without_evidence: list[str]
    areas_without_evidence: list[str]


class AgencyEvidence(Read):
    agency: str
    items: int
    corroborated_findings: int
    areas: list[AreaEvidence]
    criteria: list[AreaEvidence]
    coverage: Coverage


class Triangulation(Read):
    """`GET /inspections/{id}/triangulation`: per agency, area and criterion, the evidence's corroboration."""

    rule: str
    items: int
    corroborated_findings: int
    agencies: list[AgencyEvidence]
