"""Schema evolution of the report's lifecycle against a recorded log: the reporting events published from
December 2026 (tests/contract/log-2026-12-report-editions.jsonl, made once by
tests/contract/record_report_editions_log.py; history, not re-recorded to make a test pass) read back
byte for byte, decode through the catalogue, and fold to the same story: a CLA report sent to the local
authority's senior leader (003), a point accepted once corrected, published, then corrected in a second
edition while the first keeps its checksum."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from services.reporting.domain import lifecycle
from shared.language.contracts import CATALOGUE
from shared.language.contracts.reporting import Decision
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event, parse_envelope
from shared.mechanics.envelope import Envelope, Inspectorate

LOG = Path(__file__).resolve().parents[1] / "contract" / "log-2026-12-report-editions.jsonl"
TAKING_PART = (Inspectorate.OFSTED, Inspectorate.CQC)
NEW = {
    ("reporting.ReportSentForFactualAccuracy", 1),
    ("reporting.FactualAccuracyPointDecided", 2),
    ("reporting.ReportCorrectionOpened", 1),
}


@cache
def envelopes() -> tuple[Envelope, ...]:
    return tuple(parse_envelope(line) for line in LOG.read_bytes().splitlines())


def events() -> list[Event]:
    return [CATALOGUE.decode(e) for e in envelopes()]


def test_the_log_reads_back_byte_for_byte_and_holds_the_new_versions() -> None:
    lines = LOG.read_bytes().splitlines()
    assert len(lines) == 18
    assert [e.to_json() for e in envelopes()] == lines
    assert {(e.event_type, e.schema_version) for e in envelopes()} >= NEW
    assert all(CATALOGUE.current_version(t) == v for t, v in NEW)


def test_the_report_folds_to_two_editions_the_first_as_published() -> None:
    report = lifecycle.report.fold(events())
    assert report.status(TAKING_PART) is lifecycle.Status.PUBLISHED
    assert report.sent is not None
    assert (report.sent.recipient, report.sent.agency, report.sent.copied_to, report.sent.office) == (
        Recipient.AGENCY_SENIOR_LEADER,
        Agency.LOCAL_AUTHORITY,
        (Agency.HEALTH,),
        "senior_leader",
    )
    assert report.response is not None
    assert report.response.responder == "Jane Smith"
    decided = report.decisions[1]
    assert decided.decision is Decision.ACCEPTED
    [first] = report.editions
    assert decided.checksum == first.final.checksum  # made final as the accepted point corrected it
    assert {p.checksum for p in first.published} == {first.final.checksum}
    assert report.edition == 2
    assert report.correction is not None
    assert (report.correction.corrects, report.correction.on.isoformat()) == (
        first.final.checksum,
        "2027-01-05",
    )
    assert report.final is not None
    assert report.final.checksum != first.final.checksum
    assert [p.inspectorate for p in report.published] == list(TAKING_PART)
    assert report.corrections() == [report.correction]
