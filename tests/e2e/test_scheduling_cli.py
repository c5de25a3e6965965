"""The scheduling commands of `jip` against the scheduling service running as its own process."""

from __future__ import annotations

import asyncio
import json

import pytest

from jip.cli import main
from tests.e2e.conftest import Platform


async def jip(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_schedule_assign_and_refuse_through_the_cli(
    platform: Platform, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    await platform.start("scheduling")
    monkeypatch.setenv("JIP_SCHEDULING_URL", platform.urls["scheduling"])

    code, out, _ = await jip(
        capsys, "inspections", "schedule", "--programme", "targeted-2015", "--area", "Sheffield",
        "--starts", "2031-03-10", "--theme", "neglect", "--json",
    )  # fmt: skip
    assert code == 0
    inspection = json.loads(out)
    assert (inspection["local_area"], inspection["notice_date"]) == ("Sheffield", "2031-02-26")

    ids = []
    for n in range(4):
        code, out, _ = await jip(capsys, "inspectors", "register", "--name", f"Inspector {n}")
        ids.append(json.loads(out)["inspector_id"])
    for inspector in ids[:3]:
        code, out, _ = await jip(
            capsys,
            "inspections",
            "assign",
            inspection["inspection_id"],
            "--inspector",
            inspector,
            "--weeks",
            "1",
        )
        assert code == 0
    code, _, err = await jip(
        capsys, "inspections", "assign", inspection["inspection_id"], "--inspector", ids[3], "--weeks", "1"
    )
    assert code == 1
    assert err == "jip: error: the team is full: targeted-2015 has a team of 3 (rule: 001 Part 2)\n"

    code, out, _ = await jip(capsys, "inspections", "show", inspection["inspection_id"])
    assert code == 0
    assert "fieldwork 2031-03-10 to 2031-03-14; notice on 2031-02-26" in out
    assert out.count("team: ") == 3

    code, out, _ = await jip(
        capsys, "rounds", "plan", "--programme", "jtai-2015", "--name", "Neglect 2031", "--theme", "neglect",
        "--size", "6", "--seed", "s1", "--concern", "E08000019:hmic:missing children",
    )  # fmt: skip
    assert code == 0
    assert "E08000019  Sheffield" in out
    assert "concern" in out
    assert len([line for line in out.splitlines() if line.startswith("  E")]) == 6
