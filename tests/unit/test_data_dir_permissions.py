"""The embedded stack's data directory is its owner's alone (embedded/private.py, embedded/supervisor.py):
created 0700, everything the stack and its components write in it owner-only, and a warning when it is
found wider.
tests/e2e/test_private_data_dir.py checks the same of a whole `jip stack up`."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedded.components import Component
from embedded.ports import Ports
from embedded.private import private_data_dir, wider_than_owner
from embedded.supervisor import Supervisor


@pytest.fixture(autouse=True)
def umask() -> Iterator[None]:
    """The usual umask (022, so files are made 0644) for each test, and the session's back after it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_data_directory_is_made_0700_and_what_is_made_after_is_owner_only(tmp_path: Path) -> None:
    warnings: list[str] = []
    data_dir = tmp_path / "new" / "jip"
    private_data_dir(data_dir, warnings.append)
    assert mode(data_dir) == 0o700
    (data_dir / "made-after").write_text("x")
    (data_dir / "folder").mkdir()
    assert (mode(data_dir / "made-after"), mode(data_dir / "folder")) == (0o600, 0o700)
    assert warnings == []
    private_data_dir(data_dir, warnings.append)  # found as it was made: no warning
    assert warnings == []


def test_a_data_directory_found_readable_by_others_is_warned_of_and_left_as_it_is(tmp_path: Path) -> None:
    data_dir = tmp_path / "jip"
    (data_dir / "mongodb").mkdir(parents=True)  # 0755 under umask 022, as `jip stack up` used to make it
    (data_dir / "mongodb" / "collection-0.wt").write_text("keys")  # 0644
    (data_dir / "auth").mkdir(mode=0o700)
    (data_dir / "auth" / "signing-key.pem").touch(mode=0o600)
    data_dir.chmod(0o700)
    (data_dir / "link").symlink_to("/etc/hostname")  # a symlink's own mode says nothing
    warnings: list[str] = []
    private_data_dir(data_dir, warnings.append)
    [warning] = warnings
    assert f"2 of the files and folders in the data directory {data_dir} can be read by users" in warning
    assert str(data_dir / "mongodb" / "collection-0.wt") in warning
    assert f"`chmod -R go= {data_dir}`" in warning
    assert mode(data_dir / "mongodb" / "collection-0.wt") == 0o644  # the operator's to change
    assert wider_than_owner(data_dir) == [data_dir / "mongodb", data_dir / "mongodb" / "collection-0.wt"]
    data_dir.chmod(0o755)
    assert wider_than_owner(data_dir)[0] == data_dir


# Writes a file, and the subject keyring it was given, then waits to be stopped.
CHILD = (
    "import os, pathlib, time;"
    " pathlib.Path('written').write_text(os.environ.get('JIP_SUBJECT_KEYRING_FILE', '-')); time.sleep(60)"
)


async def test_the_supervisor_keeps_its_state_logs_and_components_files_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JIP_SUBJECT_KEYRING_FILE", raising=False)
    data_dir = tmp_path / "jip"
    data_dir.mkdir(mode=0o700)
    monkeypatch.chdir(data_dir)
    supervisor = Supervisor(data_dir)

    async def ready() -> None:
        if not (data_dir / "written").exists():
            raise FileNotFoundError

    ports = Ports.free()
    service = Component(
        "service", "a service", ports.kafka, [sys.executable, "-c", CHILD], ready, subject_keys=True
    )
    try:
        await supervisor.up(ports, [[service]], progress=lambda _: None)
    finally:
        supervisor.stop(progress=lambda _: None)
    assert (data_dir / "written").read_text() == str(data_dir / "keyring" / "subject-keys.json")
    assert {p.name: mode(p) for p in data_dir.rglob("*")} == {
        "stack.json": 0o600,
        "logs": 0o700,
        "service.log": 0o600,
        "keyring": 0o700,  # the service makes the keyring in it, owner-only (shared/mechanics/keyring.py)
        "written": 0o600,  # the component's own file: started with umask 077
    }
