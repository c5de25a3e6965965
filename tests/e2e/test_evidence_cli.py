"""The evidence commands of `jip` against the scheduling and evidence services running as their own processes:
a JTAI is scheduled and notified, two inspectorates track a shared case, and the evidence is corroborated,
questioned, corrected and closed, all through the command line."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest

from embedded.demo import eventually, first_fieldwork_week
from jip.cli import main
from services.evidence.domain.evidence_item import OWN_INSPECTORATE
from shared.language.programmes import catalogue
from shared.language.workdays import today_in_england
from tests.e2e.conftest import Platform
from tests.helpers import auditor, on_the_notice_date

WINDOW = catalogue()["jtai-2015"].rules.evidence_gathering  # where the JTAI states it: 001 Proposal two

CASE = "WKF-0042"


async def jip(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = await jip(capsys, *argv)
    assert (code, err) == (0, ""), argv
    return out


async def test_track_corroborate_question_correct_and_close_through_the_cli(
    platform: Platform, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await platform.start("scheduling", "evidence")
    monkeypatch.setenv("JIP_SCHEDULING_URL", platform.urls["scheduling"])
    monkeypatch.setenv("JIP_EVIDENCE_URL", platform.urls["evidence"])
    monkeypatch.delenv("JIP_ACTOR", raising=False)  # act as the default: Ofsted's lead inspector

    # Ofsted schedules a JTAI and notifies the LSCB chair: notice starts, and with it evidence gathering.
    starts = first_fieldwork_week(today_in_england())
    out = await ok(
        capsys, "inspections", "schedule", "--programme", "jtai-2015", "--area", "Wakefield",
        "--starts", str(starts), "--theme", "cse_and_missing", "--json",
    )  # fmt: skip
    inspection = json.loads(out)["inspection_id"]
    async with httpx.AsyncClient(base_url=platform.urls["scheduling"]) as scheduler:
        await on_the_notice_date(scheduler, json.loads(out)["notice_date"])  # not earlier (001 Proposal two)
    await ok(capsys, "inspections", "notify", inspection, "--recipient", "lscb_chair")

    async def notice_reached_evidence() -> bool:
        async with httpx.AsyncClient(headers=auditor()) as http:
            answer = await http.get(f"{platform.urls['evidence']}/inspections/{inspection}")
        return answer.status_code == 200 and bool(answer.json()["notice_started"])

    await eventually(notice_reached_evidence, "the evidence service to learn of the notice")

    out = await ok(
        capsys, "samples", "add", inspection, CASE, "--reason", "Deep-dive cohort: missing three times"
    )
    assert re.search(rf"^shared +{CASE} +ofsted +Deep-dive cohort", out, re.M)

    # Ofsted and CQC track the shared case and see the same strength of the local authority.
    items = {}
    for inspectorate in ("ofsted", "cqc"):
        out = await ok(
            capsys, "evidence", "record", inspection, "--as", inspectorate, "--agency", "local_authority",
            "--activity", "case_tracking", "--area", "identification_and_referral", "--bearing", "strength",
            "--case", CASE, "--text", f"{inspectorate}: referral acted on at once",
        )  # fmt: skip
        found = re.fullmatch(r"recorded evidence item (\S+) \(version 1\)\n", out)
        assert found, out
        items[inspectorate] = found.group(1)

    out = await ok(capsys, "evidence", "triangulation", inspection, "--agency", "local_authority")
    assert (
        "  identification_and_referral\n"
        f"    strength: 2 items from cqc, ofsted by case_tracking; cases {CASE} - CORROBORATED\n"
    ) in out
    assert "  no evidence yet:\n    areas: assessment_and_decision_making, deep_dive" in out
    out = await ok(capsys, "evidence", "list", inspection)
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [
        [items["ofsted"], "ofsted"],
        [items["cqc"], "cqc"],
    ]

    # CQC raises a line of enquiry on the case; Ofsted answers it with its item; CQC closes it.
    out = await ok(
        capsys, "enquiries", "raise", inspection, "--as", "cqc", "--agency", "local_authority",
        "--case", CASE, "--question", "Was the child seen alone before the decision?",
    )  # fmt: skip
    raised = re.match(rf"line of enquiry (\S+) of inspection {inspection}: OPEN\n", out)
    assert raised, out
    line = raised.group(1)
    await ok(
        capsys, "enquiries", "answer", inspection, line, "--item", items["ofsted"], "--answer", "Yes, twice."
    )
    out = await ok(
        capsys,
        "enquiries",
        "close",
        inspection,
        line,
        "--as",
        "cqc",
        "--conclusion",
        "The child was seen alone.",
    )
    assert ": CLOSED by cqc\n" in out
    assert "  answered by ofsted at " in out
    assert f"citing {items['ofsted']}:\n    Yes, twice.\n  conclusion: The child was seen alone." in out
    out = await ok(capsys, "enquiries", "list", inspection, "--status", "closed")
    assert out.splitlines()[1].split()[:6] == [line, "closed", "cqc", "local_authority", CASE, "1"]

    # Only CQC corrects CQC's item; its correction names the version it read, and a stale one is refused.
    code, _, err = await jip(
        capsys, "evidence", "amend", inspection, items["cqc"], "--reason", "not ours", "--bearing", "weakness"
    )
    assert code == 1
    assert err == (
        f"jip: error: evidence item {items['cqc']} was recorded by cqc: only cqc corrects it "
        f"(rule: {OWN_INSPECTORATE})\n"
    )
    out = await ok(
        capsys, "evidence", "amend", inspection, items["cqc"], "--as", "cqc",
        "--reason", "the time was wrong", "--text", "cqc: referral acted on within the hour",
    )  # fmt: skip
    assert out == f"amended evidence item {items['cqc']}: now version 2\n"
    code, _, err = await jip(
        capsys, "evidence", "amend", inspection, items["cqc"], "--as", "cqc", "--if-match", "1",
        "--reason", "another go", "--bearing", "weakness",
    )  # fmt: skip
    assert code == 1
    assert "was expected at version 1 but has version 2" in err
    out = await ok(capsys, "evidence", "show", inspection, items["cqc"])
    assert out.splitlines()[0] == f"evidence item {items['cqc']} of inspection {inspection}, version 2"
    assert re.search(r"^  v2 \S+ \S+ amended by cqc \(cli\): the time was wrong$", out, re.M)
    assert (
        '       summary: "cqc: referral acted on at once" -> "cqc: referral acted on within the hour"' in out
    )

    # Ofsted withdraws its item: it no longer counts, so nothing is corroborated any more.
    out = await ok(capsys, "evidence", "withdraw", inspection, items["ofsted"], "--reason", "recorded twice")
    assert out == f"withdrew evidence item {items['ofsted']}: now version 2\n"
    out = await ok(capsys, "evidence", "triangulation", inspection, "--agency", "local_authority")
    assert f"    strength: 1 item from cqc by case_tracking; cases {CASE} - single source\n" in out
    assert items["ofsted"] not in await ok(capsys, "evidence", "list", inspection)
    assert "WITHDRAWN" in await ok(capsys, "evidence", "list", inspection, "--withdrawn")
    out = await ok(capsys, "evidence", "case", inspection, CASE)
    assert out.splitlines()[0] == f"case {CASE}: in the shared sample; evidence from cqc"

    # The lead inspectorate closes evidence gathering; nothing more is recorded.
    out = await ok(capsys, "evidence", "close", inspection, "--reason", "Fieldwork is over.")
    assert out == f"evidence gathering closed for inspection {inspection} by ofsted\n"
    code, out, err = await jip(
        capsys, "evidence", "record", inspection, "--as", "hmic", "--agency", "police",
        "--activity", "performance_data", "--area", "deep_dive", "--bearing", "weakness", "--text", "Late.",
    )  # fmt: skip
    assert (code, out) == (1, "")
    assert err == f"jip: error: evidence gathering is closed for this inspection (rule: {WINDOW})\n"

    # On request, the lead inspectorate erases the case: its text reads [erased] from then on.
    code, _, err = await jip(
        capsys,
        "evidence",
        "erase",
        inspection,
        CASE,
        "--as",
        "cqc:lead_inspector",
        "--basis",
        "subject_request",
    )
    assert code == 1
    assert "only the lead inspectorate, ofsted, erases a case" in err
    out = await ok(capsys, "evidence", "erase", inspection, CASE, "--basis", "subject_request")
    assert out.startswith(
        f"case {CASE} erased (subject_request): its key is destroyed, so its text reads [erased]"
    )
    assert "in 2 evidence item(s), 1 line(s) of enquiry, 1 sample(s)" in out
    shown = json.loads(await ok(capsys, "evidence", "list", inspection, "--withdrawn", "--json"))
    assert {i["summary"] for i in shown if i["case_reference"] == CASE} == {"[erased]"}
