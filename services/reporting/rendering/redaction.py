"""The withholding of case references from quoted text (domain.md, Data protection): no case reference
reaches a document. Findings and judgements quote inspectors, so every case reference the inspection's
events name is withheld from their text wherever it stands alone. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from shared.language.contracts.evidence import (
    EvidenceItemAmended,
    EvidenceItemRecorded,
    LineOfEnquiryRaised,
    SampleCaseAdded,
    SampleCaseRemoved,
)
from shared.mechanics.catalogue import Event

WITHHELD = "[case reference withheld]"


def case_references(events: Iterable[Event]) -> set[str]:
    """Every case reference the inspection's events name: none of them may appear in a document."""
    found: set[str] = set()
    for event in events:
        if isinstance(event, EvidenceItemRecorded | EvidenceItemAmended | LineOfEnquiryRaised):
            if event.case_reference:
                found.add(event.case_reference)
        elif isinstance(event, SampleCaseAdded | SampleCaseRemoved):
            found.add(event.case_reference)
    return found


class Redactor:
    """Withholds known case references from free text (findings and judgements quote inspectors)."""

    def __init__(self, references: Iterable[str]) -> None:
        ordered = sorted(set(references), key=lambda r: (-len(r), r))
        alternatives = "|".join(re.escape(r) for r in ordered)
        self._pattern = (
            re.compile(rf"(?<![A-Za-z0-9-])(?:{alternatives})(?![A-Za-z0-9-])") if ordered else None
        )

    def __call__(self, text: str) -> str:
        return self._pattern.sub(WITHHELD, text) if self._pattern is not None else text
