"""Builds tests/contract/log-2026-11-sealed.jsonl: the evidence events as published from their version 2
on, when text about a case began to be sealed to the case's key, and the first erasure.

An inspection of Kirklees records evidence about case KRK-0007 (an item, then its amendment), data about
no case (plain text), the case in the shared sample and out of it again, and a line of enquiry about the
case raised, answered and closed; then the case is erased. The keys were never kept: these texts read as
"[sealed: key unavailable]" to anyone, like any text whose key is not to hand. Companion of
record_log.py, and like it run by hand only: the log is history.

    uv run python tests/contract/record_sealed_log.py
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from services.evidence.domain import evidence_file, evidence_item, lines_of_enquiry
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    CaseErased,
    ErasureBasis,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    SampleCaseAdded,
    SampleCaseRemoved,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.subjects import Sealed, seal_with, subject_of
from tests.contract.record_log import CQC, INSPECTORS, LEAD, OFSTED, Log, at, ident

OUT = Path(__file__).with_name("log-2026-11-sealed.jsonl")
CASE = "KRK-0007"


def build() -> str:
    log = Log(ids="sealed-event")
    iid = ident("inspection:kirklees")
    subject = subject_of(iid, CASE)
    key = AESSIV.generate_key(512)  # not kept

    def sealed(text: str) -> Sealed:
        return seal_with(key, subject, text)

    day = date(2026, 11, 23)
    file = evidence_file.file_stream(iid)
    log(
        at(day, 9),
        file,
        SampleCaseAdded(
            inspection_id=iid,
            sample="shared",
            case_reference=CASE,
            added_by=OFSTED,
            reason=sealed("Deep dive cohort: missing from home three times since June"),
        ),
        LEAD,
    )
    item_id = ident("item:kirklees:krk-0007")
    details = {
        "inspection_id": iid,
        "evidence_item_id": item_id,
        "inspectorate": CQC,
        "inspector": INSPECTORS[CQC].user,
        "agency": Agency.HEALTH,
        "activity": Activity.CASE_TRACKING,
        "judgement_area": "deep_dive",
        "bearing": Bearing.WEAKNESS,
        "case_reference": CASE,
    }
    recorded = EvidenceItemRecorded(
        **details, summary=sealed("No health assessment after the second missing episode.")
    )
    log(at(day, 10), evidence_item.item_stream(item_id), recorded, INSPECTORS[CQC])
    amendment = EvidenceItemAmended(
        **details,
        summary=sealed("No health assessment after the second or third missing episode."),
        reason="Recorded before the case notes were read in full",
    )
    log(at(day, 15), evidence_item.item_stream(item_id), amendment, INSPECTORS[CQC])
    data_id = ident("item:kirklees:data")
    data = EvidenceItemRecorded(
        **{
            **details,
            "evidence_item_id": data_id,
            "case_reference": None,
            "activity": Activity.PERFORMANCE_DATA,
        },
        summary="Return interviews offered within 72 hours: 61% this year.",
    )
    log(at(day, 11), evidence_item.item_stream(data_id), data, INSPECTORS[CQC])
    line_id = ident("line:kirklees:krk-0007")
    line = lines_of_enquiry.line_stream(line_id)
    raised = LineOfEnquiryRaised(
        inspection_id=iid,
        line_id=line_id,
        raised_by=OFSTED,
        agency=Agency.HEALTH,
        case_reference=CASE,
        question=sealed("Was the GP told of each missing episode?"),
    )
    log(at(day, 12), line, raised, LEAD)
    answered = LineOfEnquiryAnswered(
        inspection_id=iid,
        line_id=line_id,
        answered_by=CQC,
        evidence_item_ids=[item_id],
        answer=sealed("Only of the first: the later two were not shared with the practice."),
    )
    log(at(day, 16), line, answered, INSPECTORS[CQC])
    closed = LineOfEnquiryClosed(
        inspection_id=iid,
        line_id=line_id,
        closed_by=OFSTED,
        conclusion=sealed("Information sharing with primary care is a weakness here."),
    )
    log(at(day, 17), line, closed, LEAD)
    removed = SampleCaseRemoved(
        inspection_id=iid,
        sample="shared",
        case_reference=CASE,
        removed_by=OFSTED,
        reason=sealed("Tracked in full; the family moved out of the area"),
    )
    log(at(day, 18), file, removed, LEAD)
    erased = CaseErased(
        inspection_id=iid, case_reference=CASE, erased_by=OFSTED, basis=ErasureBasis.SUBJECT_REQUEST
    )
    log(at(day, 19), file, erased, LEAD)
    return log.lines()


if __name__ == "__main__":
    OUT.write_text(build())
    print(f"wrote {OUT} ({len(OUT.read_text().splitlines())} envelopes)")
