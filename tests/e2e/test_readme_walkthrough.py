"""The README's curl walkthrough, run as written (issue 22, point 10): its bash block, word for word, against
the five services started on a port base of their own, on a rehearsal platform, so it cannot rot.

Only two things are added around the block: `curl` fails on an HTTP error (so a refused step fails the test,
with the service's answer), and the environment points `bin/jip` at this stack (JIP_DATA_DIR) and the block's
URLs at its ports (JIP_PORT_BASE), as the README tells a reader with a stack on other ports to do."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from embedded.components import services
from embedded.ports import WORKSPACE_OFFSET, Ports
from embedded.supervisor import Supervisor
from tests.conftest import Servers
from tests.helpers import SIGNER

ROOT = Path(__file__).resolve().parents[2]
# A refused request fails the step, showing what the service answered.
STRICT = 'set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; }\n'
# After the block, with its variables: the letter, once reporting has read the finding, marked for the test.
LETTER = """
until curl -s "${ofsted[@]}" $R/inspections/$ID/report | grep -q "missing-person risk assessment"; do
  echo waiting for the letter >&2
  sleep 0.5
done
echo '--- the letter ---'
curl -s "${ofsted[@]}" $R/inspections/$ID/report
"""


def walkthrough() -> str:
    """The README's curl walkthrough: the bash block that starts by setting the port base."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    [block] = [str(b) for b in blocks if "B=${JIP_PORT_BASE" in b]
    return block


def free_base() -> int:
    """A port base whose every port the stack takes (base ... base + 15) is free now."""
    for base in range(30000, 60000, 100):
        sockets = []
        try:
            for port in range(base, base + WORKSPACE_OFFSET + 6):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
        return base
    raise AssertionError("no free port base")


@pytest.fixture
async def stack(
    servers: Servers, namespace: str, tmp_path: Path, public_key: Path
) -> AsyncIterator[tuple[int, Path]]:
    SIGNER.save(tmp_path / "auth")  # `bin/jip token` issues the walkthrough's tokens with the tests' key
    base = free_base()
    env = {
        "JIP_AUTH_PUBLIC_KEY_FILE": str(public_key),
        "JIP_KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap,
        "JIP_MONGODB_URI": servers.mongodb_uri,
        "JIP_KAFKA_PROFILE": servers.profile.value,
        "JIP_NAMESPACE": namespace,
        "JIP_ENVIRONMENT": "rehearsal",  # the walkthrough moves the clock to the notice date
    }
    supervisor = Supervisor(tmp_path)
    ports = Ports.from_base(base)
    try:
        await supervisor.up(ports, [services(ports, env=env)], progress=lambda _: None)
        yield base, tmp_path
    finally:
        supervisor.stop(progress=lambda _: None)


async def test_the_readme_curl_walkthrough_runs_as_written_on_any_port_base(stack: tuple[int, Path]) -> None:
    base, data_dir = stack
    env = os.environ | {"JIP_PORT_BASE": str(base), "JIP_DATA_DIR": str(data_dir)}
    shell = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        STRICT + walkthrough() + LETTER,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group, stopped whole below if it hangs
    )
    try:
        out, err = await asyncio.wait_for(shell.communicate(), 180)
    except TimeoutError:
        os.killpg(shell.pid, signal.SIGKILL)
        out, err = await shell.communicate()
        said = out.decode() + err.decode()
        raise AssertionError(f"the walkthrough did not finish in 180 s:\n{said}") from None
    said = out.decode() + err.decode()
    assert shell.returncode == 0, said
    # The findings letter rebuilt from the log holds the finding the walkthrough recorded, on the evidence it
    # recorded, in the area it scheduled.
    letter = out.decode().split("--- the letter ---", 1)[1]
    assert "Consider exploitation in every missing-person risk assessment." in letter
    assert "in Wakefield" in letter
    assert "1 evidence item from HM Inspectorate of Constabulary" in letter
