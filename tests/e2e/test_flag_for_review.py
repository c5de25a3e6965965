"""A final judgement flagged for review when evidence it cites is withdrawn, all through `jip` against the
five services as separate processes: the evidence service's withdrawal crosses the broker to the
judgement service, whose flag reaches reporting."""

from __future__ import annotations

import asyncio
import re

import pytest

from jip.cli import main
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.e2e.conftest import Platform
from tests.helpers import eventually, seed_integrated

JUDGEMENT = ("health", "help_and_protection")


async def jip(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> str:
    exited = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    assert exited == code, (argv, captured.err)
    return captured.out if code == 0 else captured.err


async def test_withdrawing_evidence_flags_the_final_judgement_citing_it(
    platform: Platform,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await platform.start()
    for name, url in platform.urls.items():
        monkeypatch.setenv(f"JIP_{name.upper()}_URL", url)
    monkeypatch.delenv("JIP_ACTOR", raising=False)  # act as the default: Ofsted's lead inspector
    inspection = await seed_integrated(settings)

    async def record(text: str) -> str:
        out = await jip(
            capsys, "evidence", "record", inspection, "--as", "cqc", "--agency", "health", "--activity",
            "case_audit", "--area", "help_and_protection", "--criterion", "68q", "--bearing", "strength",
            "--case", "WKF-0042", "--text", text,
        )  # fmt: skip
        found = re.fullmatch(r"recorded evidence item (\S+) \(version 1\)\n", out)
        assert found, out
        return found.group(1)

    async def notice_started() -> bool:
        code = await asyncio.to_thread(main, ["evidence", "list", inspection])
        capsys.readouterr()
        return code == 0

    await eventually(notice_started)
    cited = await record("Health visitors shared concerns with children's social care the same day.")

    async def proposed() -> bool:  # the item may not have reached the judgement service yet
        code = await asyncio.to_thread(
            main,
            ["judgements", "propose", inspection, *JUDGEMENT, "--as", "cqc", "--grade", "good",
             "--text", "Risks are identified early.", "--evidence", cited],
        )  # fmt: skip
        capsys.readouterr()
        return code == 0

    await eventually(proposed)
    for step, who in (
        ("moderate", "ofsted:lead_inspector"),
        ("quality-assure", "ofsted:quality_assurer"),
        ("finalise", "cqc:lead_inspector"),
    ):
        out = await jip(capsys, "judgements", step, inspection, *JUDGEMENT, "--as", who)
        assert out.startswith("judgement on health for help_and_protection: "), out
    assert "final, grade good" in out

    await jip(capsys, "evidence", "withdraw", inspection, cited, "--as", "cqc", "--reason", "the wrong case")

    async def flagged() -> str | None:
        shown = await jip(capsys, "judgements", "show", inspection, *JUDGEMENT)
        return shown if "FLAGGED FOR REVIEW" in shown else None

    shown = await eventually(flagged)
    assert "graded, final" in shown.splitlines()[0]  # still the judgement of record, until revised
    assert f"    {cited}: evidence item {cited} was withdrawn by cqc: the wrong case\n" in shown
    assert "JudgementFlaggedForReview  by platform/judgement-service" in shown

    reason = "The audit was of another case."
    revise = ["judgements", "revise", inspection, *JUDGEMENT, "--as", "cqc:lead_inspector", "--grade", "good",
              "--text", "Risks are identified early.", "--reason", reason]  # fmt: skip
    err = await jip(capsys, *revise, "--evidence", cited, code=1)
    assert "(rule: 004 §24, §48)" in err  # the programme's rules.judgement_evidence
    replacement = await record("Health visitors saw the child weekly and escalated promptly.")

    async def revised() -> str | None:
        code = await asyncio.to_thread(main, [*revise, "--evidence", replacement])
        out = capsys.readouterr().out
        return out if code == 0 else None

    out = await eventually(revised)
    assert "proposed, grade good" in out
    assert "FLAGGED" not in out

    client = connect(settings.mongodb_uri, "test")
    try:
        sources = client[settings.database_name("reporting")]["sources"]

        async def reporting_has_the_flag() -> bool:
            found = await sources.count_documents(
                {"inspection_id": inspection, "envelope.event_type": "judgement.JudgementFlaggedForReview"}
            )
            return found == 1

        await eventually(reporting_has_the_flag)
    finally:
        await client.close()
