"""`jip test` and the workspace's browser tests: Debian's chromium is installed with apt-get when missing
and `jip` runs as root; otherwise one line says what to install. Nothing is installed here."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jip.commands import testing


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    made: list[list[str]] = []

    def call(command: list[str], env: dict[str, str]) -> int:
        assert env["DEBIAN_FRONTEND"] == "noninteractive"
        made.append(command)
        return 100 if command[-1] == "chromium" and len(made) == 1 else 0  # the first install finds no lists

    monkeypatch.setattr(subprocess, "call", call)
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    return made


def test_a_chromium_already_there_is_used_as_it_is(tmp_path: Path, calls: list[list[str]]) -> None:
    binary = tmp_path / "chromium"
    binary.touch()
    assert testing.ensure_chromium(binary) is True
    assert calls == []


def test_as_root_a_missing_chromium_is_installed_with_apt_get_updating_the_lists_once_if_need_be(
    tmp_path: Path,
    calls: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert testing.ensure_chromium(tmp_path / "chromium") is False  # the stand-in apt-get installs nothing
    assert calls == [
        ["apt-get", "-y", "-q", "install", "chromium"],
        ["apt-get", "-q", "update"],
        ["apt-get", "-y", "-q", "install", "chromium"],
    ]
    assert "installing Debian's chromium" in capsys.readouterr().out


def test_without_root_one_line_says_what_to_install_and_nothing_is_run(
    tmp_path: Path,
    calls: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert testing.ensure_chromium(tmp_path / "chromium") is False
    assert calls == []
    [line] = capsys.readouterr().out.splitlines()
    assert line.endswith("`sudo apt-get install chromium`")
