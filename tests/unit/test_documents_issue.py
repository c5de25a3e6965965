"""A document as those it is sent to receive it (issue 22 points 1 and 2): a draft says so on every page of
every format, with the step its lifecycle has reached; a final one has its date of issue and, where the
programme asks for an action plan, its next steps; it is addressed by name and role, signed by the lead
inspector of each inspectorate, and names no internal identifier; counts have their own plurals, and no
section is left saying that something has not been recorded."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from services.reporting.domain import lifecycle
from services.reporting.rendering.documents import Format, render_report
from services.reporting.rendering.issue import DRAFT, LIVE, ActionPlan, Issue, issue_of
from shared.language.contracts.lscb import (
    BoardPartnerJoined,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
)
from shared.language.contracts.reporting import (
    ActionPlanRequested,
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
from shared.language.contracts.scheduling import InspectionScheduled, Recipient
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from tests import poppler
from tests.unit.test_documents_render import ISSUES, NAMES, events, render

OFSTED, CQC, HMIC, HMIP = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION
JTAI = (OFSTED, CQC, HMIC, HMIP)
IID = "jtai-wakefield"
SUM = "a" * 64
FINALISED = datetime(2026, 4, 9, 23, 30, tzinfo=UTC)  # Friday 10 April, 00:30 in England


def steps(upto: int) -> list[Event]:
    """The first `upto` steps of a JTAI report's lifecycle, in order."""
    every: list[Event] = [
        ReportDrafted(inspection_id=IID, draft=1, kind="findings_letter", checksum=SUM),
        ReportQualityAssured(inspection_id=IID, draft=1, checksum=SUM),
        *(ReportAgreed(inspection_id=IID, draft=1, inspectorate=i, checksum=SUM) for i in JTAI),
        ReportSentForFactualAccuracy(
            inspection_id=IID,
            draft=1,
            recipient=Recipient.LSCB_CHAIR,
            agency=None,
            addressee="Łukasz Wróbel-Nguyễn",
            copied_to=[],
            checksum=SUM,
        ),
        FactualAccuracyResponseReceived(
            inspection_id=IID,
            responder="Łukasz Wróbel-Nguyễn",
            points=[Point(point=1, text="A date is wrong.")],
        ),
        ReportFinalised(inspection_id=IID, checksum=SUM),
        ActionPlanRequested(inspection_id=IID, led_by=Agency.LOCAL_AUTHORITY, due_on=date(2026, 7, 17)),
        *(ReportPublished(inspection_id=IID, inspectorate=i, checksum=SUM) for i in JTAI),
    ]
    return every[:upto]


def issue(upto: int) -> Issue:
    state = lifecycle.report.fold(steps(upto))
    return issue_of(state, JTAI, OFSTED, FINALISED if upto >= 9 else None)


@pytest.mark.parametrize(
    ("upto", "step"),
    [
        (0, "not drafted yet, this is the inspection's record as it stands"),
        (1, "draft 1, to be quality-assured by Ofsted"),
        (2, "draft 1, quality-assured, to be agreed by every inspectorate taking part"),
        (5, "draft 1, quality-assured, to be agreed by every inspectorate taking part"),
        (6, "draft 1, agreed by every inspectorate taking part, not yet sent for factual accuracy"),
        (7, "draft 1, sent to Łukasz Wróbel-Nguyễn, chair of the LSCB, for factual accuracy"),
        (8, "draft 1, its factual-accuracy response being decided point by point"),
    ],
)
def test_a_document_not_final_says_which_step_its_lifecycle_has_reached(upto: int, step: str) -> None:
    standing = issue(upto)
    assert not standing.final
    assert standing.marking() == f"{DRAFT}: {step}"
    assert standing.issued_on is None


def test_a_final_document_has_its_date_of_issue_and_then_its_action_plan() -> None:
    final = issue(9)
    assert final == Issue(final=True, step="", issued_on=date(2026, 4, 10))  # the day in England
    assert final.marking() == ""
    published = issue(14)
    assert published.action_plan == ActionPlan(Agency.LOCAL_AUTHORITY, date(2026, 7, 17))


def test_a_correction_under_way_is_a_draft_again_and_says_which_edition() -> None:
    opened = ReportCorrectionOpened(
        inspection_id=IID, edition=2, corrects=SUM, reason="A judgement was revised.", on=date(2026, 5, 4)
    )
    again = ReportDrafted(inspection_id=IID, draft=2, kind="findings_letter", checksum="b" * 64)
    state = lifecycle.report.fold([*steps(14), opened, again])
    marking = issue_of(state, JTAI, OFSTED, None).marking()
    assert (
        marking
        == f"{DRAFT}: edition 2, correcting the published report: draft 2, to be quality-assured by Ofsted"
    )


def test_a_draft_is_marked_at_the_top_and_foot_of_every_format() -> None:
    marking = ISSUES["targeted_letter"].marking()
    markdown = render("targeted_letter", Format.MARKDOWN).decode()
    assert markdown.startswith(f"> **{marking}**\n\n# ")
    assert markdown.endswith(f"\n\n> **{marking}**\n")
    for fmt in (Format.HTML, Format.LARGE_PRINT):
        html = render_report(events("targeted_letter"), fmt, issue=ISSUES["targeted_letter"]).decode()
        assert html.count(f'<p class="draft" role="note">{marking}</p>') == 2
        assert "<title>DRAFT: Targeted inspection" in html
    pages = poppler.pages(render("targeted_letter", Format.PDF))
    assert all(re.sub(r"\s+", " ", page).startswith(marking) for page in pages)


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML, Format.PDF])
def test_a_final_document_carries_no_draft_marking(fmt: Format) -> None:
    rendered = render("findings_letter", fmt)
    said = poppler.text(rendered) if fmt is Format.PDF else rendered.decode()
    assert "DRAFT" not in said
    assert "not for publication" not in said


def test_the_content_the_lifecycle_agrees_is_the_document_without_its_standing() -> None:
    content = render_report(events("findings_letter"), Format.MARKDOWN).decode()
    assert "DRAFT" not in content
    assert "Date of issue" not in content
    assert "## Next steps" not in content
    live = render_report(events("findings_letter"), Format.MARKDOWN, issue=LIVE).decode()
    assert live.count(LIVE.marking()) == 2
    assert "Ofsted will say who leads the written statement of proposed action" in live


def test_the_next_steps_say_who_leads_the_statement_of_action_and_by_when() -> None:
    letter = render("findings_letter", Format.MARKDOWN).decode()
    assert "**Date of issue:** Friday 10 April 2026  \n" in letter
    assert (
        "## Next steps\n\nThe Director of Children's Services in Wakefield leads the written statement of "
        "proposed action in response to this letter, with the agencies it is addressed to." in letter
    )
    assert "reach Ofsted by Friday 17 July 2026." in letter
    cla = render("report", Format.MARKDOWN).decode()  # CLA 2012 tracks no action plan
    assert "**Date of issue:** Friday 24 July 2026" in cla
    assert "Next steps" not in cla


@pytest.mark.parametrize("name", NAMES)
def test_no_internal_identifier_appears_in_any_format(name: str) -> None:
    decoded = events(name)
    identifiers = {e.inspection_id for e in decoded if isinstance(e, InspectionScheduled)}
    identifiers |= {e.round_id for e in decoded if isinstance(e, InspectionScheduled) and e.round_id}
    for fmt in (Format.MARKDOWN, Format.HTML, Format.PDF):
        rendered = render(name, fmt)
        said = poppler.text(rendered) if fmt is Format.PDF else rendered.decode()
        for identifier in identifiers:
            assert identifier not in said, (fmt, identifier)
    if name != "overview":
        markdown = render(name, Format.MARKDOWN).decode()
        assert "**Area:** " in markdown
        assert "**Programme:** " in markdown
        assert "**Fieldwork:** " in markdown


# Titles and addressees per programme, as each seed says (issue 22 point 2).

TITLES = {
    # 001 Proposal one and four: to the LSCB chair and the senior leaders of the agencies inspected.
    "findings_letter": (
        "Joint targeted area inspection of the multi-agency response to abuse and neglect in Wakefield",
        "Dr A. Chair of Wakefield, chair of the Wakefield Local Safeguarding Children Board; the Director "
        "of Children's Services in Wakefield; the Accountable Officer for health services in Wakefield; the "
        "Chief Constable of the police force for Wakefield; and the Director of probation services in "
        "Wakefield",
    ),
    # 001 Part 2: Ofsted alone, the local authority and the LSCB in relation to it.
    "targeted_letter": (
        "Targeted inspection of the local authority and the Local Safeguarding Children Board in Wakefield",
        "Łukasz Wróbel-Nguyễn, chair of the Wakefield Local Safeguarding Children Board; and the Director of "
        "Children's Services, Wakefield Council",
    ),
    # 003: Ofsted and CQC; the local authority and its health partners, not the board.
    "report": (
        "Inspection of services for children looked after and care leavers in Kent",
        "the Director of Children's Services in Kent and the Accountable Officer for health services in Kent",
    ),
    # 002 §49-58: one single report on the area's arrangements; the CPS is no agency of the area (002 §33).
    "single_report": (
        "Joint inspection of multi-agency arrangements for the protection of children in Bradford",
        "the chair of the Bradford Local Safeguarding Children Board; the Director of Children's Services in "
        "Bradford; the Accountable Officer for health services in Bradford; the Chief Constable of the "
        "police force for Bradford; the Director of probation services in Bradford; the Head of the youth "
        "offending team in Bradford; and the Chief Crown Prosecutor, Crown Prosecution Service",
    ),
    # 004 §108-113: the combined report, and the joint inspection of the LSCB.
    "combined_report": (
        "Integrated inspection of services for children in need of help and protection, children looked "
        "after and care leavers, and joint inspection of the LSCB in Leeds",
        "Ms B. Chair, chair of the Leeds Local Safeguarding Children Board; the Director of Children's "
        "Services in Leeds; the Accountable Officer for health services in Leeds; Jane Smith, Chief "
        "Constable, West Yorkshire Police; the Director of probation services in Leeds; the Head of the "
        "youth offending team in Leeds; and the Governor of each custodial establishment in Leeds",
    ),
}


@pytest.mark.parametrize("name", list(TITLES))
def test_each_programme_has_its_seed_title_and_addressees(name: str) -> None:
    title, to = TITLES[name]
    markdown = render(name, Format.MARKDOWN).decode()
    assert f"\n# {title}\n" in f"\n{markdown}"
    assert f"**To:** {to}  \n" in markdown
    targeted = render("targeted_letter", Format.MARKDOWN).decode()
    assert "multi-agency response" not in targeted
    assert "the multi-agency" not in render("report", Format.MARKDOWN).decode()


def joined(organisation: str, agency: Agency, senior_leader: str | None, area: str = "Wakefield") -> Event:
    """A register event: the organisation on the area's board, its senior leader named or not."""
    code = {"Wakefield": "E08000036", "Leeds": "E08000035"}[area]
    return BoardPartnerJoined(
        area_code=code, local_area=area, agency=agency, organisation=organisation, senior_leader=senior_leader
    )


def addressed_to(letter: list[Event]) -> str:
    markdown = render_report(letter, Format.MARKDOWN).decode()
    return markdown.split("**To:** ", 1)[1].split("  \n", 1)[0]


def test_a_senior_leader_is_addressed_by_name_and_role_where_the_register_names_them() -> None:
    """001 Proposal four: to "each agency's senior leader by role and name from the board register"."""
    letter = events("targeted_letter")  # Wakefield Council on the board, its leader not named
    chair = "Łukasz Wróbel-Nguyễn, chair of the Wakefield Local Safeguarding Children Board; and "
    assert addressed_to(letter) == chair + "the Director of Children's Services, Wakefield Council"
    named = [*letter, joined("Wakefield Council", Agency.LOCAL_AUTHORITY, "Jane Smith")]  # joined again
    assert addressed_to(named) == chair + "Jane Smith, Director of Children's Services, Wakefield Council"


def test_each_establishment_of_an_agency_is_addressed_by_its_leaders_name_where_the_register_has_it() -> None:
    """The integrated inspection in Leeds inspects custody: one governor named, the other by role alone."""
    report = [
        *events("combined_report"),
        joined("HMYOI Wetherby", Agency.CUSTODY, "Jo Reed", "Leeds"),
        joined("Adel Beck Secure Children's Home", Agency.CUSTODY, None, "Leeds"),
    ]
    assert addressed_to(report).endswith(
        "; Jane Smith, Chief Constable, West Yorkshire Police; the Director of probation services in Leeds; "
        "the Head of the youth offending team in Leeds; Jo Reed, Governor, HMYOI Wetherby; and the "
        "Governor, Adel Beck Secure Children's Home"
    )
    unnamed = [*events("combined_report")[:-1], *report[-2:]]  # the police not on the board either
    assert addressed_to(unnamed).endswith(
        "; the Chief Constable of the police force for Leeds; the Director of probation services in Leeds; "
        "the Head of the youth offending team in Leeds; Jo Reed, Governor, HMYOI Wetherby; and the "
        "Governor, Adel Beck Secure Children's Home"
    )


def test_the_police_leading_the_statement_of_action_are_led_by_the_chief_constable_of_the_force() -> None:
    police = ActionPlan(led_by=Agency.POLICE, due_on=date(2026, 7, 17))
    final = Issue(final=True, step="", issued_on=date(2026, 4, 10), action_plan=police)
    letter = render_report(events("findings_letter"), Format.MARKDOWN, issue=final).decode()
    assert (
        "## Next steps\n\nThe Chief Constable of the police force for Wakefield leads the written statement "
        "of proposed action" in letter
    )
    assert "Chief Constable in" not in letter


def test_each_inspectorate_signs_by_its_lead_inspector() -> None:
    letter = render("findings_letter", Format.MARKDOWN).decode()
    assert letter.endswith(
        "Yours sincerely,\n\n"
        "- Lead inspector for Ofsted: Ruth Okafor HMI\n"
        "- Lead inspector for the Care Quality Commission: Łukasz Wróbel-Nguyễn, "
        "children's services inspector\n"
        "- Lead inspector for HM Inspectorate of Constabulary: David Lowe, HM Inspector of Constabulary\n"
        "- Lead inspector for HM Inspectorate of Probation\n"  # no team recorded: by role alone
    )
    report = render("report", Format.MARKDOWN).decode()
    assert (
        "Signed on behalf of the inspectorates taking part:\n\n- Lead inspector for Ofsted: Gillian" in report
    )


# Plurals and placeholders.


def test_counts_of_one_are_singular() -> None:
    scheduled = next(e for e in events("targeted_letter") if isinstance(e, InspectionScheduled))
    evidence = [e for e in events("targeted_letter") if type(e).__name__ == "EvidenceItemRecorded"][:1]
    letter = render_report([scheduled, *evidence], Format.MARKDOWN).decode()
    assert (
        "Inspectors recorded 1 evidence item (1 showing a strength, 0 weaknesses) from 1 child's case."
        in letter
    )


def test_a_letter_without_the_boards_evaluation_leaves_its_section_out() -> None:
    without = [
        e
        for e in events("findings_letter")
        if not isinstance(e, LscbJudgementProposed | LscbJudgementSignedOff | LscbJudgementFinalised)
    ]
    letter = render_report(without, Format.MARKDOWN, issue=LIVE).decode()
    assert "Local Safeguarding Children Board\n" not in letter.split("## ", 1)[1].split("\n", 1)[0]
    assert "## The effectiveness of the Local Safeguarding Children Board" not in letter
    assert "not been recorded" not in letter
    assert "recorded yet" not in letter
