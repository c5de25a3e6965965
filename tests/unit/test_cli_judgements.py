"""`jip judgements` and `jip findings`: parsing, help, the requests each command sends and the rendering of
the judgement service's answers. Nothing here starts a server: answers are built from the service's own
models, and requests are caught before they leave."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from jip.cli import main, parser
from jip.commands import findings, judgements
from jip.commands.tokens import signer
from services.judgement.domain.areas import Kind
from services.judgement.domain.judgements import judgements as decider
from services.judgement.views import JudgementHistory, JudgementView, board_of
from shared.language.contracts.judgement import (
    AppliedRule,
    FindingKind,
    FindingRecorded,
    JudgementFlaggedForReview,
    JudgementModerated,
    JudgementProposed,
    JudgementReturned,
    JudgementStatus,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.views.inspections import Inspection
from tests.cli import FakeService, answering
from tests.helpers import claims_sent

INSPECTION = "insp-1"
AGENCIES = (Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.PROBATION)
JUDGEMENT = f"/inspections/{INSPECTION}/judgements/health/leadership"
TEXT = "Leaders know the service well, but the oversight of frontline practice is not yet consistent."


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


def inspection(programme: str = "integrated-2014") -> Inspection:
    return Inspection(INSPECTION, catalogue()[programme], AGENCIES, tuple(Inspectorate))


def proposed(agency: Agency, area: str, grade: Grade | None, **extra: Any) -> JudgementProposed:
    return JudgementProposed(
        inspection_id=INSPECTION,
        agency=agency,
        judgement_area=area,
        grade=grade,
        text=TEXT,
        evidence_item_ids=["ev-1", "ev-2"],
        **extra,
    )


def step(agency: Agency, area: str) -> dict[str, Any]:
    return {"inspection_id": INSPECTION, "agency": agency, "judgement_area": area}


def envelopes(events: Sequence[Event], actors: Sequence[Actor]) -> list[Envelope]:
    start = datetime(2031, 3, 10, 9, 30, tzinfo=UTC)
    return [
        Envelope(
            event_id=f"event-{n}",
            event_type=event.event_type,
            schema_version=1,
            stream_id=f"judgements-{INSPECTION}",
            stream_version=n,
            inspection_id=INSPECTION,
            occurred_at=start + timedelta(hours=n),
            actor=actor,
            correlation_id="corr-1",
            payload=event.model_dump(mode="json"),
        )
        for n, (event, actor) in enumerate(zip(events, actors, strict=True), start=1)
    ]


CQC = Actor(inspectorate=Inspectorate.CQC, role="inspector", user="cqc-1")
OFSTED = Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="lead-1")
PLATFORM = Actor(inspectorate=None, role="platform", user="judgement")

# Health's help and protection judged inadequate, moderated, its evidence then withdrawn: its leadership
# and overall effectiveness are now likely to be inadequate too (004 §70, §67).
EVENTS: list[Event] = [
    proposed(Agency.HEALTH, "help_and_protection", Grade.INADEQUATE),
    JudgementModerated(**step(Agency.HEALTH, "help_and_protection")),
    JudgementFlaggedForReview(
        **step(Agency.HEALTH, "help_and_protection"), evidence_item_id="ev-2", reason="wrong case"
    ),
    proposed(Agency.PROBATION, "help_and_protection", None),
]


def view_of(**changes: Any) -> dict[str, Any]:
    view = JudgementView(
        agency=Agency.HEALTH,
        judgement_area="leadership",
        title="Leadership, management and governance",
        kind=Kind.GRADED,
        part_of=None,
        derived_from=[],
        status=JudgementStatus.PROPOSED,
        grade=Grade.GOOD,
        text=TEXT,
        evidence_item_ids=["ev-1", "ev-2"],
        version=9,
    )
    return view.model_dump(mode="json") | changes


def history(*versions: int) -> dict[str, Any]:
    """The answer of GET .../judgements/health/leadership: proposed at each of these stream versions."""
    events = [proposed(Agency.HEALTH, "leadership", Grade.GOOD) for _ in versions]
    made = envelopes(events, [CQC] * len(events))
    at = [e.model_copy(update={"stream_version": v}) for e, v in zip(made, versions, strict=True)]
    return JudgementHistory(**view_of(), history=at).model_dump(mode="json")


# ---------------------------------------------------------------- parsing and help


def test_propose_parses_into_the_api_s_proposal_with_its_version() -> None:
    args = parse(
        "judgements", "propose", INSPECTION, "health", "leadership", "--as", "cqc", "--grade", "good",
        "--text", TEXT, "--evidence", "ev-1", "ev-2", "--rationale", "Leaders have acted on the failures.",
        "--leaders-understand-failure", "--if-match", "7",
    )  # fmt: skip
    assert (args.action, args.inspection_id, args.agency, args.area, args.actor) == (
        "propose",
        INSPECTION,
        "health",
        "leadership",
        "cqc",
    )
    assert args.if_match == 7
    assert judgements.proposal(args) == {
        "grade": "good",
        "text": TEXT,
        "evidence_item_ids": ["ev-1", "ev-2"],
        "rationale": "Leaders have acted on the failures.",
        "leaders_understand_failure": True,
    }


def test_a_narrative_proposal_leaves_out_the_grade_and_reads_the_text_from_a_file(tmp_path: Path) -> None:
    account = tmp_path / "judgement.txt"
    account.write_text(f"  {TEXT}\n", encoding="utf-8")
    args = parse(
        "judgements", "propose", INSPECTION, "probation", "help_and_protection", "--text-file", str(account),
        "--evidence", "ev-3",
    )  # fmt: skip
    assert judgements.proposal(args) == {
        "text": TEXT,
        "evidence_item_ids": ["ev-3"],
        "leaders_understand_failure": False,
    }
    assert args.if_match is None


def test_revise_sends_the_proposal_with_its_reason() -> None:
    args = parse(
        "judgements", "revise", INSPECTION, "health", "leadership", "--grade", "inadequate", "--text", TEXT,
        "--evidence", "ev-4", "--reason", "new evidence of weak oversight",
    )  # fmt: skip
    assert judgements.proposal(args) == {
        "grade": "inadequate",
        "text": TEXT,
        "evidence_item_ids": ["ev-4"],
        "leaders_understand_failure": False,
        "reason": "new evidence of weak oversight",
    }


SUBJECT = [INSPECTION, "health", "leadership"]
PROPOSE = ["judgements", "propose", *SUBJECT]


@pytest.mark.parametrize(
    "argv",
    [
        [*PROPOSE, "--text", "t"],  # no evidence
        [*PROPOSE, "--evidence", "ev-1"],  # no text
        [*PROPOSE, "--text", "t", "--text-file", "f", "--evidence", "ev-1"],  # both texts
        [*PROPOSE, "--text", "t", "--evidence", "ev-1", "--grade", "satisfactory"],
        ["judgements", "propose", INSPECTION, "nhs", "leadership", "--text", "t", "--evidence", "ev-1"],
        ["judgements", "revise", *SUBJECT, "--text", "t", "--evidence", "ev-1"],  # no reason
        ["judgements", "return", *SUBJECT],  # no reason
        ["judgements", "moderate", *SUBJECT, "--if-match", "latest"],
        ["judgements", "sign-off", *SUBJECT],
        ["findings", "record", INSPECTION, "--kind", "key_weakness", "--text", "t", "--evidence", "ev-1"],
        [
            "findings",
            "record",
            INSPECTION,
            "--kind",
            "key_strength",
            "--for",
            "nhs",
            "--text",
            "t",
            "--evidence",
            "ev-1",
        ],
    ],
)
def test_a_missing_or_unknown_option_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse(*argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_the_steps_of_moderation_take_the_subject_and_a_version() -> None:
    for action in ("moderate", "quality-assure", "finalise"):
        args = parse("judgements", action, *SUBJECT, "--if-match", "3")
        assert (args.action, args.agency, args.area, args.if_match) == (action, "health", "leadership", 3)
    args = parse("judgements", "return", *SUBJECT, "--reason", "cite the audit")
    assert (args.reason, args.if_match) == ("cite the audit", None)


def test_a_finding_is_for_the_partnership_unless_said_otherwise() -> None:
    args = parse(
        "findings", "record", INSPECTION, "--kind", "area_for_priority_action", "--text", "t",
        "--evidence", "ev-1", "ev-2",
    )  # fmt: skip
    assert (args.kind, args.addressed_to, args.evidence) == (
        "area_for_priority_action",
        "partnership",
        ["ev-1", "ev-2"],
    )
    assert parse("findings", "record", INSPECTION, "--kind", "key_strength", "--for", "police",
                 "--text", "t", "--evidence", "ev-1").addressed_to == "police"  # fmt: skip


def test_the_help_lists_the_choices_from_the_contracts_and_cites_the_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    propose = help_of(capsys, "judgements", "propose")
    assert "{outstanding,good,adequate,requires_improvement,inadequate}" in propose
    assert "(--text TEXT | --text-file PATH)" in propose
    assert "--evidence ID [ID ...]" in propose
    assert "youth_offending_team" in propose
    for rule in ("004 §40", "004 §48", "004 §29", "004 §41", "004 §67", "--rationale"):
        assert rule in propose
    assert "001 Proposal four" in help_of(capsys, "judgements", "revise")
    assert "002 §11" in help_of(capsys, "judgements", "moderate")
    assert "quality-assures" in help_of(capsys, "judgements", "quality-assure")
    assert "contributing ones are (004 §41)" in help_of(capsys, "judgements", "finalise")
    assert "lead inspectorate sends" in help_of(capsys, "judgements", "return")
    assert "inadequate (004 §67)" in help_of(capsys, "judgements", "board")
    assert "--if-match VERSION" in help_of(capsys, "judgements")
    record = help_of(capsys, "findings", "record")
    assert "{key_strength,area_for_priority_action,area_for_development,area_for_improvement}" in record
    assert "001 Proposal three" in record
    assert "partnership (the default)" in record
    top = help_of(capsys)
    assert "judgements" in top
    assert "findings" in top


# ---------------------------------------------------------------- rendering the service's answers


def test_the_board_shows_each_judgement_its_status_grade_derivation_and_flags() -> None:
    board = board_of(inspection(), decider.fold(EVENTS), len(EVENTS)).model_dump(mode="json")
    lines = judgements.board_text(board).splitlines()
    assert lines[:3] == [
        f"judgements of inspection {INSPECTION} (integrated-2014), version {len(EVENTS)}",
        "scale, best first: outstanding > good > requires_improvement > inadequate",
        "in narrative, with no grade: probation, youth_offending_team, custody",
    ]
    assert lines[3].split() == ["agency", "area", "title", "kind", "status", "grade", "derived", "flags"]
    rows = {tuple(cells(line)[:2]): cells(line)[2:] for line in lines[4:]}
    assert rows["health", "help_and_protection"] == [
        "The experiences and progress…", "graded", "moderated", "inadequate", "—", "1",
    ]  # fmt: skip
    assert rows["health", "overall_effectiveness"][2:] == ["—", "—", "inadequate (004 §67)", "0"]
    assert rows["health", "leadership"][2:] == ["—", "—", "inadequate (004 §70)", "0"]
    assert rows["police", "overall_effectiveness"][2:] == ["—", "—", "—", "0"]
    assert rows["probation", "help_and_protection"][1:] == ["narrative", "proposed", "—", "—", "0"]
    assert rows["local_authority", "overall_effectiveness"][0] == "The overall effectiveness of…"
    assert ("probation", "leadership") not in rows  # a narrative judgement is on the board once made
    assert lines[3].index("kind") == lines[4].index("graded") == lines[-1].index("narrative")  # aligned


def test_a_programme_with_no_graded_judgement_points_to_the_findings() -> None:
    board = board_of(inspection("jtai-2015"), decider.initial, 0).model_dump(mode="json")
    text = judgements.board_text(board)
    assert "scale, best first: none: no graded judgement" in text
    assert text.endswith("record key strengths and recommendations with `jip findings record`")


def test_show_gives_the_judgement_the_rules_deriving_its_grade_its_flags_and_its_history() -> None:
    rules = [
        AppliedRule(
            rule_id="health-overall",
            source="004 §67",
            leads_to=Grade.INADEQUATE,
            because=["help_and_protection", "leadership"],
        )
    ]
    events: list[Event] = [
        proposed(Agency.HEALTH, "overall_effectiveness", Grade.GOOD, rationale="x"),
        JudgementReturned(
            **step(Agency.HEALTH, "overall_effectiveness"),
            returned_from=JudgementStatus.PROPOSED,
            reason="the rationale does not answer 004 §67",
        ),
        proposed(Agency.HEALTH, "overall_effectiveness", Grade.INADEQUATE, leaders_understand_failure=True),
        JudgementFlaggedForReview(
            **step(Agency.HEALTH, "overall_effectiveness"), evidence_item_id="ev-2", reason="wrong case"
        ),
    ]
    view = JudgementHistory(
        **view_of(
            judgement_area="overall_effectiveness",
            title="The overall effectiveness of services and arrangements for children",
            derived_from=["help_and_protection", "looked_after", "leadership"],
            grade="inadequate",
            text="word " * 40,
            rationale="Leaders understand the failure and have a credible plan.",
            leaders_understand_failure=True,
            derived={"grade": "inadequate", "rules": [r.model_dump() for r in rules]},
            revisions=1,
            flagged=[events[-1].model_dump()],
        ),
        history=envelopes(events, [CQC, OFSTED, CQC, PLATFORM]),
    )
    text = judgements.judgement_text(view.model_dump(mode="json"))
    lines = text.splitlines()
    assert lines[:4] == [
        "judgement on health for overall_effectiveness: graded, proposed, revised 1 time(s); version 9",
        "  title     The overall effectiveness of services and arrangements for children",
        "  cumulative, from help_and_protection, looked_after, leadership",
        "  grade     inadequate",
    ]
    assert lines[4].startswith("  text      word word")
    assert lines[5].startswith("            word")  # wrapped under its label
    assert "  evidence  ev-1, ev-2\n" in text
    assert "  rationale Leaders understand the failure and have a credible plan.\n" in text
    assert "  leaders understand the failure: the rules it lifts do not apply\n" in text
    assert (
        "  derived   inadequate, by the limiting rules:\n"
        "    004 §67 (health-overall): inadequate, because help_and_protection, leadership judged "
        "inadequate\n"
    ) in text
    assert "  FLAGGED FOR REVIEW: evidence withdrawn, or a limiting rule derives anew; revise it\n" in text
    assert "    ev-2: wrong case\n" in text
    assert text.split("history:\n")[1].splitlines() == [
        "  2031-03-10 10:30  v1  JudgementProposed  by cqc/cqc-1  grade good",
        "  2031-03-10 11:30  v2  JudgementReturned  by ofsted/lead-1  returned from proposed",
        "      reason: the rationale does not answer 004 §67",
        "  2031-03-10 12:30  v3  JudgementProposed  by cqc/cqc-1  grade inadequate",
        "  2031-03-10 13:30  v4  JudgementFlaggedForReview  by platform/judgement  evidence ev-2 withdrawn",
        "      reason: wrong case",
    ]
    assert max(len(line) for line in lines) <= 110


def test_show_of_a_judgement_not_yet_proposed_says_so() -> None:
    board = board_of(inspection(), decider.fold(EVENTS), len(EVENTS))
    [view] = [j for j in board.judgements if (j.agency, j.judgement_area) == ("health", "leadership")]
    answer = JudgementHistory(**view.model_dump(), history=[]).model_dump(mode="json")
    text = judgements.judgement_text(answer)
    assert text.splitlines()[0] == (
        f"judgement on health for leadership: graded, not proposed yet; version {len(EVENTS)}"
    )
    assert "grade " not in text
    assert (
        "  derived   inadequate, by the limiting rules:\n    004 §70 (health-leadership): inadequate" in text
    )
    assert text.endswith("history: none yet")
    police = next(j for j in board.judgements if (j.agency, j.judgement_area) == ("police", "leadership"))
    answer = JudgementHistory(**police.model_dump(), history=[]).model_dump(mode="json")
    assert "  derived   —: no limiting rule applies now" in judgements.judgement_text(answer)


def test_a_change_prints_the_status_the_grade_and_the_version_to_give_next() -> None:
    assert judgements.changed_text(view_of(status="moderated", version=8)) == (
        "judgement on health for leadership: moderated, grade good; version 8"
    )
    departs = view_of(derived={"grade": "inadequate", "rules": []}, flagged=[{"evidence_item_id": "e"}])
    assert judgements.changed_text(departs) == (
        "judgement on health for leadership: proposed, grade good (the limiting rules derive inadequate); "
        "FLAGGED FOR REVIEW; version 9"
    )
    narrative = view_of(agency="probation", kind="narrative", grade=None, version=2)
    assert "proposed, narrative, no grade; version 2" in judgements.changed_text(narrative)


def test_findings_are_listed_in_order_with_who_they_are_for() -> None:
    found = [
        FindingRecorded(
            inspection_id=INSPECTION,
            finding_id=f"f-{n}",
            kind=kind,
            addressed_to=agency,
            text=text,
            evidence_item_ids=ids,
        ).model_dump(mode="json")
        for n, (kind, agency, text, ids) in enumerate(
            [
                (FindingKind.KEY_STRENGTH, Agency.PARTNERSHIP, "Strategy meetings are timely.", ["a", "b"]),
                (FindingKind.AREA_FOR_PRIORITY_ACTION, Agency.POLICE, "x " * 60, ["c"]),
            ],
            start=1,
        )
    ]
    lines = findings.findings_table(found).splitlines()
    assert lines[0].split() == ["finding", "kind", "for", "items", "text"]
    assert lines[1].split()[:4] == ["f-1", "key_strength", "partnership", "2"]
    assert lines[2].split()[:4] == ["f-2", "area_for_priority_action", "police", "1"]
    assert lines[2].endswith("…")
    assert findings.findings_table([]) == "no findings recorded"


# ---------------------------------------------------------------- the requests each command sends


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> FakeService:
    return answering(monkeypatch, {("GET", JUDGEMENT): history(3, 9)})


BODY = {"text": TEXT, "evidence_item_ids": ["ev-1"], "leaders_understand_failure": False}


@pytest.mark.parametrize(
    ("argv", "method", "path", "body", "headers"),
    [
        (["propose", *SUBJECT, "--text", TEXT, "--evidence", "ev-1"], "PUT", JUDGEMENT, BODY, {}),
        (
            [
                "revise",
                *SUBJECT,
                "--text",
                TEXT,
                "--evidence",
                "ev-1",
                "--reason",
                "new audit",
                "--if-match",
                "4",
            ],
            "POST",
            f"{JUDGEMENT}/revise",
            BODY | {"reason": "new audit"},
            {"If-Match": '"4"'},
        ),
        (
            ["moderate", *SUBJECT, "--if-match", "5"],
            "POST",
            f"{JUDGEMENT}/moderate",
            None,
            {"If-Match": '"5"'},
        ),
        (["quality-assure", *SUBJECT], "POST", f"{JUDGEMENT}/quality-assure", None, {}),
        (["finalise", *SUBJECT], "POST", f"{JUDGEMENT}/finalise", None, {}),
        (
            ["return", *SUBJECT, "--reason", "cite the audit"],
            "POST",
            f"{JUDGEMENT}/return",
            {"reason": "cite the audit"},
            {},
        ),
    ],
)
def test_each_change_sends_its_request_and_prints_the_judgement_and_the_version_it_left(
    argv: list[str],
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
    service: FakeService,
    capsys: pytest.CaptureFixture[str],
) -> None:
    service.answers[method, path] = view_of(status="moderated")
    assert main(["judgements", *argv, "--as", "cqc"]) == 0
    assert service.requests == [(method, path, body, headers, "judgement")]
    assert capsys.readouterr().out == "judgement on health for leadership: moderated, grade good; version 9\n"


def test_with_json_a_change_prints_the_answer(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    service.answers["POST", f"{JUDGEMENT}/finalise"] = view_of(status="final")
    assert main(["judgements", "finalise", *SUBJECT, "--json"]) == 0
    assert len(service.requests) == 1
    assert '"status": "final"' in capsys.readouterr().out


def test_board_and_show_read_the_inspection_and_the_judgement(
    service: FakeService, capsys: pytest.CaptureFixture[str]
) -> None:
    board = board_of(inspection(), decider.fold(EVENTS), len(EVENTS)).model_dump(mode="json")
    service.answers["GET", f"/inspections/{INSPECTION}/judgements"] = board
    assert main(["judgements", "board", INSPECTION]) == 0
    assert capsys.readouterr().out.startswith(f"judgements of inspection {INSPECTION} (integrated-2014), ")
    assert main(["judgements", "show", *SUBJECT]) == 0
    assert "history:\n" in capsys.readouterr().out
    assert [(m, p) for m, p, *_ in service.requests] == [
        ("GET", f"/inspections/{INSPECTION}/judgements"),
        ("GET", JUDGEMENT),
    ]


def test_the_inspection_and_area_are_quoted_in_the_path(service: FakeService) -> None:
    path = "/inspections/a%2Fb%3Fc/judgements/health/lead%2F..%2Fx"
    service.answers["GET", path] = history()
    assert main(["judgements", "show", "a/b?c", "health", "lead/../x", "--json"]) == 0
    assert service.requests[0][1] == path


def test_findings_are_recorded_and_listed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = f"/inspections/{INSPECTION}/findings"
    finding = FindingRecorded(
        inspection_id=INSPECTION,
        finding_id="f-1",
        kind=FindingKind.AREA_FOR_DEVELOPMENT,
        addressed_to=Agency.HEALTH,
        text="Health visitors do not always attend strategy meetings.",
        evidence_item_ids=["ev-1", "ev-2"],
    ).model_dump(mode="json")
    fake = answering(monkeypatch, {("POST", path): finding, ("GET", path): [finding]})
    assert main([
        "findings", "record", INSPECTION, "--kind", "area_for_development", "--for", "health",
        "--text", finding["text"], "--evidence", "ev-1", "ev-2",
    ]) == 0  # fmt: skip
    assert capsys.readouterr().out == (
        "recorded area_for_development f-1 for health, citing 2 evidence item(s)\n"
    )
    assert main(["findings", "list", INSPECTION]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:4] == [
        "f-1",
        "area_for_development",
        "health",
        "2",
    ]
    body = {k: finding[k] for k in ("kind", "addressed_to", "text", "evidence_item_ids")}
    assert fake.requests == [
        ("POST", path, body, None, "judgement"),
        ("GET", path, None, None, "judgement"),
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["judgements", "board", INSPECTION],
        ["judgements", "moderate", *SUBJECT],
        ["findings", "list", INSPECTION],
    ],
)
def test_a_command_with_no_judgement_service_says_how_to_start_one(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIP_JUDGEMENT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)  # a stack was started from here once: there is a key to issue the token with
    assert main([*argv, "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "jip: error: the judgement service at http://127.0.0.1:9 is not answering: "
        "start the platform with `jip stack up`\n"
    )


def test_a_refused_change_prints_the_service_s_reason_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    refusal = {
        "error": "rule_violation",
        "detail": "health's judgement on leadership is likely to be inadequate; a different grade needs a "
        "rationale",
        "rule": "004 §70",
    }
    sent: list[dict[str, Any]] = []

    def answer(method: str, url: str, **request: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **request})
        return httpx.Response(422, json=refusal)

    monkeypatch.setenv("JIP_JUDGEMENT_URL", "http://judgement.test")
    monkeypatch.setattr(httpx, "request", answer)
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)
    argv = [*PROPOSE, "--grade", "good", "--text", TEXT, "--evidence", "ev-1", "--as", "cqc:inspector:c1"]
    assert main([*argv, "--if-match", "6", "--data-dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"jip: error: {refusal['detail']} (rule: 004 §70)\n"
    [request] = sent
    assert (request["method"], request["url"]) == ("PUT", f"http://judgement.test{JUDGEMENT}")
    assert set(request["headers"]) == {"Authorization", "If-Match"}  # who acts is in the token alone
    assert request["headers"]["If-Match"] == '"6"'
    claims = claims_sent(request["headers"], tmp_path)
    assert (claims["sub"], claims["jip_role"], claims["jip_inspectorate"]) == ("c1", "inspector", "cqc")
    assert request["json"]["grade"] == "good"
