"""Each programme's document says what its seed says it says (issue 19, points 3, 7, 11, 13, 14 and 15):
one test per paragraph, on the recorded golden logs of tests/golden (written by test_documents_render.py)
and on small logs built here."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest

from services.reporting.rendering.documents import Format, Rehearsal, render_overview, render_report
from shared.language.contracts import CATALOGUE
from shared.language.contracts.judgement import JudgementFinalised, JudgementProposed, JudgementQualityAssured
from shared.language.contracts.lscb import LscbJudgementFinalised
from shared.language.contracts.reporting import ReportCorrectionOpened
from shared.language.contracts.scheduling import InspectionScheduled, NotificationRecorded, Recipient
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Envelope, Inspectorate
from tests import poppler

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
DOCUMENTS = ["findings_letter", "combined_report", "single_report", "report", "targeted_letter"]
ROUND = "round-cse-2026"
ROUND_NAME = "Joint targeted area inspections, spring 2026: sexual exploitation and missing children"


@cache
def envelopes(name: str) -> tuple[Envelope, ...]:
    path = GOLDEN / f"{name}.events.jsonl"
    return tuple(Envelope.model_validate_json(line) for line in path.read_text().splitlines() if line)


def events(name: str) -> list[Event]:
    return [CATALOGUE.decode(e) for e in envelopes(name)]


def markdown(events: list[Event], rehearsal: Rehearsal | None = None) -> str:
    return render_report(events, Format.MARKDOWN, rehearsal=rehearsal).decode()


@cache
def text(name: str) -> str:
    return markdown(events(name))


def section(document: str, heading: str) -> str:
    """The text from `heading` to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = ("\n" + document).index("\n" + heading + "\n") + len(heading) + 1
    higher = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE)
    ends = [m.start() for m in higher.finditer(document[start:])]
    return document[start : start + ends[0]] if ends else document[start:]


def with_lscb_grade(grade: Grade) -> list[Event]:
    """The integrated inspection, its board's final judgement at `grade`."""
    return [
        e.model_copy(update={"grade": grade}) if isinstance(e, LscbJudgementFinalised) else e
        for e in events("combined_report")
    ]


def finalised(agency: Agency, area: str, text: str, ids: list[str]) -> list[Event]:
    iid = "integrated-leeds"
    return [
        JudgementProposed(
            inspection_id=iid,
            agency=agency,
            judgement_area=area,
            grade=None,
            text=text,
            evidence_item_ids=ids,
        ),
        JudgementQualityAssured(inspection_id=iid, agency=agency, judgement_area=area),
        JudgementFinalised(inspection_id=iid, agency=agency, judgement_area=area),
    ]


# 003: CQC's part of the CLA inspection.


def test_003_the_cla_report_has_a_section_on_health_services_for_looked_after_children() -> None:
    report = text("report")
    health = section(report, "## Health services for children looked after and care leavers")
    assert health.startswith(
        "\nThe Care Quality Commission inspected health services for children looked after and care leavers "
        "in Kent, and reports on them in narrative, with no grade. Inspectors recorded 2 evidence items "
        "(1 showing a strength, 1 weakness) about health services.\n"
    )
    assert "care leavers leave care without their health history" in health
    assert "1. Every child coming into care has an initial health assessment" in section(
        health, "### Key strengths"
    )
    assert "1. Give every care leaver a summary of their health history." in section(
        health, "### Areas for improvement"
    )
    # Given once, in CQC's section: the inspection's other findings follow it.
    assert "health assessment" not in section(report, "## Key strengths")
    assert report.index("## Health services") < report.index("## Key strengths")
    assert "what the Care Quality Commission found about health services for these children" in report


# 002 §34 and 001 Proposal two: how the area learnt of the inspection.


def test_002_s34_an_unannounced_report_says_when_inspectors_arrived_and_gives_no_notice() -> None:
    macp = text("single_report")
    assert "Notice of the inspection" not in macp  # the chair was told on arrival: that is no notice
    assert (
        "The inspection was unannounced: inspectors from Ofsted and HM Inspectorate of Constabulary arrived "
        "on Monday 11 May 2026, and from the Care Quality Commission and HM Inspectorate of Probation on "
        "Monday 18 May 2026." in macp
    )  # the phased arrival of 002 §37-38
    assert "The inspection was unannounced: inspectors arrived on Monday 8 June 2026." in text("report")
    assert "The inspection was unannounced: inspectors arrived on Monday 7 September 2026." in text(
        "combined_report"
    )
    assert "unannounced" not in text("findings_letter")


def test_001_proposal_two_the_notice_a_letter_shows_is_the_notice_actually_given() -> None:
    scheduled = next(e for e in events("findings_letter") if isinstance(e, InspectionScheduled))
    told = [
        NotificationRecorded(
            inspection_id=scheduled.inspection_id,
            recipient=recipient,
            agency=agency,
            notified_by=by,
            notified_at=at,
            addressee=None,
        )
        for recipient, agency, by, at in [
            (
                Recipient.AGENCY_SENIOR_LEADER,
                Agency.POLICE,
                Inspectorate.HMIC,
                datetime(2026, 2, 24, 16, tzinfo=UTC),
            ),
            (Recipient.LSCB_CHAIR, None, Inspectorate.OFSTED, datetime(2026, 2, 25, 9, tzinfo=UTC)),
            (
                Recipient.AGENCY_SENIOR_LEADER,
                Agency.HEALTH,
                Inspectorate.CQC,
                datetime(2026, 2, 25, 9, 5, tzinfo=UTC),
            ),
        ]
    ]
    letter = markdown([scheduled, *told])
    assert (
        "Notice of the inspection was given on Tuesday 24 February 2026, first to the senior leaders of the "
        "police, then to the chair of the LSCB, then to the senior leaders of health services." in letter
    )


# 004 §115-118: the board's grade and what it means.


def test_004_s117_the_final_lscb_judgement_shows_the_descriptor_of_its_grade() -> None:
    board = section(text("combined_report"), "## The joint report on the Local Safeguarding Children Board")
    assert board.startswith("\n**Requires improvement.** The board requires improvement")
    assert (
        "What this grade means: a board is likely to be judged to require improvement if it is not yet "
        "demonstrating the characteristics of good." in board
    )


@pytest.mark.parametrize(
    ("grade", "meaning"),
    [
        (
            Grade.OUTSTANDING,
            "judged outstanding if in addition to meeting the requirements for a good judgement",
        ),
        (Grade.GOOD, "judged good if it meets each of the criteria 115 a to 115 l."),
        (Grade.INADEQUATE, "judged inadequate if it is not demonstrating that it has effective arrangements"),
    ],
)
def test_004_s115_s116_s118_each_grade_of_the_board_carries_its_own_descriptor(
    grade: Grade, meaning: str
) -> None:
    board = section(
        markdown(with_lscb_grade(grade)), "## The joint report on the Local Safeguarding Children Board"
    )
    assert f"What this grade means: a board is likely to be {meaning}" in board
    assert "characteristics of good." not in board


# 004 §24, §108-110: the combined document.


def test_004_s24_s109_each_agency_report_gives_its_key_strengths_weaknesses_and_areas_for_improvement() -> (
    None
):
    police = section(text("combined_report"), "### The police")
    assert (
        "The judgements stand on the evidence inspectors recorded about the police: 2 evidence items "
        "(1 showing a strength, 1 weakness)." in police
    )
    assert "1. Senior police leaders give child protection a high and visible priority." in section(
        police, "#### Key strengths"
    )
    assert "1. Record the voice of the child in every domestic abuse incident attended." in section(
        police, "#### Areas for improvement"
    )
    health = section(text("combined_report"), "### Health services")
    assert "Complete initial health assessments" in section(health, "#### Areas for improvement")
    assert "Senior police leaders" not in health


def test_004_s108_the_summary_evaluates_how_well_agencies_work_together() -> None:
    summary = section(text("combined_report"), "## Summary of key findings")
    together = section(summary, "### How well agencies work together")
    assert "Key strengths of the local partnership as a whole:" in together
    assert "1. Partners share a clear understanding of thresholds for help and protection." in together
    assert (
        "Inspectors from more than one inspectorate recorded evidence on 2 of the 6 children's cases they "
        "looked at" in together
    )
    assert "The board, which co-ordinates what the partners do" in together
    assert "was judged to require improvement" in together
    glance = section(summary, "### The judgements at a glance")
    for row in (
        "| The local authority | Ofsted | Requires improvement |",
        "| The police | HM Inspectorate of Constabulary | Inadequate |",
        "| Probation services | HM Inspectorate of Probation | Reported in narrative, with no grade |",
        "| The Local Safeguarding Children Board | The inspectorates together | Requires improvement |",
    ):
        assert row in glance


def test_004_s81_a_grade_departing_from_its_limiting_rule_gives_the_rationale() -> None:
    police = section(text("combined_report"), "### The police")
    assert (
        "*Why this grade:* because the experiences and progress of children who need help and protection was "
        "judged inadequate, this judgement would usually be inadequate. The inspectors judged it to require "
        "improvement instead. Leaders found the failure themselves and a new triage of domestic abuse "
        "incidents is in place." in police
    )
    # A grade that follows its rule needs no rationale.
    assert police.count("Why this grade") == 1


def test_004_s89_s90_s97_probation_and_yot_narratives_report_governance_and_management() -> None:
    probation = section(text("combined_report"), "### Probation services")
    assert (
        "- **Leadership, management and governance.** Managers check every case with a child at risk, and "
        "leaders sit on the board." in probation
    )
    assert (
        "*Reported against the criteria:* there is effective operational management oversight of the "
        "identification, assessment and work with children in need of protection and positive leadership, "
        "effective management and partnership work ensures that children are protected." in probation
    )
    youth = [
        *events("combined_report"),
        *finalised(Agency.YOUTH_OFFENDING_TEAM, "leadership", "YOT managers review every plan.", ["yo-1"]),
    ]
    yot = section(markdown(youth), "### The youth offending team")
    assert "- **Leadership, management and governance.** YOT managers review every plan." in yot
    assert "positive leadership, effective management and partnership work ensures that children" in yot


def test_004_s112_s113_the_joint_lscb_report_addresses_the_statutory_objectives_without_process_text() -> (
    None
):
    report = text("combined_report")
    objectives = section(report, "### The board's statutory objectives")
    assert (
        "Section 14(1) of the Children Act 2004 defines the objective of a Local Safeguarding Children Board "
        "as (a) to co-ordinate what is done by each person or body represented on the Board for the purposes "
        "of safeguarding and promoting the welfare of children in the area of the authority by which it is "
        "established, and (b) to ensure the effectiveness of what is done by each such person or body for "
        "those purposes." in objectives
    )
    board = section(report, "## The joint report on the Local Safeguarding Children Board")
    assert "No findings have been contributed" not in board
    assert "#### Criterion 115 a" in board
    assert "#### Criterion 115 b" not in board


def test_004_s108_s110_a_corrected_report_says_what_changed_and_when() -> None:
    first = events("combined_report")
    scheduled = next(e for e in first if isinstance(e, InspectionScheduled))
    opened = ReportCorrectionOpened(
        inspection_id=scheduled.inspection_id,
        edition=2,
        corrects="0" * 64,
        reason="The judgement on health services was revised to good on 2 November 2026.",
        on=date(2026, 11, 3),
    )
    corrected = markdown([*first, opened])
    assert (
        "**Corrected:** edition 2 of this report, corrected on Tuesday 3 November 2026. The judgement on "
        "health services was revised to good on 2 November 2026. The edition it corrects stays as it was "
        "published." in corrected
    )
    assert "**Corrected:**" not in text("combined_report")  # the first edition says nothing of it


# 001 Part 2 and 002: the programmes' own words.


def test_001_part_2_a_targeted_inspection_is_ofsteds_of_the_local_authority_and_the_lscb() -> None:
    letter = text("targeted_letter")
    assert letter.startswith(
        "# Targeted inspection of the local authority and the Local Safeguarding Children Board in "
        "Wakefield\n"
    )
    assert (
        "Ofsted inspected the local authority's response to all forms of abuse and neglect in Wakefield, "
        "and the effectiveness of the Local Safeguarding Children Board in relation to the local authority, "
        "under section 136 of the Education and Inspections Act 2006 and section 15A of the Children Act "
        "2004." in letter
    )
    assert "recommendations for the local authority or the Local Safeguarding Children Board" in letter
    for words in ("multi-agency response", "work together", "how agencies", "a named agency", "together"):
        assert words not in letter, words


def test_002_s33_the_crown_prosecution_service_is_not_an_agency_of_the_area() -> None:
    report = text("single_report")
    assert "; the Head of the youth offending team in Bradford; and the Chief Crown Prosecutor, " in report
    assert "Chief Crown Prosecutor, Crown Prosecution Service  \n" in report
    assert "Crown Prosecution Service in Bradford" not in report
    assert "#### The Crown Prosecution Service" in report


def test_002_s49_macp_grades_are_lower_case_mid_sentence() -> None:
    report = text("single_report")
    assert (
        "The overall effectiveness of multi-agency work to protect children and young people in Bradford was "
        "judged adequate." in report
    )
    grades = r"(Outstanding|Good|Adequate|Inadequate|Requires improvement)"
    for line in report.splitlines():
        # A grade as a label (after a colon in bold, or in a table) is capitalised; in a sentence it is not.
        prose = re.sub(rf"(: |\*\*|\| ){grades}", "", line)
        assert not re.search(rf"(?<!^)(?<!\. )\b{grades}\b", prose), line


def test_001_proposal_four_an_overview_is_headed_by_the_rounds_name_not_its_id() -> None:
    inspections = [events("findings_letter")]
    overview = render_overview(ROUND, inspections, Format.MARKDOWN, round_name=ROUND_NAME).decode()
    assert overview.startswith(
        f"# {ROUND_NAME}\n\nAn overview of this round of joint targeted area inspections.\n"
    )
    assert ROUND not in overview


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_document_carries_a_not_yet_final_placeholder(name: str) -> None:
    document = text(name)
    for placeholder in (
        "not yet final",
        "is final yet",
        "No commentary on",
        "No findings have been contributed",
    ):
        assert placeholder not in document, placeholder


# A rehearsal platform (issue 19 point 15): every page of every format says so.

CLOCK = datetime(2026, 3, 13, 15, 30, tzinfo=UTC)
MARK = "REHEARSAL — not a real inspection; clock at Friday 13 March 2026, 15:30"


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text, as a reader copies it out (pdftotext)."""
    return poppler.pages(pdf)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_rehearsal_platform_marks_every_page_of_every_format(name: str) -> None:
    rehearsal = Rehearsal(clock=CLOCK)
    marked = markdown(events(name), rehearsal)
    assert marked.startswith(f"> **{MARK}**\n\n# ")
    assert marked.endswith(f"\n\n> **{MARK}**\n")
    assert marked.count(MARK) == 2
    for fmt in (Format.HTML, Format.LARGE_PRINT):
        html = render_report(events(name), fmt, rehearsal=rehearsal).decode()
        assert html.count(f'<p class="rehearsal" role="note">{MARK}</p>') == 2
        assert "<title>REHEARSAL: " in html
        assert html.count("<h1>") == 1
    pages = pdf_pages(render_report(events(name), Format.PDF, rehearsal=rehearsal))
    assert len(pages) >= 1
    assert pages[0].startswith(MARK)  # in the header of the page, then at the top of the document
    for page in pages:
        assert MARK in page
    overview = render_overview(ROUND, [events("findings_letter")], Format.MARKDOWN, rehearsal=rehearsal)
    assert overview.decode().startswith(f"> **{MARK}**\n")


def test_a_long_rehearsal_pdf_is_marked_on_each_of_its_pages() -> None:
    pages = pdf_pages(render_report(events("combined_report"), Format.PDF, rehearsal=Rehearsal(clock=CLOCK)))
    assert len(pages) > 1
    assert all(p.startswith("REHEARSAL — not a real inspection") for p in pages)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_production_document_carries_no_rehearsal_marking(name: str) -> None:
    for fmt in Format:
        rendered = render_report(events(name), fmt)
        searched = "".join(pdf_pages(rendered)).encode() if fmt is Format.PDF else rendered
        assert b"REHEARSAL" not in searched
        assert b'class="rehearsal"' not in searched


def test_the_clock_shown_is_the_time_in_england() -> None:
    summer = Rehearsal(clock=datetime(2026, 6, 8, 8, 0, tzinfo=UTC))
    assert summer.words() == "REHEARSAL — not a real inspection; clock at Monday 8 June 2026, 09:00"
    assert date(2026, 6, 8).weekday() == 0
