"""The Supervisor of the embedded stack: it starts its components (embedded/components.py) in order, probes
each until it answers, records what runs in the data directory's state file so a later command finds it,
and stops them; anything that goes wrong becomes a one-line StackError saying what to do.

The data directory holds the database files, the subject keyring that unwraps the keys in them, the
signing key and the logs: it is made readable by its owner only, and so is everything the stack creates
in it (private_data_dir).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import httpx

from embedded.components import Component
from embedded.errors import StackError
from embedded.ports import DEFAULT_PORT_BASE, KEYRING, Ports
from embedded.private import PRIVATE, Progress, private_file

if TYPE_CHECKING:  # imported when asked for: FastAPI, pymongo and PyJWT, which `jip stack` needs not
    from shared.mechanics.settings import Settings


@dataclass
class Running:
    pid: int
    port: int
    argv: list[str]
    log: str


def running_environment(ports: Ports, running: Mapping[str, Running]) -> str | None:
    """What the stack's running services are, as their /health says: a "rehearsal" or a "production"
    platform (None if none answers). A service started again beside them must be the same, or it would
    read another clock."""
    for name in ports.services:
        if name in running:
            try:
                health = httpx.get(f"{ports.service_url(name)}/health", timeout=3).json()
            except (httpx.HTTPError, ValueError):
                continue
            return "rehearsal" if health.get("environment") == "rehearsal" else "production"
    return None


class Supervisor:
    """Starts, tracks and stops components; its state file lets a later command find them."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.state_file = data_dir / "stack.json"
        self.logs = data_dir / "logs"
        self.keyring = data_dir / KEYRING

    # --- state ---------------------------------------------------------------------------
    def _state(self) -> tuple[Ports | None, dict[str, Running]]:
        """The ports last used and the components last started, in start order."""
        if not self.state_file.exists():
            return None, {}
        raw = json.loads(self.state_file.read_text())
        ports = Ports(**raw["ports"]) if raw.get("ports") else None
        return ports, {name: Running(**entry) for name, entry in raw.get("components", {}).items()}

    def running(self) -> dict[str, Running]:
        return {name: r for name, r in self._state()[1].items() if _alive(r)}

    def saved_ports(self) -> Ports | None:
        return self._state()[0]

    def _save(self, ports: Ports, components: dict[str, Running]) -> None:
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        state = {"ports": asdict(ports), "components": {n: asdict(r) for n, r in components.items()}}
        with private_file(self.state_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) as out:
            out.write(json.dumps(state, indent=2).encode())

    # --- up / down -------------------------------------------------------------------------
    async def up(
        self,
        ports: Ports,
        stages: Sequence[Sequence[Component]],
        progress: Progress = print,
        ready_within: float | None = None,
    ) -> None:
        """Start each stage's components together, the stages one after another, each given
        `ready_within` seconds (ready_limit() if None) to answer. If one cannot start (its port taken, its
        process exiting, no answer in time), the others of its stage stop waiting, and every component
        this call started is stopped again: a stack is never left half up, unknown to `stack down`."""
        limit = ready_limit() if ready_within is None else ready_within
        self.logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        running = self.running()
        started: list[str] = []
        try:
            for stage in stages:
                waiting = []
                for component in stage:
                    if component.name in running:
                        progress(
                            f"  {component.name:<12} already running (pid {running[component.name].pid}, "
                            f"port {component.port})"
                        )
                        continue
                    _require_free(component)
                    running[component.name] = self._spawn(component)
                    started.append(component.name)
                    self._save(ports, running)  # at once: a later failure must find it to stop it
                    waiting.append(component)
                tasks = [
                    asyncio.create_task(self._start(c, running[c.name], limit, progress)) for c in waiting
                ]
                try:
                    await asyncio.gather(*tasks)
                finally:  # the first to fail: the others of its stage stop waiting
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
        except BaseException as failure:  # a StackError, Ctrl-C or a cancelled caller
            if started:
                self.stop(started, progress=progress)
            if not (started and isinstance(failure, StackError)):
                raise
            raise StackError(f"{failure}; stopped what it had started ({', '.join(started)})") from None

    async def _start(self, component: Component, running: Running, limit: float, progress: Progress) -> None:
        started = time.monotonic()
        await self._wait_ready(component, running, limit)
        if component.after_start is not None:
            await component.after_start()
        where = f" on 127.0.0.1:{component.port}" if component.port else ""
        progress(f"  {component.name:<12} up{where} ({time.monotonic() - started:.1f} s)")

    def _spawn(self, component: Component) -> Running:
        log_path = self.logs / f"{component.name}.log"
        env = dict(component.env)
        if component.subject_keys and "JIP_SUBJECT_KEYRING_FILE" not in {*env, *os.environ}:
            self.keyring.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            env["JIP_SUBJECT_KEYRING_FILE"] = str(self.keyring)  # made by the first service to need it
        with private_file(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND) as log:
            log.write(
                f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(component.argv)}\n".encode()
            )
            log.flush()
            process = _popen(component.argv, env, log)
        return Running(process, component.port, component.argv, str(log_path))

    async def _wait_ready(self, component: Component, running: Running, limit: float) -> None:
        deadline = time.monotonic() + limit
        while True:
            exited = _exit_status(running.pid)
            if exited is not None:
                raise StackError(
                    f"the {component.what} exited during start-up ({exited}); last log line: "
                    f"{_last_line(running.log)!r} (see {running.log})"
                )
            try:
                await component.probe()
                return
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise StackError(
                        f"the {component.what} did not come up within {limit:g} s "
                        f"({type(exc).__name__}); read its log {running.log} (`jip stack logs "
                        f"{component.name}`), and on a slow or busy machine allow it longer with "
                        f"`jip stack up --ready-within {max(2 * limit, 60):g}` or "
                        f"{READY_WITHIN}={max(2 * limit, 60):g}"
                    ) from None
            await asyncio.sleep(0.05)

    def stop(
        self, names: Sequence[str] | None = None, progress: Progress = print, timeout: float = 15.0
    ) -> None:
        """Stop components in reverse start order: SIGTERM, then SIGKILL after `timeout` seconds."""
        ports, components = self._state()
        for name in [n for n in reversed(list(components)) if names is None or n in names]:
            running = components.pop(name)
            if _alive(running):
                os.killpg(running.pid, signal.SIGTERM)
                deadline = time.monotonic() + timeout
                while _alive(running) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if _alive(running):
                    os.killpg(running.pid, signal.SIGKILL)
                    progress(f"  {name:<12} killed (did not stop within {timeout:.0f} s)")
                else:
                    progress(f"  {name:<12} stopped")
            _reap(running.pid)
        if ports is not None:
            self._save(ports, components)

    def kill(self, name: str) -> None:
        """SIGKILL one component, as a crash would (fault tests)."""
        running = self.running().get(name)
        if running is not None:
            os.killpg(running.pid, signal.SIGKILL)
            while _alive(running):
                time.sleep(0.02)


READY_WITHIN = "JIP_READY_WITHIN"  # seconds each component is given to answer (`--ready-within`)
DEFAULT_READY_WITHIN = 60.0  # ample on a busy machine: on an idle one a service answers within 2 s


def ready_limit() -> float:
    """The readiness limit: $JIP_READY_WITHIN seconds, or DEFAULT_READY_WITHIN."""
    given = os.environ.get(READY_WITHIN)
    if given is None:
        return DEFAULT_READY_WITHIN
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise StackError(f"{READY_WITHIN}={given!r} is not a number of seconds above 0, such as 120")
    return seconds


_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # started by this interpreter: poll() reaps them


def process_environment(given: Mapping[str, str]) -> dict[str, str]:
    """A component's environment: this process's, with `given` over it. Where PYTHONDONTWRITEBYTECODE
    is set, a Python component would compile every module it imports from source at each start (seconds
    of a service's start-up): it keeps its bytecode in <the virtual environment>/pycache instead
    (PYTHONPYCACHEPREFIX, unless set), so the checkout gains no __pycache__ folders either way."""
    env = {**os.environ, **given}
    if env.get("PYTHONDONTWRITEBYTECODE"):
        del env["PYTHONDONTWRITEBYTECODE"]
        env.setdefault("PYTHONPYCACHEPREFIX", str(Path(sys.prefix) / "pycache"))
    return env


def _popen(argv: list[str], env: dict[str, str], log: BinaryIO) -> int:
    process = subprocess.Popen(
        argv,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=process_environment(env),
        start_new_session=True,
        umask=PRIVATE,  # what the component writes (database files, objects, spans, the keyring) is its own
    )
    _CHILDREN[process.pid] = process
    return process.pid


def _exit_status(pid: int) -> str | None:
    process = _CHILDREN.get(pid)
    if process is not None and process.poll() is not None:
        return f"exit code {process.returncode}"
    return None if _pid_alive(pid) else "exited"


def _reap(pid: int) -> None:
    process = _CHILDREN.pop(pid, None)
    if process is not None:
        process.wait()


def _pid_alive(pid: int) -> bool:
    process = _CHILDREN.get(pid)
    if process is not None:
        return process.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(running: Running) -> bool:
    """Alive, and still the process we started: a pid can be reused after a reboot. A script's
    command line starts with its interpreter, so compare the arguments after the program. A process this
    interpreter started is ours whatever its command line says: just started, it may not have exec'd yet,
    and a stop that took it for gone would wait for it forever."""
    if not _pid_alive(running.pid):
        return False
    if running.pid in _CHILDREN:
        return True
    try:
        cmdline = [a.decode() for a in Path(f"/proc/{running.pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return False
    arguments = running.argv[1:]
    return cmdline[len(cmdline) - len(arguments) :] == arguments


def _require_free(component: Component) -> None:
    if not component.port:  # a component that listens on no port
        return
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", component.port))
        except OSError:
            raise StackError(
                f"port {component.port} for the {component.what} is in use by another program: "
                f"stop that program, or use other ports with `jip stack up --port-base N`"
            ) from None


def _last_line(path: str) -> str:
    try:
        lines = Path(path).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][-200:] if lines else ""


def settings_of_stack(data_dir: Path) -> Settings:
    """The broker and database of the stack in `data_dir`, for a command that reads the log or a read
    model itself, unless $JIP_KAFKA_BOOTSTRAP_SERVERS and $JIP_MONGODB_URI say where they are;
    $JIP_NAMESPACE and $JIP_KAFKA_PROFILE apply as in a service."""
    from shared.mechanics.settings import Settings

    supervisor = Supervisor(data_dir)
    ports = supervisor.saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
    embedded = {
        "JIP_KAFKA_BOOTSTRAP_SERVERS": ("kafka", "kafka_bootstrap_servers", ports.kafka_bootstrap),
        "JIP_MONGODB_URI": ("mongodb", "mongodb_uri", ports.mongodb_uri),
    }
    given: dict[str, Any] = {}
    for variable, (component, setting, value) in embedded.items():
        if variable in os.environ:
            continue
        if component not in supervisor.running():
            raise StackError(
                f"the stack's {component} is not running from {data_dir}: start it with "
                f"`jip stack up`, or set {variable}"
            )
        given[setting] = value
    if given and "JIP_KAFKA_PROFILE" not in os.environ:
        given["kafka_profile"] = "tansu"
    return Settings(**given)
