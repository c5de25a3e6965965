"""`jip`: errors the user must act on are one line on stderr; nothing here starts a server."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from embedded import components
from embedded.components import Component
from embedded.errors import StackError
from embedded.supervisor import Supervisor, _require_free
from jip import cli
from jip.commands import COMMANDS


@pytest.fixture
def listening() -> Iterator[int]:
    """A port some other program is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@pytest.fixture(autouse=True)
def no_binaries_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    # The port check must not depend on the embedded extra being installed.
    monkeypatch.setattr(components, "_tansu_binary", lambda: Path("/nonexistent/tansu"))
    monkeypatch.setattr(components, "_secantus_binary", lambda: Path("/nonexistent/secantusd-py"))


async def _never_ready() -> None:
    raise AssertionError("no component may be probed")


def component(port: int) -> Component:
    return Component("objectstore", "object store (the broker's disk)", port, ["true"], _never_ready)


def test_require_free_raises_a_one_line_stack_error_for_a_port_in_use(listening: int) -> None:
    with pytest.raises(StackError) as caught:
        _require_free(component(listening))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"port {listening} for the object store")
    assert "--port-base" in message


def test_require_free_accepts_a_free_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _require_free(component(port))  # raises StackError if it thinks the port is taken


def test_stack_up_on_a_port_in_use_prints_one_error_line_and_returns_1(
    tmp_path: Path, listening: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        ["stack", "up", "--infra-only", "--data-dir", str(tmp_path), "--port-base", str(listening)]
    )
    assert code == 1
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"jip: error: port {listening}")
    assert "--port-base" in lines[0]
    # Nothing was started: no component is recorded as running.
    assert Supervisor(tmp_path).running() == {}


def test_stack_status_on_an_empty_directory_says_how_to_start_a_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["stack", "status", "--data-dir", str(tmp_path)])
    assert code == 1
    out = capsys.readouterr().out
    assert str(tmp_path) in out
    assert "jip stack up" in out


def test_stack_logs_for_an_unknown_component_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["stack", "logs", "nothing", "--data-dir", str(tmp_path)])
    assert code == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("jip: error: no log for 'nothing'")


def test_help_exits_0_and_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: jip")
    for command in ("stack", "demo", "test"):
        assert any(line.strip().startswith(command) for line in out.splitlines()), command


def test_an_unknown_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["demo", "--frobnicate"])
    assert caught.value.code == 2
    assert "unrecognised arguments: --frobnicate" in capsys.readouterr().err


def test_jip_token_will_not_issue_a_token_the_services_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        cli.main(["token", "auditor", "--ttl", "2d", "--data-dir", str(tmp_path)])
    assert usage.value.code == 2
    assert "at most 24h: the services refuse a token valid for longer" in capsys.readouterr().err


def test_jip_help_imports_no_commands_module_and_a_command_only_its_own() -> None:
    """`jip --help` lists every command from jip/commands/__init__.py alone (issue 22 point 9: it imported
    pymongo, faststream and aiokafka before parsing, 2.7 s of CPU); a command imports its own module only."""
    heavy = ("pymongo", "faststream", "aiokafka", "fastapi", "pydantic", "httpx")

    def imported(*argv: str) -> set[str]:
        script = (
            "import sys, contextlib, io\n"
            "from jip.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({list(argv)!r})\n"
            "print('\\n'.join(sorted(sys.modules)))\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        return set(done.stdout.split())

    listed = imported("--help")
    assert not {m for m in listed if m.split(".")[0] in heavy}, "jip --help imported a heavy library"
    assert not {m for m in listed if m.startswith("jip.") and m not in ("jip.cli", "jip.commands")}
    clock = imported("clock", "--help")
    assert "jip.commands.clock" in clock
    assert not {f"jip.commands.{m}" for m in ("evidence", "documents", "lscb", "audit")} & clock
    [commands] = [a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == set(COMMANDS)  # the table names every command a module adds, no other


def test_jip_token_imports_only_what_signing_a_token_needs(tmp_path: Path) -> None:
    """`jip token` issues a token with cryptography's Ed25519 alone (issue 22 point 9: it took 2.57 s of
    CPU importing the services' libraries); what it imports is checked, not its time."""
    key = tmp_path / "auth" / "signing-key.pem"
    key.parent.mkdir()
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    script = (
        "import sys, contextlib, io\n"
        "from jip.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    main(['token', 'ofsted:lead_inspector', '--data-dir', {str(tmp_path)!r}])\n"
        "print(out.getvalue().count('.'), *sorted(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    dots, *modules = done.stdout.split()
    assert dots == "2"  # a compact JWS was printed: header.payload.signature
    heavy = ("pymongo", "aiokafka", "fastapi", "pydantic", "httpx", "jwt", "starlette", "opentelemetry")
    assert not {m for m in modules if m.split(".")[0] in heavy}, "jip token imported a heavy library"


def test_a_misspelt_command_is_answered_with_the_command_meant(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["evidnce", "list"])
    assert caught.value.code == 2
    assert "'evidnce' is not a command: did you mean `jip evidence`?" in capsys.readouterr().err


def test_every_command_action_argument_and_option_says_what_it_is_for() -> None:
    """`--help` explains: every subcommand, positional and option of `jip` has its help text (issue 22
    point 10)."""
    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest: choice.help for choice in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helped.get(name):
                        missing.append(" ".join([*path, name]))
                    walk(sub, [*path, name])
            elif not action.help and action.dest != "help":
                missing.append(f"{' '.join(path)} {action.option_strings or action.dest}")

    walk(cli.parser(), ["jip"])
    assert not missing


@pytest.mark.parametrize(
    "argv",
    [
        ["inspections", "schedule", "--area", "Leeds", "--starts", "4/1/2027"],
        ["inspectors", "unavailable", "i-1", "--from", "2027-13-01", "--to", "2027-01-08", "--reason", "x"],
        ["documents", "action-plan", "insp-1", "--led-by", "local_authority", "--due", "tomorrow"],
    ],
)
def test_a_date_that_is_not_one_is_a_usage_error_saying_the_format(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(argv)
    assert caught.value.code == 2
    assert "is not a date: give YYYY-MM-DD (2027-01-04)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Wakefeld", "Wakefield (E08000036)"), ("Kingston upon Hul", "Kingston upon Hull, City of (E06000010)")],
)
def test_a_misspelt_area_is_answered_with_the_area_meant(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["areas", typed]) == 1
    assert f"is not an area in the register: did you mean {meant}?" in capsys.readouterr().err
    assert cli.main(["areas", "Frobble"]) == 1  # nothing near: no guess
    assert "'Frobble' is not an area in the register. `jip areas` lists all" in capsys.readouterr().err
