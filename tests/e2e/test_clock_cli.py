"""`jip clock show|advance` against services running as their own processes (issue 19 point 15): the
platform's one clock, moved forward on a rehearsal platform through one service and read alike by every
service, and refused on a production one."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import httpx
import pytest

from jip.cli import main
from shared.mechanics.clock_api import HEADER
from tests.e2e.conftest import Platform
from tests.helpers import actor


async def jip(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def test_jip_clock_advance_moves_every_service_s_clock_forward_only(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    await platform.start("scheduling", "reporting")

    code, out, _ = await jip(capsys, "clock", "show")
    assert code == 0, out
    assert "REHEARSAL platform" in out
    assert "never moved" in out
    assert "  evidence     not answering" in out
    assert "every service reads the same clock" in out

    fieldwork = date.today() + timedelta(days=120)
    code, out, err = await jip(
        capsys, "clock", "advance", "--to", f"{fieldwork}T09:00", "--reason", "the fieldwork week"
    )
    assert code == 0, err
    assert f"it reads {fieldwork} 09:00" in out
    assert f"today is {fieldwork}" in out
    assert "by cli (ofsted lead_inspector)" in out
    assert ": the fieldwork week" in out
    assert f"  scheduling   {fieldwork} 09:00" in out
    assert f"  reporting    {fieldwork} 09:00" in out
    assert "every service reads the same clock" in out

    code, out, err = await jip(capsys, "clock", "advance", "--days", "7", "--service", "reporting")
    assert code == 0, err
    week_on = fieldwork + timedelta(days=7)
    assert f"  scheduling   {week_on} 09:00" in out
    assert f"  reporting    {week_on} 09:00" in out

    code, out, _ = await jip(capsys, "clock", "show", "--json")
    assert code == 0
    views = json.loads(out)
    assert views["evidence"] is None
    assert {views[s]["today"] for s in ("scheduling", "reporting")} == {str(week_on)}

    code, _, err = await jip(capsys, "clock", "advance", "--to", str(fieldwork))
    assert code == 1
    assert "only moves forward" in err
    assert "(rule: rehearsal clock: forward only)" in err

    # What a service records is stamped with the clock, and every answer says what it reads.
    async with httpx.AsyncClient(base_url=platform.urls["scheduling"], timeout=10) as http:
        lead = actor("ofsted", "lead_inspector")
        registered = await http.post("/inspectors", headers=lead, json={"name": "Sam Rehearsal"})
        assert registered.status_code == 201, registered.text
        assert registered.headers[HEADER].startswith(str(week_on))


async def test_jip_clock_advance_is_refused_on_a_production_platform(
    platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    await platform.start("scheduling", JIP_ENVIRONMENT="production")

    code, out, _ = await jip(capsys, "clock", "show")
    assert code == 0
    assert "production platform (JIP_ENVIRONMENT=production)" in out

    code, _, err = await jip(capsys, "clock", "advance", "--days", "3")
    assert code == 1
    assert "JIP_ENVIRONMENT: the clock moves only on a rehearsal platform" in err
    assert "(rule: JIP_ENVIRONMENT)" in err
