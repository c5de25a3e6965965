"""`jip lscb` and `jip inspections plan`: parsing, help, the requests each command sends and the rendering
of the LSCB and scheduling services' answers. Nothing here starts a server: answers are built from the
services' own models (the board register folded from real events), and requests are caught before they
leave."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from jip.cli import main, parser
from jip.commands import lscb, lscb_text, scheduling
from jip.commands.tokens import signer
from services.lscb import views
from services.lscb.domain.evaluation import lscb_criteria
from services.lscb.views import CriterionView, EvaluationView, EvidenceRef, PartnerView
from services.scheduling.routes.notice import NotificationPlan, PlannedStep
from shared.language.areas import Area, find
from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import (
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardPartnerJoined,
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    Office,
)
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.views.boards import Board, fold
from tests.cli import FakeService, answering
from tests.helpers import claims_sent

INSPECTION = "insp-1"
EVALUATION = f"/inspections/{INSPECTION}/evaluation"


def area(name: str) -> Area:
    found = find(name)
    assert found is not None
    return found


WAKEFIELD = area("Wakefield")
WHERE = {"area_code": WAKEFIELD.code, "local_area": WAKEFIELD.name}
BOARD = f"/boards/{WAKEFIELD.code}"
TEXT = "Health partners do not attend the board's audit group, so its audits miss health's practice."

# The chair has been away since 2022 with no return date, so the business manager is notified first today
# (001 Proposal two); the council and the police sit on the board, three statutory partners do not.
EVENTS: list[Event] = [
    BoardOfficerAppointed(**WHERE, office=Office.CHAIR, name="Alex Chair", contact="chair@wakefield.example"),
    BoardOfficerAppointed(**WHERE, office=Office.BUSINESS_MANAGER, name="Sam Manager"),
    BoardOfficerAbsent(
        **WHERE,
        office=Office.CHAIR,
        absent_from=date(2021, 3, 1),
        absent_until=date(2021, 3, 5),
        reason="annual leave",
    ),
    BoardOfficerAbsent(
        **WHERE, office=Office.CHAIR, absent_from=date(2022, 1, 10), absent_until=None, reason="sick leave"
    ),
    BoardPartnerJoined(
        **WHERE, agency=Agency.LOCAL_AUTHORITY, organisation="Wakefield Council", senior_leader="Jane Smith"
    ),
    BoardPartnerJoined(**WHERE, agency=Agency.POLICE, organisation="West Yorkshire Police"),
]


def parse(*argv: str) -> argparse.Namespace:
    return parser().parse_args(list(argv))


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: compare words


def cells(line: str) -> list[str]:
    """A table row's cells: columns are two spaces or more apart."""
    return re.split(r" {2,}", line.strip())


def board_view(events: list[Event] = EVENTS) -> dict[str, Any]:
    board = fold(events)
    return views.board_view(WAKEFIELD, board, len(events)).model_dump(mode="json")


def item(
    item_id: str, by: Inspectorate, agency: Agency, bearing: Bearing, criteria: list[str]
) -> EvidenceRef:
    return EvidenceRef(
        evidence_item_id=item_id,
        inspectorate=by,
        agency=agency,
        bearing=bearing,
        criteria=criteria,
        summary="The board's minutes show ...",
    )


ITEMS = [
    item("ev-1", Inspectorate.OFSTED, Agency.LSCB, Bearing.STRENGTH, ["115a"]),
    item("ev-2", Inspectorate.CQC, Agency.HEALTH, Bearing.WEAKNESS, ["115c"]),
    item("ev-3", Inspectorate.HMIC, Agency.LSCB, Bearing.AREA_FOR_IMPROVEMENT, ["115c"]),
    item("ev-4", Inspectorate.OFSTED, Agency.LSCB, Bearing.STRENGTH, []),
]
CONTRIBUTIONS = [
    LscbFindingContributed(
        inspection_id=INSPECTION,
        contribution_id="c-1",
        inspectorate=Inspectorate.CQC,
        criterion="115c",
        bearing=Bearing.WEAKNESS,
        attributed_to=Agency.HEALTH,
        text=TEXT,
        evidence_item_ids=["ev-2", "ev-3"],
    ),
    LscbFindingContributed(
        inspection_id=INSPECTION,
        contribution_id="c-2",
        inspectorate=Inspectorate.OFSTED,
        criterion=None,
        bearing=Bearing.STRENGTH,
        attributed_to=Agency.LSCB,
        text="The board's annual report is candid about its weaknesses.",
        evidence_item_ids=["ev-4"],
    ),
]
PROPOSAL = LscbJudgementProposed(
    inspection_id=INSPECTION,
    proposal=2,
    grade=Grade.GOOD,
    text="The board is effective: it holds partners to account.",
    evidence_item_ids=["ev-1", "ev-4"],
)
DISPUTE = LscbJudgementDisputed(
    inspection_id=INSPECTION,
    inspectorate=Inspectorate.HMIC,
    proposal=2,
    reasons="The board has not audited the police's response to missing children.",
)


def evaluation_of(**changes: Any) -> dict[str, Any]:
    """An integrated-2014 evaluation: graded, with the board's criteria 115a-l; two contributions, the
    second proposal signed off by Ofsted and CQC and disputed by HMIC."""
    programme = catalogue()["integrated-2014"]
    criteria = [
        CriterionView(
            criterion=cid,
            text=text,
            evidence=[i for i in ITEMS if cid in i.criteria],
            contributions=[c for c in CONTRIBUTIONS if c.criterion == cid],
        )
        for cid, text in lscb_criteria(programme).items()
    ]
    view = EvaluationView(
        inspection_id=INSPECTION,
        programme=programme.id,
        evaluation="graded",
        scale=programme.judgements.scale,
        criteria=criteria,
        uncovered=[c.criterion for c in criteria if not c.evidence and not c.contributions],
        evidence=ITEMS,
        contributions=CONTRIBUTIONS,
        by_partner=[
            PartnerView(agency=Agency.HEALTH, strengths=0, weaknesses=1, areas_for_improvement=0),
            PartnerView(agency=Agency.LSCB, strengths=1, weaknesses=0, areas_for_improvement=0),
        ],
        proposal=PROPOSAL,
        descriptor="Good: the LSCB meets the criteria of 004 §115 a-l.",
        signed_off=[Inspectorate.OFSTED, Inspectorate.CQC],
        awaiting=[Inspectorate.HMIC, Inspectorate.HMI_PROBATION],
        disputes=[DISPUTE],
        final=None,
        version=12,
    )
    return view.model_dump(mode="json") | changes


def narrative_of(**changes: Any) -> dict[str, Any]:
    """A JTAI's evaluation: in narrative, with no criteria, nothing contributed yet."""
    view = EvaluationView(
        inspection_id=INSPECTION,
        programme="jtai-2015",
        evaluation="narrative",
        scale=[],
        criteria=[],
        uncovered=[],
        evidence=[],
        contributions=[],
        by_partner=[],
        proposal=None,
        descriptor=None,
        signed_off=[],
        awaiting=[],
        disputes=[],
        final=None,
        version=0,
    )
    return view.model_dump(mode="json") | changes


FINAL = LscbJudgementFinalised(
    inspection_id=INSPECTION,
    proposal=2,
    grade=Grade.GOOD,
    text=PROPOSAL.text,
    evidence_item_ids=PROPOSAL.evidence_item_ids,
    signed_off_by=[Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC],
).model_dump(mode="json")


def plan_of(*, registered: bool = True, cited: str = "001 Proposal two") -> dict[str, Any]:
    plan = NotificationPlan(
        inspection_id=INSPECTION,
        due=date(2031, 3, 10),
        ordered=True,
        order_source=cited,
        board_registered=registered,
        steps=[
            PlannedStep(
                recipient=Recipient.LSCB_BUSINESS_MANAGER if registered else Recipient.LSCB_CHAIR,
                agency=None,
                addressee="Sam Manager" if registered else None,
                notified_by=Inspectorate.OFSTED,
                notified_at=datetime(2031, 3, 10, 9, 30, tzinfo=UTC) if registered else None,
            ),
            PlannedStep(
                recipient=Recipient.AGENCY_SENIOR_LEADER,
                agency=Agency.HEALTH,
                addressee=None,
                notified_by=Inspectorate.CQC,
                notified_at=None,
            ),
            PlannedStep(
                recipient=Recipient.AGENCY_SENIOR_LEADER,
                agency=Agency.POLICE,
                addressee=None,
                notified_by=Inspectorate.HMIC,
                notified_at=None,
            ),
        ],
    )
    return plan.model_dump(mode="json")


# ---------------------------------------------------------------- parsing and help


def test_the_board_changes_parse_their_area_office_and_dates() -> None:
    args = parse(
        "lscb", "appoint", "Wakefield", "chair", "--name", "Alex Chair", "--contact", "01924 000000",
        "--if-match", "4",
    )  # fmt: skip
    assert (args.action, args.area, args.office, args.name, args.contact, args.if_match) == (
        "appoint",
        "Wakefield",
        "chair",
        "Alex Chair",
        "01924 000000",
        4,
    )
    args = parse(
        "lscb", "absent", "E08000036", "business_manager", "--from", "2031-03-10", "--reason", "leave"
    )
    assert (args.office, args.absent_from, args.absent_until, args.reason) == (
        "business_manager",
        "2031-03-10",
        None,
        "leave",
    )
    assert parse("lscb", "back", "Wakefield", "chair", "--on", "2031-03-17").returned_on == "2031-03-17"
    args = parse("lscb", "partner-leaves", "Wakefield", "--agency", "health", "--organisation", "Trust",
                 "--reason", "merged")  # fmt: skip
    assert (args.agency, args.organisation, args.reason, args.if_match) == ("health", "Trust", "merged", None)


def test_contribute_and_propose_parse_into_the_api_s_bodies(tmp_path: Path) -> None:
    args = parse(
        "lscb", "contribute", INSPECTION, "--criterion", "115c", "--bearing", "weakness", "--for", "health",
        "--text", TEXT, "--evidence", "ev-2", "ev-3", "--as", "cqc", "--if-match", "7",
    )  # fmt: skip
    assert lscb.contribution(args) == {
        "criterion": "115c",
        "bearing": "weakness",
        "attributed_to": "health",
        "text": TEXT,
        "evidence_item_ids": ["ev-2", "ev-3"],
    }
    assert (args.actor, args.if_match) == ("cqc", 7)
    account = tmp_path / "finding.txt"
    account.write_text(f"  {TEXT}\n", encoding="utf-8")
    args = parse("lscb", "contribute", INSPECTION, "--bearing", "strength", "--for", "lscb",
                 "--text-file", str(account), "--evidence", "ev-1")  # fmt: skip
    assert lscb.contribution(args) == {
        "bearing": "strength",
        "attributed_to": "lscb",
        "text": TEXT,
        "evidence_item_ids": ["ev-1"],
    }
    args = parse("lscb", "propose", INSPECTION, "--text", "Effective.", "--evidence", "ev-1")
    assert lscb.proposal(args) == {"text": "Effective.", "evidence_item_ids": ["ev-1"]}
    args = parse("lscb", "propose", INSPECTION, "--grade", "good", "--text", "Effective.", "--evidence", "e")
    assert lscb.proposal(args) == {"grade": "good", "text": "Effective.", "evidence_item_ids": ["e"]}


CONTRIBUTE = ["lscb", "contribute", INSPECTION, "--bearing", "strength", "--for", "lscb"]


@pytest.mark.parametrize(
    "argv",
    [
        ["lscb", "appoint", "Wakefield", "deputy_chair", "--name", "N"],  # not an office
        ["lscb", "appoint", "Wakefield", "chair"],  # no name
        ["lscb", "vacate", "Wakefield", "chair"],  # no reason
        ["lscb", "absent", "Wakefield", "chair", "--from", "10/03/2031", "--reason", "leave"],
        ["lscb", "absent", "Wakefield", "chair", "--from", "2031-03-10", "--until", "soon", "--reason", "x"],
        ["lscb", "back", "Wakefield", "chair"],  # no day
        ["lscb", "partner-joins", "Wakefield", "--agency", "nhs", "--organisation", "Trust"],
        ["lscb", "partner-joins", "Wakefield", "--agency", "health"],  # no organisation
        ["lscb", "partner-leaves", "Wakefield", "--agency", "health", "--organisation", "Trust"],  # no reason
        [*CONTRIBUTE, "--text", "t"],  # no evidence
        [*CONTRIBUTE, "--evidence", "ev-1"],  # no text
        [*CONTRIBUTE, "--text", "t", "--text-file", "f", "--evidence", "ev-1"],  # both texts
        [
            "lscb",
            "contribute",
            INSPECTION,
            "--bearing",
            "concern",
            "--for",
            "lscb",
            "--text",
            "t",
            "--evidence",
            "e",
        ],
        ["lscb", "contribute", INSPECTION, "--bearing", "strength", "--text", "t", "--evidence", "e"],
        ["lscb", "propose", INSPECTION, "--grade", "satisfactory", "--text", "t", "--evidence", "e"],
        ["lscb", "dispute", INSPECTION],  # no reasons
        ["lscb", "resolve", INSPECTION],  # no resolution
        ["lscb", "sign-off", INSPECTION, "--if-match", "latest"],
        ["lscb", "agree", INSPECTION],
        ["inspections", "plan"],  # no inspection
    ],
)
def test_a_missing_or_unknown_option_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(*argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_a_date_that_is_not_one_says_what_to_give(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("lscb", "back", "Wakefield", "chair", "--on", "2031-02-30")
    assert "'2031-02-30' is not a date: give YYYY-MM-DD" in capsys.readouterr().err


def test_the_help_lists_the_choices_from_the_contracts_and_cites_the_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    top = help_of(capsys, "lscb")
    for action in ("boards", "board", "appoint", "vacate", "absent", "back", "partner-joins",
                   "partner-leaves", "evaluation", "contribute", "propose", "sign-off", "dispute",
                   "resolve", "finalise"):  # fmt: skip
        assert action in top
    for rule in (
        "004 §41",
        "001 Proposal two",
        "004 §115 a-l",
        "e.g. 004 §113",
        "004 §26, §113",
        "--if-match",
    ):
        assert rule in top
    board = help_of(capsys, "lscb", "board")
    assert "004 §41: local_authority, health, police, probation, youth_offending_team, custody" in board
    assert "business manager when the chair is absent" in board
    appoint = help_of(capsys, "lscb", "appoint")
    assert "one of chair, business_manager" in appoint
    assert "001 Proposal two" in appoint
    assert "--if-match VERSION" in appoint
    assert "board register is past VERSION" in appoint
    for action in ("vacate", "absent", "back"):
        assert "001 Proposal two" in help_of(capsys, "lscb", action)
    joins = help_of(capsys, "lscb", "partner-joins")
    assert "004 §41" in joins
    assert "--senior-leader NAME" in joins
    assert "one of local_authority, health, police, probation, youth_offending_team, custody, cps" in joins
    contribute = help_of(capsys, "lscb", "contribute")
    assert "{strength,weakness,area_for_improvement}" in contribute
    assert "(--text TEXT | --text-file PATH)" in contribute
    assert "--evidence ID [ID ...]" in contribute
    for rule in ("004 §115 a-l", "e.g. 004 §113", "e.g. 115c"):
        assert rule in contribute
    propose = help_of(capsys, "lscb", "propose")
    assert "{outstanding,good,adequate,requires_improvement,inadequate}" in propose
    assert "lead inspectorate (002 §11)" in propose
    assert "every inspectorate taking part signs off the current one (004 §26, §113)" in propose
    for action in ("sign-off", "dispute", "resolve", "finalise"):
        text = help_of(capsys, "lscb", action)
        assert "004 §26, §113" in text
        assert "evaluation is past VERSION" in text
    evaluation = help_of(capsys, "lscb", "evaluation")
    assert "004 §115 a-l" in evaluation
    assert "e.g. 004 §113" in evaluation
    plan = help_of(capsys, "inspections", "plan")
    assert "001 Proposal two" in plan
    assert "business manager when the chair is absent" in plan
    assert "lscb" in help_of(capsys)


# ---------------------------------------------------------------- rendering the board register


def test_the_board_shows_its_officers_absences_partners_and_who_is_notified_first_today() -> None:
    text = lscb_text.board_text(board_view())
    assert text.splitlines() == [
        "LSCB of Wakefield (E08000036), version 6",
        "  chair             Alex Chair (chair@wakefield.example)",
        "    away 2021-03-01 to 2021-03-05: annual leave",
        "    away 2022-01-10 until they return: sick leave",
        "  business manager  Sam Manager",
        "  partners on the board:",
        "    local_authority  Wakefield Council, senior leader Jane Smith",
        "    police           West Yorkshire Police",
        "  statutory partners missing (004 §41): health, probation, youth_offending_team",
        "  notified first today (001 Proposal two): the business manager, Sam Manager",
    ]


def test_a_board_with_no_register_or_nobody_available_says_so() -> None:
    text = lscb_text.board_text(board_view([]))
    assert text.splitlines() == [
        "LSCB of Wakefield (E08000036), version 0",
        "  no register yet: `jip lscb appoint AREA chair --name NAME` starts one",
        "  statutory partners missing (004 §41): local_authority, health, police, probation, "
        "youth_offending_team",
        "  notified first today (001 Proposal two): nobody: the chair and the business manager are both "
        "vacant or away",
    ]
    partners_only = lscb_text.board_text(board_view(EVENTS[-1:]))
    assert "  chair             vacant\n  business manager  vacant\n" in partners_only
    assert "notified first today (001 Proposal two): nobody" in partners_only


def test_boards_are_tabled_with_who_is_notified_first_and_the_partners_missing() -> None:
    leeds = area("Leeds")
    chair = BoardOfficerAppointed(
        area_code=leeds.code, local_area=leeds.name, office=Office.CHAIR, name="Jo Leeds", contact=None
    )
    registered = [b.model_dump(mode="json") for b in (fold([chair]), fold(EVENTS)) if b is not None]
    lines = lscb_text.boards_table(registered).splitlines()
    assert cells(lines[0]) == [
        "area", "local area", "chair", "business manager", "first notified today", "partners", "missing",
        "version",
    ]  # fmt: skip
    assert cells(lines[1]) == [
        leeds.code, "Leeds", "Jo Leeds", "vacant", "chair: Jo Leeds", "0",
        "local_authority, health, police, probation, youth_offending_team, custody", "1",
    ]  # fmt: skip  # Leeds holds children in custody (HMYOI Wetherby): custody is a statutory partner there
    assert cells(lines[2]) == [
        "E08000036", "Wakefield", "Alex Chair (away)", "Sam Manager", "business manager: Sam Manager", "2",
        "health, probation, youth_offending_team", "6",
    ]  # fmt: skip
    assert lines[0].index("chair") == lines[1].index("Jo Leeds") == lines[2].index("Alex Chair")
    assert (
        lscb_text.boards_table([])
        == "no board registers yet: `jip lscb appoint AREA chair --name NAME` starts one"
    )


def test_a_change_to_the_register_prints_who_is_notified_first_and_the_version() -> None:
    assert lscb_text.board_changed_text(board_view()) == (
        "LSCB of Wakefield (E08000036): notified first today the business manager, Sam Manager; statutory "
        "partners missing: health, probation, youth_offending_team; version 6"
    )


# ---------------------------------------------------------------- rendering the shared evaluation


def test_the_evaluation_shows_each_criterion_the_partners_the_proposal_and_the_disputes() -> None:
    text = lscb_text.evaluation_text(evaluation_of())
    lines = text.splitlines()
    assert lines[:4] == [
        f"LSCB evaluation of inspection {INSPECTION} (integrated-2014), version 12",
        "  graded, best first: outstanding > good > requires_improvement > inadequate",
        "  evidence about the board: 4 item(s): 2 strength, 1 weakness, 1 area_for_improvement; about lscb "
        "3, health 1",
        "criteria (004 §115 a-l):",
    ]
    assert lines[4].startswith("  115a  The governance arrangements enable LSCB partners")
    assert lines[4].endswith("…")
    assert lines[5] == "        evidence: 1 item(s): 1 strength; about lscb 1"
    c = lines.index(next(line for line in lines if line.startswith("  115c ")))
    assert lines[c + 1 : c + 3] == [
        "        evidence: 2 item(s): 1 weakness, 1 area_for_improvement; about health 1, lscb 1",
        "        cqc: weakness, attributed to health, citing 2 item(s)",
    ]
    assert lines[c + 3].startswith("          Health partners do not attend")
    assert "  115b  " in text
    assert "        evidence: none\n" in text
    uncovered = ", ".join(f"115{letter}" for letter in "bdefghijkl")
    assert f"uncovered (no evidence or contribution yet): {uncovered}\n" in text
    assert (
        "contributions against no criterion:\n"
        "  ofsted: strength, attributed to lscb, citing 1 item(s)\n"
        "    The board's annual report is candid about its weaknesses.\n"
    ) in text
    partners = text.split("by partner:\n")[1].splitlines()
    assert [cells(line) for line in partners[:3]] == [
        ["partner", "strengths", "weaknesses", "areas for improvement"],
        ["health", "0", "1", "0"],
        ["lscb", "1", "0", "0"],
    ]
    assert (
        "proposal 2: grade good\n"
        "  descriptor Good: the LSCB meets the criteria of 004 §115 a-l.\n"
        "  text       The board is effective: it holds partners to account.\n"
        "  evidence   ev-1, ev-4\n"
        "  signed off by 2 of 4; awaiting hmic, hmi_probation\n"
        "open disputes (finalisation waits until each is resolved):\n"
        "  hmic on proposal 2: The board has not audited the police's response to missing children.\n"
        "final: not yet"
    ) in text
    assert text.endswith("final: not yet")
    assert max(len(line) for line in lines) <= 110


def test_a_narrative_evaluation_with_nothing_yet_says_what_comes_next() -> None:
    assert lscb_text.evaluation_text(narrative_of()).splitlines() == [
        f"LSCB evaluation of inspection {INSPECTION} (jtai-2015), version 0",
        "  in narrative, with no grade",
        "  evidence about the board: none",
        "criteria: none in jtai-2015: findings stand on the board as a whole",
        "contributions: none yet",
        "by partner: no contributions yet",
        "proposal: none yet (the lead inspectorate proposes: `jip lscb propose`)",
        "final: not yet",
    ]


def test_a_final_evaluation_shows_who_agreed_it() -> None:
    text = lscb_text.evaluation_text(evaluation_of(final=FINAL, disputes=[], awaiting=[]))
    assert text.endswith("final: proposal 2, grade good, agreed by ofsted, cqc, hmic")
    assert "signed off by" not in text
    recorded = LscbEvaluationRecorded(
        inspection_id=INSPECTION, summary="The board is effective.", evidence_item_ids=["ev-1"]
    ).model_dump(mode="json")
    text = lscb_text.evaluation_text(narrative_of(final=recorded))
    assert text.endswith(
        "final: a narrative recorded before sign-off was needed\n  text The board is effective."
    )


def test_a_step_of_the_evaluation_prints_the_proposal_sign_offs_disputes_and_version() -> None:
    assert lscb_text.evaluation_changed_text(evaluation_of()) == (
        f"LSCB evaluation of inspection {INSPECTION}: 2 contribution(s); proposal 2 (grade good) signed off "
        "by 2 of 4; awaiting hmic, hmi_probation; 1 open dispute(s), by hmic; version 12"
    )
    assert lscb_text.evaluation_changed_text(narrative_of(version=3)) == (
        f"LSCB evaluation of inspection {INSPECTION}: 0 contribution(s); no proposal yet; version 3"
    )
    done = evaluation_of(final=FINAL, disputes=[], awaiting=[], version=15)
    assert lscb_text.evaluation_changed_text(done) == (
        f"LSCB evaluation of inspection {INSPECTION}: 2 contribution(s); final: proposal 2, grade good; "
        "version 15"
    )
    narrative = narrative_of(
        proposal=PROPOSAL.model_copy(update={"grade": None, "proposal": 1}).model_dump(mode="json"),
        signed_off=["ofsted", "cqc", "hmic"],
    )
    assert (
        "proposal 1 (narrative, no grade) signed off by 3 of 3; version 0"
        in lscb_text.evaluation_changed_text(narrative)
    )


# ---------------------------------------------------------------- the notification plan


def test_the_plan_numbers_each_step_with_its_addressee_who_tells_them_and_when() -> None:
    lines = scheduling.plan_text(plan_of()).splitlines()
    assert lines[0] == (
        f"notification plan of inspection {INSPECTION}: due 2031-03-10, in this order (001 Proposal two)"
    )
    assert cells(lines[1]) == ["recipient", "agency", "addressee", "by", "done"]
    assert cells(lines[2]) == [
        "1.",
        "lscb_business_manager",
        "-",
        "Sam Manager",
        "ofsted",
        "done 2031-03-10 09:30",
    ]
    assert cells(lines[3]) == ["2.", "agency_senior_leader", "health", "-", "cqc", "to do"]
    assert cells(lines[4]) == ["3.", "agency_senior_leader", "police", "-", "hmic", "to do"]
    assert lines[1].index("recipient") == lines[2].index("lscb_") == lines[4].index("agency_senior")
    assert lines[5] == "the area has an LSCB board register: the LSCB step names whom to notify from it"
    assert len(lines) == 6


def test_the_plan_of_an_area_with_no_register_says_so() -> None:
    text = scheduling.plan_text(plan_of(registered=False) | {"ordered": False, "order_source": None})
    assert "in any order" in text.splitlines()[0]
    assert cells(text.splitlines()[2]) == ["1.", "lscb_chair", "-", "-", "ofsted", "to do"]
    assert text.endswith(
        "the area has no LSCB board register: nobody is named (`jip lscb appoint AREA chair --name N`)"
    )


# ---------------------------------------------------------------- the requests each command sends


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeService:
    return answering(monkeypatch, {})


CHAIR = f"{BOARD}/officers/chair"
MANAGER = f"{BOARD}/officers/business_manager"


@pytest.mark.parametrize(
    ("argv", "method", "path", "body", "headers"),
    [
        (
            ["appoint", WAKEFIELD.code, "chair", "--name", "Alex Chair", "--if-match", "5"],
            "PUT",
            CHAIR,
            {"name": "Alex Chair"},
            {"If-Match": '"5"'},
        ),
        (
            ["appoint", WAKEFIELD.code, "business_manager", "--name", "Sam", "--contact", "bm@example"],
            "PUT",
            MANAGER,
            {"name": "Sam", "contact": "bm@example"},
            {},
        ),
        (
            ["vacate", WAKEFIELD.code, "business_manager", "--reason", "resigned"],
            "POST",
            f"{MANAGER}/vacancy",
            {"reason": "resigned"},
            {},
        ),
        (
            [
                "absent",
                WAKEFIELD.code,
                "chair",
                "--from",
                "2031-03-09",
                "--until",
                "2031-03-20",
                "--reason",
                "annual leave",
                "--if-match",
                "6",
            ],
            "POST",
            f"{CHAIR}/absences",
            {"absent_from": "2031-03-09", "absent_until": "2031-03-20", "reason": "annual leave"},
            {"If-Match": '"6"'},
        ),
        (
            ["absent", WAKEFIELD.code, "chair", "--from", "2031-03-09", "--reason", "sick leave"],
            "POST",
            f"{CHAIR}/absences",
            {"absent_from": "2031-03-09", "reason": "sick leave"},
            {},
        ),
        (
            ["back", WAKEFIELD.code, "chair", "--on", "2031-04-01"],
            "POST",
            f"{CHAIR}/return",
            {"returned_on": "2031-04-01"},
            {},
        ),
        (
            ["partner-joins", WAKEFIELD.code, "--agency", "health", "--organisation", "Mid Yorkshire NHS"],
            "POST",
            f"{BOARD}/partners",
            {"agency": "health", "organisation": "Mid Yorkshire NHS"},
            {},
        ),
        (
            [
                "partner-joins",
                WAKEFIELD.code,
                "--agency",
                "local_authority",
                "--organisation",
                "Wakefield Council",
                "--senior-leader",
                "Jane Smith",
            ],
            "POST",
            f"{BOARD}/partners",
            {"agency": "local_authority", "organisation": "Wakefield Council", "senior_leader": "Jane Smith"},
            {},
        ),
        (
            [
                "partner-leaves",
                WAKEFIELD.code,
                "--agency",
                "police",
                "--organisation",
                "West Yorkshire Police",
                "--reason",
                "replaced by the force's safeguarding unit",
                "--if-match",
                "2",
            ],
            "POST",
            f"{BOARD}/partners/leaving",
            {
                "agency": "police",
                "organisation": "West Yorkshire Police",
                "reason": "replaced by the force's safeguarding unit",
            },
            {"If-Match": '"2"'},
        ),
    ],
)
def test_each_change_to_the_register_sends_its_request_and_prints_the_register_and_version(
    argv: list[str],
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service.answers[method, path] = board_view()
    assert main(["lscb", *argv]) == 0
    assert service.requests == [(method, path, body, headers, "lscb")]
    assert capsys.readouterr().out == lscb_text.board_changed_text(board_view()) + "\n"


@pytest.mark.parametrize(
    ("argv", "method", "path", "body", "headers"),
    [
        (
            [
                "contribute",
                INSPECTION,
                "--criterion",
                "115c",
                "--bearing",
                "weakness",
                "--for",
                "health",
                "--text",
                TEXT,
                "--evidence",
                "ev-2",
                "ev-3",
                "--if-match",
                "11",
            ],
            "POST",
            f"{EVALUATION}/contributions",
            {
                "criterion": "115c",
                "bearing": "weakness",
                "attributed_to": "health",
                "text": TEXT,
                "evidence_item_ids": ["ev-2", "ev-3"],
            },
            {"If-Match": '"11"'},
        ),
        (
            ["propose", INSPECTION, "--grade", "good", "--text", "Effective.", "--evidence", "ev-1", "ev-4"],
            "PUT",
            f"{EVALUATION}/proposal",
            {"grade": "good", "text": "Effective.", "evidence_item_ids": ["ev-1", "ev-4"]},
            {},
        ),
        (
            ["sign-off", INSPECTION, "--if-match", "12"],
            "POST",
            f"{EVALUATION}/sign-off",
            None,
            {"If-Match": '"12"'},
        ),
        (
            ["dispute", INSPECTION, "--reasons", DISPUTE.reasons],
            "POST",
            f"{EVALUATION}/disputes",
            {"reasons": DISPUTE.reasons},
            {},
        ),
        (
            ["resolve", INSPECTION, "--resolution", "the audit is now planned"],
            "POST",
            f"{EVALUATION}/disputes/resolution",
            {"resolution": "the audit is now planned"},
            {},
        ),
        (["finalise", INSPECTION], "POST", f"{EVALUATION}/final", None, {}),
    ],
)
def test_each_step_of_the_evaluation_sends_its_request_and_prints_where_it_stands(
    argv: list[str],
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service.answers[method, path] = evaluation_of()
    assert main(["lscb", *argv, "--as", "hmic"]) == 0
    assert service.requests == [(method, path, body, headers, "lscb")]
    assert capsys.readouterr().out == lscb_text.evaluation_changed_text(evaluation_of()) + "\n"


def test_with_json_a_change_prints_the_answer(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    service.answers["POST", f"{EVALUATION}/final"] = evaluation_of(final=FINAL)
    assert main(["lscb", "finalise", INSPECTION, "--json"]) == 0
    assert '"signed_off_by": [' in capsys.readouterr().out
    service.answers["PUT", CHAIR] = board_view()
    assert main(["lscb", "appoint", WAKEFIELD.code, "chair", "--name", "Alex Chair", "--json"]) == 0
    assert '"first_to_notify": {' in capsys.readouterr().out


def test_the_readings_get_the_boards_a_board_and_an_evaluation(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    board = fold(EVENTS)
    assert isinstance(board, Board)
    service.answers["GET", "/boards"] = [board.model_dump(mode="json")]
    service.answers["GET", BOARD] = board_view()
    service.answers["GET", EVALUATION] = evaluation_of()
    assert main(["lscb", "boards"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("E08000036  Wakefield")
    assert main(["lscb", "board", WAKEFIELD.code]) == 0
    assert capsys.readouterr().out == lscb_text.board_text(board_view()) + "\n"
    assert main(["lscb", "evaluation", INSPECTION]) == 0
    assert capsys.readouterr().out == lscb_text.evaluation_text(evaluation_of()) + "\n"
    assert main(["lscb", "board", WAKEFIELD.code, "--json"]) == 0
    assert '"missing_partners": [' in capsys.readouterr().out
    assert [(m, p, s) for m, p, _, _, s in service.requests] == [
        ("GET", "/boards", "lscb"),
        ("GET", BOARD, "lscb"),
        ("GET", EVALUATION, "lscb"),
        ("GET", BOARD, "lscb"),
    ]


def test_the_area_office_and_inspection_are_quoted_in_the_path(service: FakeService) -> None:
    service.answers["PUT", "/boards/Kingston%20upon%20Hull%2C%20City%20of/officers/chair"] = board_view()
    assert main(["lscb", "appoint", "Kingston upon Hull, City of", "chair", "--name", "N", "--json"]) == 0
    service.answers["GET", "/boards/a%2F..%2Fb%3Fc"] = board_view()
    assert main(["lscb", "board", "a/../b?c", "--json"]) == 0
    service.answers["GET", "/inspections/x%2Fy/evaluation"] = evaluation_of()
    assert main(["lscb", "evaluation", "x/y", "--json"]) == 0
    assert [p for _, p, *_ in service.requests] == [
        "/boards/Kingston%20upon%20Hull%2C%20City%20of/officers/chair",
        "/boards/a%2F..%2Fb%3Fc",
        "/inspections/x%2Fy/evaluation",
    ]


def test_plan_gets_the_notification_plan_and_cites_the_programmes_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"/inspections/{INSPECTION}/notification-plan"
    targeted = plan_of(cited="001 Part 2, Proposal two")  # as a Targeted 2015 inspection's plan cites it
    fake = answering(monkeypatch, {("GET", path): targeted})
    assert main(["inspections", "plan", INSPECTION]) == 0
    out = capsys.readouterr().out
    assert out == scheduling.plan_text(targeted) + "\n"  # the programme's rule
    assert out.startswith(
        f"notification plan of inspection {INSPECTION}: due 2031-03-10, in this order (001 Part 2,"
    )
    assert main(["inspections", "plan", INSPECTION, "--json"]) == 0
    assert '"board_registered": true' in capsys.readouterr().out
    asked = ("GET", path, None, None, "scheduling")
    assert fake.requests == [asked, asked]  # one request each: the plan cites the programme's order


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["lscb", "boards"], "lscb"),
        (["lscb", "sign-off", INSPECTION], "lscb"),
        (["inspections", "plan", INSPECTION], "scheduling"),
    ],
)
def test_a_command_with_no_service_says_how_to_start_one(
    argv: list[str],
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(f"JIP_{name.upper()}_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)  # a stack was started from here once: there is a key to issue the token with
    assert main([*argv, "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"jip: error: the {name} service at http://127.0.0.1:9 is not answering: "
        "start the platform with `jip stack up`\n"
    )


def test_a_refused_change_prints_the_service_s_reason_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refusal = {
        "error": "rule_violation",
        "detail": "cps is not a statutory partner of the board: local_authority, health, police, probation, "
        "youth_offending_team, custody",
        "rule": "004 §41",
    }
    sent: list[dict[str, Any]] = []

    def answer(method: str, url: str, **request: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **request})
        return httpx.Response(422, json=refusal)

    monkeypatch.setenv("JIP_LSCB_URL", "http://lscb.test")
    monkeypatch.setattr(httpx, "request", answer)
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)
    argv = ["lscb", "partner-joins", "Wakefield", "--agency", "cps", "--organisation", "CPS Yorkshire"]
    assert (
        main([*argv, "--as", "ofsted:lead_inspector:l1", "--if-match", "6", "--data-dir", str(tmp_path)]) == 1
    )
    assert capsys.readouterr().err == f"jip: error: {refusal['detail']} (rule: 004 §41)\n"
    [request] = sent
    assert (request["method"], request["url"]) == ("POST", "http://lscb.test/boards/Wakefield/partners")
    assert set(request["headers"]) == {"Authorization", "If-Match"}  # who acts is in the token alone
    assert request["headers"]["If-Match"] == '"6"'
    claims = claims_sent(request["headers"], tmp_path)
    assert (claims["sub"], claims["jip_role"], claims["jip_inspectorate"]) == (
        "l1",
        "lead_inspector",
        "ofsted",
    )
    assert request["json"] == {"agency": "cps", "organisation": "CPS Yorkshire"}
