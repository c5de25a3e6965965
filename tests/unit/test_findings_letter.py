"""The JTAI findings letter, rebuilt from events alone (001 Proposal four)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from services.reporting.rendering.documents import Format, render_report
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import (
    BoardOfficerAppointed,
    LscbEvaluationRecorded,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
    Office,
)
from shared.language.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from tests.domain import recorded_item

INSPECTION = "insp-letter"

HEADINGS = ["## Key strengths", "## Areas for priority action", "## Areas for development"]
GRADE_WORDS = ["outstanding", "good", "adequate", "requires improvement", "inadequate"]

# Texts chosen so that none contains a grade word (the letter's own words are checked separately).
STRENGTH_TEXT = "Strategy discussions between police and social workers happen promptly."
PRIORITY_TEXT = "Return home interviews for missing children are not offered consistently."
DEVELOPMENT_TEXT = "Health partners should share chronologies with the front door."
LSCB_EARLY = "Early view: the board challenges partners rarely."
LSCB_LATE = "The board holds partners to account through its sexual exploitation subgroup."


def render_findings_letter(events: Sequence[Event]) -> str:
    """The findings letter: the Markdown of the report a JTAI's events give. A pure function: the same events
    give the same letter, byte for byte, however and whenever they arrived."""
    return render_report(events, Format.MARKDOWN).decode()


def scheduled() -> InspectionScheduled:
    return InspectionScheduled(
        inspection_id=INSPECTION,
        programme="jtai-2015",
        area_code="E08000036",
        local_area="Wakefield",
        announced=True,
        deep_dive_theme="cse_and_missing",
        fieldwork_starts=date(2026, 3, 9),
        fieldwork_ends=date(2026, 3, 13),
        notice_date=date(2026, 2, 25),
        inspectorates=[Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION],
        agencies={
            Agency.LOCAL_AUTHORITY: Inspectorate.OFSTED,
            Agency.HEALTH: Inspectorate.CQC,
            Agency.POLICE: Inspectorate.HMIC,
            Agency.PROBATION: Inspectorate.HMI_PROBATION,
        },
    )


def notification(
    recipient: Recipient, agency: Agency | None, by: Inspectorate, minute: int
) -> NotificationRecorded:
    return NotificationRecorded(
        inspection_id=INSPECTION,
        recipient=recipient,
        agency=agency,
        notified_by=by,
        notified_at=datetime(2026, 2, 25, 9, minute, tzinfo=UTC),
        addressee=None,
    )


def finding(finding_id: str, kind: FindingKind, to: Agency, text: str, ids: list[str]) -> FindingRecorded:
    return FindingRecorded(
        inspection_id=INSPECTION,
        finding_id=finding_id,
        kind=kind,
        addressed_to=to,
        text=text,
        evidence_item_ids=ids,
    )


SCHEDULING: list[Event] = [
    scheduled(),
    notification(Recipient.LSCB_CHAIR, None, Inspectorate.OFSTED, 0),
    notification(Recipient.AGENCY_SENIOR_LEADER, Agency.POLICE, Inspectorate.HMIC, 5),
    notification(Recipient.AGENCY_SENIOR_LEADER, Agency.LOCAL_AUTHORITY, Inspectorate.OFSTED, 6),
]
EVIDENCE: list[Event] = [
    recorded_item(item_id, by, agency, "deep_dive", bearing, case, inspection_id=INSPECTION)
    for item_id, by, agency, bearing, case in [
        ("ev-1", Inspectorate.OFSTED, Agency.LOCAL_AUTHORITY, Bearing.STRENGTH, "CASE-001"),
        ("ev-2", Inspectorate.HMIC, Agency.POLICE, Bearing.STRENGTH, "CASE-001"),
        ("ev-3", Inspectorate.OFSTED, Agency.LOCAL_AUTHORITY, Bearing.WEAKNESS, "CASE-002"),
        ("ev-4", Inspectorate.CQC, Agency.HEALTH, Bearing.WEAKNESS, "CASE-003"),
        ("ev-5", Inspectorate.OFSTED, Agency.LSCB, Bearing.STRENGTH, None),
    ]
]
FINDINGS: list[Event] = [
    finding("f-1", FindingKind.KEY_STRENGTH, Agency.PARTNERSHIP, STRENGTH_TEXT, ["ev-2", "ev-1"]),
    finding("f-2", FindingKind.AREA_FOR_PRIORITY_ACTION, Agency.LOCAL_AUTHORITY, PRIORITY_TEXT, ["ev-3"]),
    finding("f-3", FindingKind.AREA_FOR_DEVELOPMENT, Agency.HEALTH, DEVELOPMENT_TEXT, ["ev-4", "ev-3"]),
]
AGREEING = [Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC, Inspectorate.HMI_PROBATION]
LSCB: list[Event] = [
    LscbJudgementProposed(
        inspection_id=INSPECTION, proposal=1, grade=None, text=LSCB_EARLY, evidence_item_ids=["ev-5"]
    ),
    LscbJudgementProposed(
        inspection_id=INSPECTION, proposal=2, grade=None, text=LSCB_LATE, evidence_item_ids=["ev-5"]
    ),
    *(LscbJudgementSignedOff(inspection_id=INSPECTION, inspectorate=i, proposal=2) for i in AGREEING),
    LscbJudgementFinalised(
        inspection_id=INSPECTION,
        proposal=2,
        grade=None,
        text=LSCB_LATE,
        evidence_item_ids=["ev-5"],
        signed_off_by=AGREEING,
    ),
]
ALL: list[Event] = [*SCHEDULING, *EVIDENCE, *FINDINGS, *LSCB]


def section(letter: str, heading: str) -> str:
    """The text between `heading` and the next heading."""
    start = letter.index(heading + "\n") + len(heading) + 1
    following = letter.find("\n## ", start)
    return letter[start : following if following != -1 else len(letter)]


@pytest.fixture(scope="module")
def letter() -> str:
    return render_findings_letter(ALL)


def test_001_proposal_four_each_finding_appears_under_its_own_heading(letter: str) -> None:
    texts = {HEADINGS[0]: STRENGTH_TEXT, HEADINGS[1]: PRIORITY_TEXT, HEADINGS[2]: DEVELOPMENT_TEXT}
    for heading, text in texts.items():
        assert text in section(letter, heading), heading
        for other in HEADINGS:
            if other != heading:
                assert text not in section(letter, other), (text, other)
    assert letter.index(HEADINGS[0]) < letter.index(HEADINGS[1]) < letter.index(HEADINGS[2])


def test_001_proposal_four_findings_name_their_addressee(letter: str) -> None:
    assert "*(For the local partnership;" in section(letter, HEADINGS[0])
    assert "*(For the local authority;" in section(letter, HEADINGS[1])
    assert "*(For health services;" in section(letter, HEADINGS[2])


def test_findings_of_one_kind_are_numbered_in_stream_order() -> None:
    events = [
        *SCHEDULING,
        *EVIDENCE,
        finding("f-a", FindingKind.KEY_STRENGTH, Agency.POLICE, "Second strength text.", ["ev-2"]),
        finding("f-b", FindingKind.KEY_STRENGTH, Agency.PARTNERSHIP, "Third strength text.", ["ev-1"]),
    ]
    strengths = section(render_findings_letter(events), HEADINGS[0])
    assert re.search(r"^1\. Second strength text\.", strengths, re.MULTILINE)
    assert re.search(r"^2\. Third strength text\.", strengths, re.MULTILINE)


def test_an_empty_section_says_none_identified() -> None:
    letter = render_findings_letter([*SCHEDULING, *EVIDENCE, FINDINGS[0]])
    assert section(letter, HEADINGS[0]).strip() != "None identified."
    assert STRENGTH_TEXT in section(letter, HEADINGS[0])
    assert section(letter, HEADINGS[1]).strip() == "None identified."
    assert section(letter, HEADINGS[2]).strip() == "None identified."


def test_001_proposal_three_evidence_attribution_names_the_inspectorates_of_the_cited_items(
    letter: str,
) -> None:
    strengths = section(letter, HEADINGS[0])
    # ev-2 (HMIC) and ev-1 (Ofsted), listed in the inspectorates' canonical order.
    assert "2 evidence items from Ofsted and HM Inspectorate of Constabulary" in strengths
    priority = section(letter, HEADINGS[1])
    assert "1 evidence item from Ofsted" in priority
    assert "Care Quality Commission" not in priority
    development = section(letter, HEADINGS[2])
    assert "2 evidence items from Ofsted and the Care Quality Commission" in development
    assert "Constabulary" not in development


def test_the_counts_line(letter: str) -> None:
    assert (
        "Inspectors recorded 5 evidence items (3 showing strengths, 2 weaknesses) from 3 children's cases."
        in letter
    )


def test_the_per_inspectorate_table(letter: str) -> None:
    table = section(letter, "## The evidence behind these findings")
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == [
        "| Inspectorate | Evidence items |",
        "| Ofsted | 3 |",
        "| The Care Quality Commission | 1 |",
        "| HM Inspectorate of Constabulary | 1 |",
        "| HM Inspectorate of Probation | 0 |",
    ]


def test_001_proposal_four_the_letter_contains_no_grade_words(letter: str) -> None:
    # Also a letter with no findings at all, so only the letter's own words are checked.
    bare = render_findings_letter(SCHEDULING)
    for text in (letter, bare):
        lowered = text.lower()
        for word in GRADE_WORDS:
            assert not re.search(rf"\b{word}\b", lowered), word
    assert "does not make a graded judgement" in letter


def test_grade_word_check_would_catch_a_grade() -> None:
    # Guards the check above: a finding text with a grade word is found by the same pattern.
    graded = finding("f-g", FindingKind.KEY_STRENGTH, Agency.POLICE, "Police practice is good.", ["ev-2"])
    letter = render_findings_letter([*SCHEDULING, *EVIDENCE, graded])
    assert re.search(r"\bgood\b", letter.lower())


def test_001_proposal_two_the_notice_line_names_the_chair_first(letter: str) -> None:
    assert (
        "Notice of the inspection was given on Wednesday 25 February 2026, first to the chair of the LSCB, "
        "then to the senior leaders of the police and the local authority." in letter
    )


def test_the_notice_line_names_the_business_manager_when_the_chair_was_absent() -> None:
    events = [
        scheduled(),
        notification(Recipient.LSCB_BUSINESS_MANAGER, None, Inspectorate.OFSTED, 0),
    ]
    letter = render_findings_letter(events)
    assert "first to the business manager of the LSCB." in letter
    assert "senior leaders of" not in letter.split("Notice of the inspection", 1)[1].split("\n", 1)[0]


def test_the_header_names_area_fieldwork_and_inspectorates(letter: str) -> None:
    assert letter.startswith(
        "# Joint targeted area inspection of the multi-agency response to abuse and neglect in Wakefield\n"
    )
    assert "**Fieldwork:** Monday 9 March 2026 to Friday 13 March 2026" in letter
    assert (
        "**From:** Ofsted, the Care Quality Commission, HM Inspectorate of Constabulary and "
        "HM Inspectorate of Probation" in letter
    )
    assert "children at risk of sexual exploitation and those missing from home, school or care" in letter


def test_the_header_follows_a_reschedule_and_an_inspectorate_that_joined() -> None:
    moved = InspectionRescheduled(
        inspection_id=INSPECTION,
        fieldwork_starts=date(2026, 3, 16),
        fieldwork_ends=date(2026, 3, 20),
        notice_date=date(2026, 3, 4),
        reason="a serious incident in the area",
    )
    joined = InspectorateJoined(
        inspection_id=INSPECTION,
        inspectorate=Inspectorate.HMCPSI,
        condition="triggered",
        reason="prosecution decisions in two cases",
        agencies=[Agency.CPS],
    )
    letter = render_findings_letter([*SCHEDULING, moved, joined, *EVIDENCE, *FINDINGS])
    assert "**Fieldwork:** Monday 16 March 2026 to Friday 20 March 2026" in letter
    assert "HM Inspectorate of Probation and HM Crown Prosecution Service Inspectorate" in letter
    assert "in Wakefield; and the Chief Crown Prosecutor, Crown Prosecution Service" in letter


def _interleave(streams: Sequence[Sequence[Event]], order: Sequence[int]) -> list[Event]:
    """Merge streams, taking the next event of stream `order[k]` at step k (each stream keeps its order)."""
    positions = [0] * len(streams)
    merged: list[Event] = []
    for stream_index in order:
        merged.append(streams[stream_index][positions[stream_index]])
        positions[stream_index] += 1
    assert positions == [len(s) for s in streams]
    return merged


def test_rendering_is_deterministic_whatever_order_the_streams_arrive_in(letter: str) -> None:
    # Every evidence item is its own stream; findings, LSCB and scheduling are one stream each.
    streams: list[Sequence[Event]] = [SCHEDULING, FINDINGS, LSCB, *([e] for e in EVIDENCE)]
    arrivals = [index for index, stream in enumerate(streams) for _ in stream]
    seen: set[tuple[int, ...]] = set()
    for seed in range(25):
        order = list(arrivals)
        random.Random(seed).shuffle(order)
        seen.add(tuple(order))
        events = _interleave(streams, order)
        assert render_findings_letter(events) == letter, order
    assert len(seen) > 20  # the orders really differ
    # Evidence reversed and delivered before everything else, too.
    assert render_findings_letter([*reversed(EVIDENCE), *SCHEDULING, *FINDINGS, *LSCB]) == letter


def test_004_s113_the_final_shared_judgement_of_the_board_is_shown_with_who_agreed_it(letter: str) -> None:
    board = section(letter, "## The effectiveness of the Local Safeguarding Children Board")
    assert LSCB_LATE in board
    assert LSCB_EARLY not in letter
    assert (
        "1 evidence item from Ofsted; agreed by Ofsted, the Care Quality Commission, HM Inspectorate of "
        "Constabulary and HM Inspectorate of Probation." in board
    )


def test_a_proposal_not_yet_agreed_by_all_is_not_published() -> None:
    letter = render_findings_letter([*SCHEDULING, *EVIDENCE, *FINDINGS, *LSCB[:3]])
    board = section(letter, "## The effectiveness of the Local Safeguarding Children Board")
    assert "have not yet all agreed" in board
    assert LSCB_EARLY not in letter
    assert LSCB_LATE not in letter


def test_an_evaluation_recorded_before_the_agreement_flow_still_renders() -> None:
    legacy = LscbEvaluationRecorded(inspection_id=INSPECTION, summary=LSCB_EARLY, evidence_item_ids=["ev-5"])
    letter = render_findings_letter([*SCHEDULING, *EVIDENCE, legacy])
    assert LSCB_EARLY in section(letter, "## The effectiveness of the Local Safeguarding Children Board")


def test_without_an_lscb_evaluation_the_letter_leaves_its_section_out() -> None:
    letter = render_findings_letter([*SCHEDULING, *EVIDENCE, *FINDINGS])
    assert "## The effectiveness of the Local Safeguarding Children Board" not in letter
    assert "not been recorded" not in letter


def test_the_letter_is_addressed_to_the_chair_named_in_the_board_register(letter: str) -> None:
    assert "**To:** the chair of the Wakefield Local Safeguarding Children Board" in letter
    appointed = BoardOfficerAppointed(
        area_code="E08000036", local_area="Wakefield", office=Office.CHAIR, name="Dr A. Example"
    )
    addressed = render_findings_letter([*ALL, appointed])
    assert "**To:** Dr A. Example, chair of the Wakefield Local Safeguarding Children Board; the" in addressed


def test_rendering_without_an_inspection_scheduled_raises_value_error() -> None:
    with pytest.raises(ValueError, match="InspectionScheduled"):
        render_findings_letter([*EVIDENCE, *FINDINGS, *LSCB])
