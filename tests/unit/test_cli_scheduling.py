"""`jip programmes` and `jip areas` read the data files; bad files and unknown names are one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from jip.cli import main
from shared.programmes import FOLDER


def test_programmes_lists_every_programme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programmes"]) == 0
    out = capsys.readouterr().out
    for programme in ("macp-2012", "cla-2012", "integrated-2014", "jtai-2015", "targeted-2015"):
        assert programme in out
    assert "8 working days" in out
    assert "requires_improvement" in out


def test_programmes_shows_one_with_its_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programmes", "macp-2012"]) == 0
    out = capsys.readouterr().out
    assert "week 1: ofsted, hmic  (002 §37)" in out
    assert "at most 7 on site at once  (002 §35)" in out


def test_programmes_check_names_the_bad_file_field_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (FOLDER / "jtai-2015.toml").read_text(encoding="utf-8")
    (tmp_path / "jtai-2015.toml").write_text(good, encoding="utf-8")
    assert main(["programmes", "--check", str(tmp_path)]) == 0
    assert "1 programme file(s)" in capsys.readouterr().out

    (tmp_path / "jtai-2015.toml").write_text(good.replace("weeks = 1", "weeks = 2"), encoding="utf-8")
    assert main(["programmes", "--check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"jip: error: {tmp_path / 'jtai-2015.toml'}: fieldwork: ")
    assert "each week 1..2 exactly once" in err


def test_an_unknown_programme_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["programmes", "jtai-2099"]) == 1
    assert (
        capsys.readouterr().err
        == "jip: error: unknown programme 'jtai-2099'; known: "
        + ", ".join(sorted(p.stem for p in FOLDER.glob("*.toml")))
        + "\n"
    )


def test_areas_lists_the_register_and_shows_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["areas"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 152
    assert any(line.startswith("E08000035  Leeds") and "HMYOI Wetherby" in line for line in lines)
    assert main(["areas", "leeds"]) == 0
    assert '"police_force": "West Yorkshire Police"' in capsys.readouterr().out
    assert main(["areas", "Wessex"]) == 1
    assert "not an area in the register" in capsys.readouterr().err


def test_a_command_with_no_service_running_says_how_to_start_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIP_SCHEDULING_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert main(["inspections", "show", "some-id", "--data-dir", str(tmp_path)]) == 1
    assert "start the platform with `jip stack up`" in capsys.readouterr().err
