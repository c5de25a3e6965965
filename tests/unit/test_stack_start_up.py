"""Starting the embedded stack (embedded/supervisor.py, issue 24 §1). A `jip stack up` that stops part way
stops what it had started: a taken port, a component that exits or does not answer within the readiness
limit. Before, the object store was left running when the database's port was taken, unknown to `stack
status` and `stack down`. The readiness limit is a setting ($JIP_READY_WITHIN, `--ready-within`) and its
error says what to do; the stack's Python processes keep their bytecode; `jip demo`'s choices cost no
imports."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedded.components import Component, infrastructure
from embedded.errors import StackError
from embedded.ports import Ports
from embedded.supervisor import DEFAULT_READY_WITHIN, Supervisor, process_environment, ready_limit
from jip.commands.stack import stack_status

SLEEPER = "import time; time.sleep(120)"


@pytest.fixture
def taken() -> Iterator[socket.socket]:
    """A port another program listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def status_rows(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    stack_status(argparse.Namespace(data_dir=data_dir, json=True))
    rows: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return rows


async def test_a_taken_database_port_stops_the_object_store_it_had_started(
    tmp_path: Path, taken: socket.socket, capsys: pytest.CaptureFixture[str]
) -> None:
    free = Ports.free()
    ports = Ports(free.objectstore, free.kafka, taken.getsockname()[1], free.services, free.workspace)
    supervisor = Supervisor(tmp_path)
    said: list[str] = []
    with pytest.raises(StackError) as refused:
        await supervisor.up(ports, infrastructure(tmp_path, ports), progress=said.append)
    message = str(refused.value)
    assert f"port {ports.mongodb} for the MongoDB-protocol database" in message
    assert "--port-base N" in message
    assert message.endswith("; stopped what it had started (objectstore)")
    assert said == ["  objectstore  stopped"]
    assert supervisor.running() == {}
    rows = status_rows(tmp_path, capsys)
    assert {row["component"]: row["state"] for row in rows if row["state"] != "stopped"} == {}
    assert all(row["pid"] is None for row in rows)


async def test_a_component_not_ready_within_the_limit_stops_it_and_its_earlier_stages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ports = Ports.free()

    async def answers() -> None:
        return None

    async def never() -> None:
        raise ConnectionRefusedError

    first = Component(
        "objectstore", "object store", ports.objectstore, [sys.executable, "-c", SLEEPER], answers
    )
    slow = Component(
        "scheduling",
        "scheduling service",
        ports.services["scheduling"],
        [sys.executable, "-c", SLEEPER],
        never,
    )

    async def hangs() -> None:
        await asyncio.sleep(3600)  # stops waiting when the other of its stage fails

    beside = Component(
        "evidence", "evidence service", ports.services["evidence"], [sys.executable, "-c", SLEEPER], hangs
    )
    supervisor = Supervisor(tmp_path)
    with pytest.raises(StackError) as refused:
        await supervisor.up(ports, [[first], [slow, beside]], progress=lambda _: None, ready_within=0.5)
    message = str(refused.value)
    log = tmp_path / "logs" / "scheduling.log"
    assert message.startswith("the scheduling service did not come up within 0.5 s (ConnectionRefusedError)")
    assert f"read its log {log} (`jip stack logs scheduling`)" in message
    assert "`jip stack up --ready-within 60` or JIP_READY_WITHIN=60" in message
    assert message.endswith("; stopped what it had started (objectstore, scheduling, evidence)")
    assert supervisor.running() == {}
    assert all(row["state"] == "stopped" for row in status_rows(tmp_path, capsys))


async def test_what_was_running_before_is_left_running(tmp_path: Path) -> None:
    ports = Ports.free()

    async def answers() -> None:
        return None

    async def never() -> None:
        raise ConnectionRefusedError

    running = Component(
        "objectstore", "object store", ports.objectstore, [sys.executable, "-c", SLEEPER], answers
    )
    exits = Component("kafka", "broker", ports.kafka, [sys.executable, "-c", "raise SystemExit(3)"], never)
    supervisor = Supervisor(tmp_path)
    try:
        await supervisor.up(ports, [[running]], progress=lambda _: None)
        for _ in range(100):  # this stand-in answers at once, maybe before its process has exec'd
            if "objectstore" in supervisor.running():
                break
            await asyncio.sleep(0.1)
        pid = supervisor.running()["objectstore"].pid
        with pytest.raises(StackError) as refused:
            await supervisor.up(ports, [[running], [exits]], progress=lambda _: None)
        assert "the broker exited during start-up" in str(refused.value)
        assert str(refused.value).endswith("; stopped what it had started (kafka)")
        assert list(supervisor.running()) == ["objectstore"]
        assert alive(pid)
    finally:
        supervisor.stop(progress=lambda _: None)


def test_the_readiness_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIP_READY_WITHIN", raising=False)
    assert ready_limit() == DEFAULT_READY_WITHIN
    monkeypatch.setenv("JIP_READY_WITHIN", "120")
    assert ready_limit() == 120.0
    for wrong in ("soon", "0", "-5", "inf"):
        monkeypatch.setenv("JIP_READY_WITHIN", wrong)
        with pytest.raises(StackError, match=f"JIP_READY_WITHIN='{wrong}' is not a number of seconds"):
            ready_limit()


def test_a_python_component_keeps_its_bytecode_where_the_environment_would_forbid_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With PYTHONDONTWRITEBYTECODE a service compiled every module from source at each start."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    env = process_environment({"JIP_HTTP_PORT": "1"})
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(Path(sys.prefix) / "pycache")
    assert env["JIP_HTTP_PORT"] == "1"
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/elsewhere")
    assert process_environment({})["PYTHONPYCACHEPREFIX"] == "/elsewhere"
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX")
    assert process_environment({}) == dict(os.environ)


def test_jip_demo_offers_every_programme_with_a_scenario() -> None:
    """Read from the scenario file's tables alone, so that `jip stack up` does not check the scenarios."""
    from embedded.demo.scenario import scenarios
    from jip.commands.stack import _demo_programmes

    assert _demo_programmes() == list(scenarios())


def test_jip_stack_up_takes_the_readiness_limit_in_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    from jip.cli import parser

    assert parser("stack").parse_args(["stack", "up", "--ready-within", "90"]).ready_within == 90.0
    assert parser("stack").parse_args(["stack", "up"]).ready_within is None  # $JIP_READY_WITHIN, or 60
    with pytest.raises(SystemExit):
        parser("stack").parse_args(["stack", "up", "--ready-within", "0"])
    assert "'0' is not a number of seconds above 0, such as 120" in capsys.readouterr().err
