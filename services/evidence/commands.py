"""Evidence's commands: plain data, only what the caller asked (shared/mechanics/commands.py). Texts are as
the caller wrote them; the handler seals each to its case before it is decided or kept.

The handler of each (handlers.COMMANDS) loads what the decision needs - the inspection as this service
knows it, its evidence file, the cited items as they stand - and hands them to the domain."""

from __future__ import annotations

from dataclasses import dataclass

from shared.language.contracts.evidence import ErasureBasis, EvidenceDetails, Sample
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.commands import Command
from shared.mechanics.decider import Decided

from .domain.evidence_file import EvidenceFile
from .domain.evidence_item import EvidenceItem
from .domain.lines_of_enquiry import LineOfEnquiry


@dataclass(frozen=True)
class RecordEvidenceItem(Command[Decided[EvidenceItem]]):
    """Record an item for the inspector's own inspectorate."""

    inspection_id: str
    evidence_item_id: str
    details: EvidenceDetails


@dataclass(frozen=True)
class AmendEvidenceItem(Command[Decided[EvidenceItem]]):
    """Correct an item: the details as it should now stand, and why."""

    inspection_id: str
    evidence_item_id: str
    reason: str
    details: EvidenceDetails
    expected_version: int | None = None  # If-Match: the item's version the caller read


@dataclass(frozen=True)
class WithdrawEvidenceItem(Command[Decided[EvidenceItem]]):
    """Withdraw an item: it no longer counts, its history stays."""

    inspection_id: str
    evidence_item_id: str
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class AddSampleCase(Command[Decided[EvidenceFile]]):
    """Add a case to the shared sample ("shared") or the inspector's own inspectorate's."""

    inspection_id: str
    sample: Sample
    case_reference: str
    reason: str


@dataclass(frozen=True)
class RemoveSampleCase(Command[Decided[EvidenceFile]]):
    inspection_id: str
    sample: Sample
    case_reference: str
    reason: str


@dataclass(frozen=True)
class CloseEvidenceGathering(Command[Decided[EvidenceFile]]):
    inspection_id: str
    reason: str


@dataclass(frozen=True)
class EraseCase(Command[Decided[EvidenceFile]]):
    """Erase a case: its key destroyed, then the erasure recorded on the evidence file."""

    inspection_id: str
    case_reference: str
    basis: ErasureBasis


@dataclass(frozen=True)
class RaiseLineOfEnquiry(Command[Decided[LineOfEnquiry]]):
    inspection_id: str
    line_id: str
    agency: Agency
    case_reference: str | None
    criteria: tuple[str, ...]
    question: str


@dataclass(frozen=True)
class AnswerLineOfEnquiry(Command[Decided[LineOfEnquiry]]):
    inspection_id: str
    line_id: str
    evidence_item_ids: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class CloseLineOfEnquiry(Command[Decided[LineOfEnquiry]]):
    inspection_id: str
    line_id: str
    conclusion: str
