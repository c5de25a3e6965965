"""`jip evidence`, `jip samples` and `jip enquiries`: parsing, help, the amend merge and the rendering of the
evidence service's answers. Nothing here starts a server: answers are built from the service's own models."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from embedded.errors import StackError
from jip import client, render
from jip.cli import main, parser
from jip.commands import enquiries, evidence, evidence_text
from jip.commands.tokens import signer
from shared.language.contracts.evidence import Activity, Bearing, Meeting
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.mechanics.envelope import Inspectorate
from shared.views.evidence_items import findings, triangulate
from tests.domain import item_view

INSPECTION = "insp-1"  # item_view's
OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
WEAKNESS = Bearing.WEAKNESS


def parse(*argv: str) -> argparse.Namespace:
    return parser().parse_args(list(argv))


def help_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: compare words


# ---------------------------------------------------------------- parsing and help


def test_record_parses_every_detail_into_the_api_s_fields() -> None:
    args = parse(
        "evidence", "record", INSPECTION, "--as", "cqc", "--agency", "health", "--activity", "case_tracking",
        "--area", "identification_and_referral", "--criterion", "63a", "--criterion", "63b",
        "--bearing", "strength", "--case", "CASE-0101", "--text", "Health visitors share information.",
    )  # fmt: skip
    assert (args.command, args.action, args.inspection_id, args.actor) == (
        "evidence",
        "record",
        INSPECTION,
        "cqc",
    )
    assert evidence.given_details(args) == {
        "agency": "health",
        "activity": "case_tracking",
        "judgement_area": "identification_and_referral",
        "criteria": ["63a", "63b"],
        "bearing": "strength",
        "case_reference": "CASE-0101",
        "summary": "Health visitors share information.",
    }


def test_record_reads_the_account_from_a_file(tmp_path: Path) -> None:
    account = tmp_path / "account.txt"
    account.write_text("  The board audits exploitation cases.\n", encoding="utf-8")
    args = parse(
        "evidence", "record", INSPECTION, "--agency", "lscb", "--activity", "discussion_with_manager",
        "--area", "leadership_and_lscb", "--bearing", "strength", "--text-file", str(account),
    )  # fmt: skip
    assert evidence.given_details(args)["summary"] == "The board audits exploitation cases."
    args.text_file = str(tmp_path / "missing.txt")
    with pytest.raises(StackError, match=r"--text-file .*missing\.txt: cannot read it"):
        evidence.given_details(args)


RECORD = ["--agency", "health", "--activity", "case_tracking", "--area", "a", "--bearing", "strength"]


@pytest.mark.parametrize(
    "argv",
    [
        RECORD,  # no text
        [*RECORD, "--text", "t", "--text-file", "f"],  # both texts
        [*RECORD, "--text", "t", "--agency", "nhs"],
        [*RECORD, "--text", "t", "--activity", "gossip"],
        [*RECORD, "--text", "t", "--bearing", "good"],
        [*RECORD[2:], "--text", "t"],  # no agency
    ],
)
def test_record_refuses_a_missing_or_unknown_option(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse("evidence", "record", INSPECTION, *argv)
    assert exited.value.code == 2
    assert "jip evidence record: error:" in capsys.readouterr().err


def test_the_help_lists_the_choices_from_the_contracts_and_cites_the_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = help_of(capsys, "evidence", "record")
    for choice in ("youth_offending_team", "partnership", "meeting_observation", "joint_audit", "marac"):
        assert choice in record
    assert "{strength,weakness,area_for_improvement}" in record
    assert "(--text TEXT | --text-file PATH)" in record
    assert "002 §43-44" in record
    assert "004 §35" in record
    assert "$JIP_ACTOR or ofsted:lead_inspector:cli" in record

    assert "CORROBORATED" in help_of(capsys, "evidence", "triangulation")
    assert "001 Proposal three" in help_of(capsys, "evidence", "triangulation")
    assert "If-Match" in help_of(capsys, "evidence", "amend")
    assert "lead inspectorate" in help_of(capsys, "evidence", "close")
    samples = help_of(capsys, "samples", "add")
    assert "002 §43" in samples
    assert "{shared,ofsted,cqc,hmic,hmi_probation,hmi_prisons,hmcpsi}" in samples
    assert "(e.g. 004 §35)" in help_of(capsys, "enquiries")
    top = help_of(capsys)
    assert all(command in top for command in ("evidence", "samples", "enquiries"))


def test_samples_default_to_the_shared_one_and_enquiries_take_several_items() -> None:
    args = parse("samples", "add", INSPECTION, "CASE-0101", "--reason", "Deep-dive cohort")
    assert (args.sample, args.case_reference, args.reason) == ("shared", "CASE-0101", "Deep-dive cohort")
    assert (
        parse("samples", "remove", INSPECTION, "CASE-0101", "--reason", "r", "--sample", "cqc").sample
        == "cqc"
    )
    args = parse(
        "enquiries", "answer", INSPECTION, "line-1", "--item", "a", "--item", "b", "--answer", "See."
    )
    assert (args.line_id, args.item, args.answer) == ("line-1", ["a", "b"], "See.")
    with pytest.raises(SystemExit):
        parse("enquiries", "list", INSPECTION, "--status", "pending")


# ---------------------------------------------------------------- amend: only the options given change


CURRENT = {
    "evidence_item_id": "item-1",
    "inspection_id": INSPECTION,
    "inspectorate": "ofsted",
    "inspector": "cli",
    "recorded_at": "2031-03-10T09:30:00Z",
    "version": 2,
    "withdrawn": False,
    "correction": "typo",
    "agency": "police",
    "activity": "meeting_observation",
    "meeting": "strategy_meeting",
    "judgement_area": "identification_and_referral",
    "criteria": ["75a"],
    "bearing": "strength",
    "case_reference": "CASE-0101",
    "summary": "Officers bring intelligence to joint decisions.",
}
DETAILS = {k: CURRENT[k] for k in evidence_text.DETAILS}


def amend(*options: str) -> argparse.Namespace:
    return parse("evidence", "amend", INSPECTION, "item-1", "--reason", "corrected after review", *options)


def test_amend_changes_only_the_options_given_and_sends_the_whole_item() -> None:
    assert evidence.merge_details(CURRENT, amend("--bearing", "weakness")) == DETAILS | {
        "bearing": "weakness"
    }
    assert evidence.merge_details(
        CURRENT, amend("--criterion", "75b", "--criterion", "75c", "--text", "New.")
    ) == (DETAILS | {"criteria": ["75b", "75c"], "summary": "New."})
    assert set(evidence.merge_details(CURRENT, amend("--area", "deep_dive"))) == set(evidence_text.DETAILS)


def test_amend_clears_a_detail_when_asked_and_the_meeting_when_no_longer_observed() -> None:
    cleared = evidence.merge_details(CURRENT, amend("--no-case", "--no-criteria"))
    assert (cleared["case_reference"], cleared["criteria"], cleared["meeting"]) == (
        None,
        [],
        "strategy_meeting",
    )
    practice = evidence.merge_details(CURRENT, amend("--activity", "practice_observation"))
    assert (practice["activity"], practice["meeting"]) == ("practice_observation", None)
    marac = evidence.merge_details(CURRENT, amend("--meeting", "marac"))
    assert (marac["activity"], marac["meeting"]) == ("meeting_observation", "marac")


def test_amend_with_nothing_to_change_is_refused_before_any_request() -> None:
    with pytest.raises(StackError, match="nothing to amend"):
        evidence.merge_details(CURRENT, amend())
    with pytest.raises(SystemExit):
        amend("--case", "CASE-0102", "--no-case")  # contradictory options


def test_amend_and_withdraw_take_the_version_read_for_if_match() -> None:
    assert amend("--bearing", "weakness").if_match is None
    assert amend("--bearing", "weakness", "--if-match", "3").if_match == 3
    assert parse("evidence", "withdraw", INSPECTION, "item-1", "--reason", "wrong case").if_match is None
    assert client.if_match(3) == {"If-Match": '"3"'}
    assert client.if_match(None) == {}


# ---------------------------------------------------------------- rendering the service's answers


def test_the_list_is_a_table_with_ids_and_a_short_excerpt() -> None:
    area = "identification_and_referral"
    items = [
        item_view("item-1", by=OFSTED, agency=Agency.LOCAL_AUTHORITY, area=area, summary="x " * 80),
        item_view("item-2", by=HMIC, agency=Agency.POLICE, area=area, activity=Activity.MEETING_OBSERVATION,
                  meeting=Meeting.MARAC, case=None, criteria=("75a", "75b"), withdrawn=True),
    ]  # fmt: skip
    lines = evidence_text.items_table([i.model_dump(mode="json") for i in items]).splitlines()
    assert lines[0].split() == [
        "item", "inspectorate", "agency", "area", "criteria", "bearing", "case", "activity", "text",
    ]  # fmt: skip
    assert lines[1].split()[:7] == ["item-1", "ofsted", "local_authority", area, "-", "strength", "WKF-0001"]
    assert lines[1].endswith("…")
    assert len(lines[1].split("case_sampling")[1].strip()) == render.EXCERPT
    for shown in ("75a,75b", "meeting_observation (marac)", "WITHDRAWN"):
        assert shown in lines[2]
    assert lines[1].index("strength") == lines[2].index("strength")  # columns line up
    assert evidence_text.items_table([]) == "no evidence items"


def revision(version: int, kind: str, reason: str | None, details: Any) -> dict[str, Any]:
    return {
        "version": version,
        "event_type": f"evidence.EvidenceItem{kind}",
        "occurred_at": f"2031-03-10T{8 + version:02}:30:00.123000Z",
        "inspectorate": "ofsted",
        "inspector": "cli",
        "reason": reason,
        "details": details,
    }


def test_show_gives_the_item_and_what_each_correction_changed_and_why() -> None:
    wrong = "recorded against the wrong case"
    answer = {
        "item": CURRENT | {"version": 3, "withdrawn": True, "correction": wrong},
        "history": [
            revision(1, "Recorded", None, DETAILS),
            revision(2, "Amended", "it was a weakness", DETAILS | {"bearing": "weakness", "criteria": []}),
            revision(3, "Withdrawn", wrong, None),
        ],
    }
    text = evidence_text.item_text(answer)
    assert (
        text.splitlines()[0]
        == f"evidence item item-1 of inspection {INSPECTION}, version 3  WITHDRAWN: {wrong}"
    )
    assert "  activity  meeting_observation (strategy_meeting)" in text
    assert "  v1 2031-03-10 09:30 recorded by ofsted (cli)\n" in text
    assert "  v2 2031-03-10 10:30 amended by ofsted (cli): it was a weakness\n" in text
    assert "       criteria: 75a -> none\n       bearing: strength -> weakness\n" in text
    assert text.endswith(f"  v3 2031-03-10 11:30 withdrawn by ofsted (cli): {wrong}")
    assert render.when("2031-07-01T09:30:00.123000Z") == "2031-07-01 10:30"  # times are England's


def test_triangulation_shows_corroboration_contest_and_coverage() -> None:
    area = "identification_and_referral"
    council, police = Agency.LOCAL_AUTHORITY, Agency.POLICE
    items = [
        item_view("a", by=OFSTED, agency=council, area=area),
        item_view("b", by=CQC, agency=council, area=area),  # another inspectorate: corroborated
        item_view("c", by=HMIC, agency=police, area=area, case=None, activity=Activity.PERFORMANCE_DATA),
        item_view("d", by=HMIC, agency=police, area=area, bearing=WEAKNESS, case="CASE-0102"),  # contested
        item_view("e", by=OFSTED, agency=Agency.HEALTH, area=area, withdrawn=True),  # does not count
    ]
    agencies = [council, Agency.HEALTH, police]
    view = triangulate(INSPECTION, catalogue()["jtai-2015"], agencies, items)
    text = evidence_text.triangulation_text(view.model_dump(mode="json"))
    assert (
        text.splitlines()[0]
        == f"inspection {INSPECTION} (jtai-2015): 4 evidence item(s), 1 corroborated finding(s)"
    )
    assert (
        "local_authority: 2 item(s), 1 corroborated finding(s)\n"
        "  identification_and_referral\n"
        "    strength: 2 items from cqc, ofsted by case_sampling; cases WKF-0001 - CORROBORATED\n"
        "  no evidence yet:\n"
        "    areas: assessment_and_decision_making, deep_dive, leadership_and_lscb\n"
    ) in text
    assert (
        "  identification_and_referral - CONTESTED: a strength and a weakness both shown\n"
        "    strength: 1 item from hmic by performance_data - single source\n"
        "    weakness: 1 item from hmic by case_sampling; cases CASE-0102 - single source\n"
    ) in text
    assert "health: 0 item(s)" in text  # the withdrawn item is left out
    assert (
        "lscb: 0 item(s), 0 corroborated finding(s)\n  no evidence yet:\n    areas: leadership_and_lscb"
        in text
    )


def test_triangulation_shows_criteria_and_those_without_evidence() -> None:
    programme = catalogue()["integrated-2014"]
    health = [c for c in programme.criteria if c.agency == "health"]
    first = health[0]
    items = [
        item_view("a", area=first.judgement_area, criteria=(first.id,)),
        item_view("b", area=first.judgement_area, criteria=(first.id,), activity=Activity.CASE_AUDIT),
    ]
    view = triangulate(INSPECTION, programme, [Agency.HEALTH], items).model_dump(mode="json")
    text = evidence_text.triangulation_text(view)
    assert (
        f"  criteria:\n    {first.id} ({first.source}, {first.judgement_area})\n"
        "      strength: 2 items from cqc by case_audit, case_sampling; cases WKF-0001 - CORROBORATED\n"
    ) in text
    assert f"    criteria: {health[1].id}, {health[2].id}," in text
    assert f" {first.id}," not in text.split("no evidence yet:")[1].split("lscb:")[0]
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_case_shows_its_samples_findings_and_items() -> None:
    items = [
        item_view("a", by=OFSTED, agency=Agency.LOCAL_AUTHORITY, area="deep_dive", bearing=WEAKNESS),
        item_view("b", by=CQC, area="deep_dive", bearing=WEAKNESS),
    ]
    view = {
        "case_reference": "WKF-0001",
        "samples": ["shared", "cqc"],
        "inspectorates": ["cqc", "ofsted"],
        "items": [i.model_dump(mode="json") for i in items],
        "findings": {"local_authority": [f.model_dump(mode="json") for f in findings(items[:1])]},
    }
    text = evidence_text.case_text(view)
    assert text.splitlines()[0] == (
        "case WKF-0001: in the shared sample, cqc's own sample; evidence from cqc, ofsted"
    )
    assert (
        "  local_authority: weakness: 1 item from ofsted by case_sampling; cases WKF-0001 - single source"
        in text
    )
    assert text.count("WKF-0001") == 4  # the title, the finding and the two items


def test_an_erased_case_says_so_and_the_erasure_says_what_it_covered() -> None:
    erased = item_view("a", by=OFSTED, agency=Agency.LOCAL_AUTHORITY, bearing=WEAKNESS, summary="[erased]")
    view = {
        "case_reference": "WKF-0001",
        "samples": [],
        "erased": True,
        "inspectorates": ["ofsted"],
        "items": [erased.model_dump(mode="json")],
        "findings": {},
    }
    text = evidence_text.case_text(view)
    assert text.splitlines()[0].endswith("evidence from ofsted; ERASED: its text reads [erased]")
    assert "[erased]" in text.splitlines()[-1]
    answer = {
        "inspection_id": INSPECTION,
        "case_reference": "CASE-0101",
        "erased_by": "ofsted",
        "basis": "subject_request",
        "items": 2,
        "lines_of_enquiry": 1,
        "samples": ["shared"],
        "version": 3,
    }
    assert evidence_text.erasure_text(answer) == (
        "case CASE-0101 erased (subject_request): its key is destroyed, so its text reads [erased] in 2 "
        "evidence item(s), 1 line(s) of enquiry, 1 sample(s) and wherever the log was copied; nothing more "
        "is recorded about it"
    )
    args = parse("evidence", "erase", INSPECTION, "CASE-0101", "--basis", "no_longer_needed")
    assert (args.action, args.case_reference, args.basis) == ("erase", "CASE-0101", "no_longer_needed")


def test_samples_and_lines_of_enquiry_read_plainly() -> None:
    file = {
        "inspection_id": INSPECTION,
        "samples": [
            {"sample": "shared", "case_reference": "CASE-0101", "added_by": "ofsted", "reason": "Cohort"}
        ],
        "closed": True,
        "closed_by": "ofsted",
        "version": 3,
    }
    assert enquiries.samples_text(file).splitlines() == [
        f"inspection {INSPECTION}: evidence gathering closed by ofsted",
        "sample  case       added by  reason",
        "shared  CASE-0101  ofsted    Cohort",
    ]
    assert "no case is in a sample yet" in enquiries.samples_text(file | {"samples": [], "closed": False})
    answer = {
        "answered_by": "hmic",
        "answered_at": "2031-03-10T10:00:00Z",
        "evidence_item_ids": ["a", "b"],
        "answer": "Not after the third episode.",
    }
    line = {
        "line_id": "line-1",
        "inspection_id": INSPECTION,
        "raised_by": "cqc",
        "raised_at": "2031-03-10T09:30:00Z",
        "agency": "police",
        "case_reference": "CASE-0102",
        "criteria": [],
        "question": "Was exploitation considered?",
        "answers": [answer],
        "status": "closed",
        "closed_by": "cqc",
        "conclusion": "An area for priority action.",
        "version": 3,
    }
    text = enquiries.line_text(line)
    assert text.splitlines()[:3] == [
        f"line of enquiry line-1 of inspection {INSPECTION}: CLOSED by cqc",
        "  raised by cqc at 2031-03-10 09:30 about police, case CASE-0102",
        "  question: Was exploitation considered?",
    ]
    assert "  answered by hmic at 2031-03-10 10:00, citing a, b:\n    Not after the third episode." in text
    assert text.endswith("  conclusion: An area for priority action.")
    table = enquiries.lines_table([line]).splitlines()
    assert table[1].split()[:6] == ["line-1", "closed", "cqc", "police", "CASE-0102", "1"]
    assert enquiries.lines_table([]) == "no lines of enquiry"


# ---------------------------------------------------------------- no service


@pytest.mark.parametrize(
    "argv",
    [
        ["evidence", "list", INSPECTION],
        ["evidence", "amend", INSPECTION, "item-1", "--reason", "typo", "--bearing", "weakness"],
        ["samples", "show", INSPECTION],
        ["enquiries", "list", INSPECTION],
    ],
)
def test_a_command_with_no_evidence_service_says_how_to_start_one(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIP_EVIDENCE_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)  # a stack was started from here once: there is a key to issue the token with
    assert main([*argv, "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "jip: error: the evidence service at http://127.0.0.1:9 is not answering: "
        "start the platform with `jip stack up`\n"
    )
