"""`jip programmes` and `jip areas` read the data files; bad files and unknown names are one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from jip.cli import main
from jip.commands.tokens import signer
from shared.language.areas import as_at
from shared.language.programmes import FOLDER
from shared.language.workdays import today_in_england


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
    assert len(lines) == len(as_at(today_in_england()))  # the areas existing today: 153 since April 2023
    assert any(line.startswith("E08000035  Leeds") and "HMYOI Wetherby" in line for line in lines)
    assert main(["areas", "leeds", "--json"]) == 0
    assert '"police_force": "West Yorkshire Police"' in capsys.readouterr().out
    assert main(["areas", "Wessex"]) == 1
    assert "not an area in the register" in capsys.readouterr().err


def test_a_command_with_no_service_running_says_how_to_start_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIP_SCHEDULING_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    signer(tmp_path)  # a stack was started from here once: there is a key to issue the token with
    assert main(["inspections", "show", "some-id", "--data-dir", str(tmp_path)]) == 1
    assert "start the platform with `jip stack up`" in capsys.readouterr().err


def test_a_command_with_no_signing_key_and_no_token_says_how_to_get_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    monkeypatch.setenv("JIP_SCHEDULING_URL", "http://scheduling.test")
    monkeypatch.setattr(httpx, "request", lambda _, url, **__: sent.append(url))
    monkeypatch.delenv("JIP_TOKEN", raising=False)
    assert main(["inspections", "show", "some-id", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"jip: error: no signing key in {tmp_path / 'auth'}: ")
    assert "`jip stack up`" in err
    assert "JIP_TOKEN" in err
    assert sent == []  # nothing is asked without a token
    assert not (tmp_path / "auth").exists()  # nor is a key made on the way


def test_jip_token_is_sent_as_it_is_instead_of_a_token_from_the_stack_s_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []

    def answer(method: str, url: str, **request: Any) -> httpx.Response:
        sent.append({"method": method, "url": url, **request})
        return httpx.Response(200, json={"inspection_id": "some-id"})

    monkeypatch.setenv("JIP_SCHEDULING_URL", "http://scheduling.test")
    monkeypatch.setattr(httpx, "request", answer)
    monkeypatch.setenv("JIP_TOKEN", "a.token.from-the-identity-provider")
    assert main(["inspections", "show", "some-id", "--json", "--data-dir", str(tmp_path)]) == 0
    [request] = sent
    assert (request["method"], request["url"]) == ("GET", "http://scheduling.test/inspections/some-id")
    assert request["headers"] == {"Authorization": "Bearer a.token.from-the-identity-provider"}
    assert '"inspection_id": "some-id"' in capsys.readouterr().out
