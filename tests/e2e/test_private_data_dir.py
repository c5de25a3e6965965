"""`jip stack up` keeps its data directory its owner's alone: the database files, the object store, the
logs, the signing key, the spans and the subject keyring are all owner-only, and a directory found
readable by others is warned of at the next `jip stack up`."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import stat
from pathlib import Path

import pytest

from embedded.demo import People, play_jtai
from embedded.ports import Ports
from embedded.supervisor import Supervisor
from jip.cli import main
from jip.commands import tokens
from shared.mechanics.keyring import Keyring


def free_port_base() -> int:
    """A base N with every port `jip stack up --port-base N` takes free: N..N+2 and N+11..N+15, below the
    ports the system hands out to connections (32768 on)."""
    for _ in range(100):
        base = random.randrange(20000, 32000)
        offsets = [0, 1, 2, *range(11, 16)]
        sockets = [socket.socket() for _ in offsets]
        try:
            for s, offset in zip(sockets, offsets, strict=True):
                s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free block of ports")


def modes(data_dir: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(data_dir.stat().st_mode)}
    for path in data_dir.rglob("*"):
        found[path.relative_to(data_dir).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


async def test_everything_jip_stack_up_makes_is_its_owners_alone_and_wider_is_warned_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [name for name in os.environ if name.startswith("JIP_")]:
        monkeypatch.delenv(name)  # the stack's own defaults: its signing key, keyring and span files
    umask = os.umask(0o022)  # a login shell's: what the stack made used to be 0755 and 0644
    data_dir = tmp_path / "jip"
    stack = ["--data-dir", str(data_dir)]
    base = free_port_base()
    try:
        # A rehearsal stack: the demo moves its clock from notice to publication.
        up = ["stack", "up", *stack, "--port-base", str(base), "--rehearsal"]
        assert await asyncio.to_thread(main, up) == 0
        ports = Supervisor(data_dir).saved_ports()
        assert ports == Ports.from_base(base)
        urls = {name: ports.service_url(name) for name in ports.services}
        await play_jtai(urls, People(tokens.signer(data_dir)), progress=lambda _: None)  # seals case text
    finally:
        assert await asyncio.to_thread(main, ["stack", "down", *stack]) == 0
    assert "warning" not in capsys.readouterr().err

    made = modes(data_dir)
    wider = {path: oct(mode) for path, mode in made.items() if mode & 0o077}
    assert not wider, f"readable by others: {wider}"
    keyring = data_dir / "keyring" / "subject-keys.json"
    assert made["keyring/subject-keys.json"] == 0o600
    assert list(Keyring(keyring, "jip_subject_keys").keks()) == [1]
    for made_by in ("stack.json", "logs/mongodb.log", "auth/signing-key.pem", "auth/public-key.pem"):
        assert made[made_by] == 0o600, made_by
    # The checkpointer ran beside the services, with its key apart from the log, and signed the log.
    assert made["audit/checkpoint-key.pem"] == 0o600
    assert "checkpoint" in (data_dir / "logs" / "checkpointer.log").read_text()
    for folder in ("mongodb", "objectstore", "telemetry", "keyring", "auth", "logs", "audit"):
        assert made[folder] == 0o700, folder
        assert any(path.startswith(f"{folder}/") and mode == 0o600 for path, mode in made.items()), folder

    # Opened to others by hand: the next `jip stack up` says so, and how to close it, and leaves it be.
    database_file = next(p for p in (data_dir / "mongodb").iterdir() if p.is_file())
    database_file.chmod(0o644)
    try:
        assert await asyncio.to_thread(main, ["stack", "up", *stack, "--infra-only"]) == 0
    finally:
        assert await asyncio.to_thread(main, ["stack", "down", *stack]) == 0
    warning = capsys.readouterr().err
    assert f"jip: warning: 1 of the files and folders in the data directory {data_dir} can be read" in warning
    assert str(database_file) in warning
    assert f"chmod -R go= {data_dir}" in warning
    assert stat.S_IMODE(database_file.stat().st_mode) == 0o644
    os.umask(umask)
