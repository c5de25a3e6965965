"""`jip clock` and `jip stack up --rehearsal` (issue 19 point 15), without a running service: the help says
what a rehearsal platform is, the readings of the services are shown and compared, and a `jip` process
can follow the platform's clock."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from embedded.ports import DEFAULT_PORT_BASE, Ports
from embedded.supervisor import Supervisor
from jip.cli import main
from jip.commands.clock import agree, follow, show_text
from jip.commands.stack import REHEARSAL_MARK, _rehearsal
from shared.language.workdays import today_in_england
from shared.mechanics.clock import CLOCK


def reading(now: str, set_to: str | None = "2027-03-01T09:00:00Z", **more: Any) -> dict[str, Any]:
    return {
        "environment": "rehearsal",
        "rehearsal": True,
        "now": now,
        "today": now[:10],
        "set_to": set_to,
        "set_at": "2026-12-02T10:00:00Z" if set_to else None,
        "set_by": {"user": "lead-1", "inspectorate": "ofsted", "role": "lead_inspector"} if set_to else None,
        "reason": "fieldwork" if set_to else None,
        **more,
    }


def test_jip_clock_help_explains_rehearsal_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["clock", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "JIP_ENVIRONMENT=rehearsal" in out
    assert "refuses to move" in out
    assert "never back" in out
    with pytest.raises(SystemExit):
        main(["stack", "up", "--help"])
    assert "--rehearsal" in capsys.readouterr().out


def test_jip_clock_advance_takes_a_date_or_days_and_refuses_anything_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["clock", "advance", "--to", "2027-03-01", "--days", "3"])
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["clock", "advance", "--to", "next monday"]) == 1
    assert "jip: error: --to 'next monday' is not a date or time" in capsys.readouterr().err


def test_show_says_what_the_rehearsal_clock_reads_who_set_it_and_whether_the_services_agree() -> None:
    found = {
        "scheduling": reading("2027-03-01T09:00:05Z"),
        "evidence": reading("2027-03-01T09:00:06Z"),
        "judgement": None,
    }
    text = show_text(found)
    assert "REHEARSAL platform" in text
    assert "it reads 2027-03-01 09:00:05 in England: today is 2027-03-01" in text
    assert "set to 2027-03-01 09:00:00 by lead-1 (ofsted lead_inspector)" in text
    assert "  judgement    not answering" in text
    assert text.endswith("every service reads the same clock")
    assert agree(found)

    found["judgement"] = reading("2026-12-02T10:00:00Z", set_to=None)  # it has not read the document
    assert not agree(found)
    assert show_text(found).endswith(
        "THE SERVICES DO NOT AGREE: check that every one has the same JIP_ENVIRONMENT and database"
    )


def test_a_jip_process_follows_the_platform_s_clock() -> None:
    """What `jip demo` needs to work out dates as the services do."""
    follow(reading("2027-07-01T23:30:00+00:00"))
    assert CLOCK.rehearsal
    assert abs(CLOCK.now() - datetime(2027, 7, 1, 23, 30, tzinfo=UTC)) < timedelta(seconds=5)
    assert today_in_england() == date(2027, 7, 2)
    follow({"environment": "production", "rehearsal": False, "now": "2026-12-02T10:00:00Z"})
    assert not CLOCK.rehearsal
    assert abs(CLOCK.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_data_directory_started_as_a_rehearsal_stays_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jip stack up --rehearsal` marks the data directory: its events carry the moved clock, so a later
    `jip stack up` without the flag starts a rehearsal platform again, never a production one on it."""
    monkeypatch.delenv("JIP_ENVIRONMENT", raising=False)
    supervisor, ports = Supervisor(tmp_path), Ports.from_base(DEFAULT_PORT_BASE)

    def up(rehearsal: bool) -> bool:
        return _rehearsal(argparse.Namespace(data_dir=tmp_path, rehearsal=rehearsal), supervisor, ports)

    assert not up(False)
    assert up(True)
    assert (tmp_path / REHEARSAL_MARK).exists()
    assert up(False)
