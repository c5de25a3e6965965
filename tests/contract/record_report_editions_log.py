"""Builds tests/contract/log-2026-12-report-editions.jsonl: the reporting events as published from December
2026, when who receives a draft became programme data and a published report could be corrected.

The report of a CLA 2012 inspection of Kirklees (003): drafted, quality-assured, agreed by Ofsted and CQC,
sent to the local authority's senior leader (ReportSentForFactualAccuracy, copied to health's), whose one
response has a point the lead inspectorate accepts once it is corrected (FactualAccuracyPointDecided v2,
with the checksum it was decided on); made final as corrected and published by both. A judgement is
revised after publication: the correction opens edition 2 (ReportCorrectionOpened), drafted, agreed,
made final and published again. Reporting's own stream only: the checksums name the content each step
applied to. Companion of record_log.py, and like it run by hand only: the log is history.

    uv run python tests/contract/record_report_editions_log.py
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from services.reporting.domain import lifecycle
from shared.language.contracts.reporting import (
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    Point,
    ReportAgreed,
    ReportCorrectionOpened,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentForFactualAccuracy,
)
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Actor
from tests.contract.record_log import CQC, LEAD, OFSTED, Log, at, ident

OUT = Path(__file__).with_name("log-2026-12-report-editions.jsonl")
CQC_LEAD = Actor(inspectorate=CQC, role="lead_inspector", user="cqc-lead-4")
QA = Actor(inspectorate=OFSTED, role="quality_assurer", user="ofsted-qa-2")
LEADER = "Jane Smith"  # the director of children's services, as the lead inspectorate named her
CORRECTION = "Outcomes for care leavers was revised from good to adequate on 4 January 2027: housing data."


def content(name: str) -> str:
    """A checksum standing for the Markdown of the report at one moment."""
    return hashlib.sha256(name.encode()).hexdigest()


DRAFTED, CORRECTED, REVISED = content("drafted"), content("point 1 corrected"), content("outcomes revised")


def build() -> str:
    log = Log(ids="editions-event")
    iid = ident("inspection:kirklees-cla")
    stream = lifecycle.stream_id(iid)
    day = date(2026, 12, 1)
    log(at(day, 9), stream, ReportDrafted(inspection_id=iid, draft=1, kind="report", checksum=DRAFTED), LEAD)
    log(at(day, 11), stream, ReportQualityAssured(inspection_id=iid, draft=1, checksum=DRAFTED), QA)
    for hour, (inspectorate, actor) in enumerate(((OFSTED, LEAD), (CQC, CQC_LEAD)), 13):
        agreed = ReportAgreed(inspection_id=iid, draft=1, inspectorate=inspectorate, checksum=DRAFTED)
        log(at(day, hour), stream, agreed, actor)
    sent = ReportSentForFactualAccuracy(
        inspection_id=iid,
        draft=1,
        recipient=Recipient.AGENCY_SENIOR_LEADER,
        agency=Agency.LOCAL_AUTHORITY,
        addressee=LEADER,
        copied_to=[Agency.HEALTH],
        checksum=DRAFTED,
    )
    log(at(date(2026, 12, 2), 9), stream, sent, LEAD)
    point = Point(point=1, section="Outcomes", text="Care leavers in education: 61%, not 56%.")
    response = FactualAccuracyResponseReceived(inspection_id=iid, responder=LEADER, points=[point])
    log(at(date(2026, 12, 9), 10), stream, response, LEAD)  # recorded by the lead, as received
    decided = FactualAccuracyPointDecided(
        inspection_id=iid,
        point=1,
        decision=Decision.ACCEPTED,
        reason="Corrected to 61% from the authority's return.",
        checksum=CORRECTED,
    )
    log(at(date(2026, 12, 10), 10), stream, decided, LEAD)
    log(at(date(2026, 12, 11), 10), stream, ReportFinalised(inspection_id=iid, checksum=CORRECTED), LEAD)
    for hour, (inspectorate, actor) in enumerate(((OFSTED, LEAD), (CQC, CQC_LEAD)), 11):
        published = ReportPublished(inspection_id=iid, inspectorate=inspectorate, checksum=CORRECTED)
        log(at(date(2026, 12, 14), hour), stream, published, actor)
    # Edition 2: a judgement revised after publication.
    later = date(2027, 1, 5)
    opened = ReportCorrectionOpened(
        inspection_id=iid, edition=2, corrects=CORRECTED, reason=CORRECTION, on=later
    )
    redrafted = ReportDrafted(inspection_id=iid, draft=2, kind="report", checksum=REVISED)
    log(at(later, 9), stream, [opened, redrafted], LEAD)
    log(at(later, 11), stream, ReportQualityAssured(inspection_id=iid, draft=2, checksum=REVISED), QA)
    for hour, (inspectorate, actor) in enumerate(((OFSTED, LEAD), (CQC, CQC_LEAD)), 13):
        agreed = ReportAgreed(inspection_id=iid, draft=2, inspectorate=inspectorate, checksum=REVISED)
        log(at(later, hour), stream, agreed, actor)
    log(at(date(2027, 1, 6), 10), stream, ReportFinalised(inspection_id=iid, checksum=REVISED), LEAD)
    for hour, (inspectorate, actor) in enumerate(((OFSTED, LEAD), (CQC, CQC_LEAD)), 11):
        published = ReportPublished(inspection_id=iid, inspectorate=inspectorate, checksum=REVISED)
        log(at(date(2027, 1, 7), hour), stream, published, actor)
    return log.lines()


if __name__ == "__main__":
    OUT.write_text(build())
