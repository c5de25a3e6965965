"""`jip`: the command-line front door of the Joint Inspections Platform."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import httpx

from jip import stack, tokens
from jip.audit import add_commands as add_audit_commands
from jip.clock import add_commands as add_clock_commands
from jip.contracts import add_commands as add_contract_commands
from jip.deadletters import add_commands as add_deadletter_commands
from jip.documents import add_commands as add_document_commands
from jip.evidence import add_commands as add_evidence_commands
from jip.judgements import add_commands as add_judgement_commands
from jip.lscb import add_commands as add_lscb_commands
from jip.scheduling import add_commands as add_scheduling_commands
from jip.stack import DEFAULT_PORT_BASE, Ports, StackError, Supervisor
from jip.tokens import add_commands as add_token_commands
from jip.traces import add_commands as add_trace_commands
from shared.clock import ENGLAND

REPOSITORY = Path(__file__).resolve().parent.parent
REHEARSAL_MARK = "rehearsal"  # in the data directory: its stack is a rehearsal platform


def default_data_dir() -> Path:
    configured = os.environ.get("JIP_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "jip"


def _ports(supervisor: Supervisor, port_base: int | None) -> Ports:
    saved = supervisor.saved_ports()
    if port_base is None:
        return saved or Ports.from_base(DEFAULT_PORT_BASE)
    wanted = Ports.from_base(port_base)
    if saved is not None and saved != wanted and supervisor.running():
        raise StackError(
            f"the stack in {supervisor.data_dir} is running on other ports: "
            "stop it first with `jip stack down`"
        )
    return wanted


def stack_up(args: argparse.Namespace) -> int:
    supervisor = Supervisor(args.data_dir)
    ports = _ports(supervisor, args.port_base)
    stages = stack.infrastructure(args.data_dir, ports)
    rehearsal = _rehearsal(args, supervisor, ports)
    if not args.infra_only:
        auth = tokens.stack_env(args.data_dir)
        env = stack.telemetry_env(args.data_dir) | auth
        if rehearsal:
            env |= stack.REHEARSAL_ENV
        stages.append(stack.services(ports, env=env))
        # The workspace signs users in with the stack's own key, where the services check tokens against it.
        own_key = args.data_dir / "auth" / "signing-key.pem" if auth else None
        stages.append([stack.workspace(ports, signing_key=own_key)])
    kind = "a REHEARSAL stack (its clock can be moved: `jip clock`)" if rehearsal else "the embedded stack"
    print(f"Starting {kind}; data in {args.data_dir}")
    asyncio.run(supervisor.up(ports, stages))
    print("\nReady.")
    if not args.infra_only:
        print(f"  Open {ports.workspace_url} to sign in to the inspection workspace.")
    print(f"  Kafka bootstrap   {ports.kafka_bootstrap}")
    print(f"  MongoDB           {ports.mongodb_uri}")
    if not args.infra_only:
        for name in ports.services:
            print(f"  {name:<17} {ports.service_url(name)}  (API docs: {ports.service_url(name)}/docs)")
        demo = (
            "Try `jip demo --programme cla-2012` (any of the five)."
            if rehearsal
            else "`jip demo` plays a whole inspection on a rehearsal stack: `jip stack down`, then "
            "`jip stack up --rehearsal`."
        )
        print(f"\n{demo} Logs: `jip stack logs NAME`. Traces: `jip traces list`. Stop: `jip stack down`.")
    return 0


def _rehearsal(args: argparse.Namespace, supervisor: Supervisor, ports: Ports) -> bool:
    """Whether the services start as a rehearsal platform's (JIP_ENVIRONMENT=rehearsal): asked for with
    --rehearsal or by the environment, or the stack's already. A data directory once played on a
    rehearsal clock is marked, and stays a rehearsal's: its events are stamped with the moved clock."""
    mark = args.data_dir / REHEARSAL_MARK
    running = stack.running_environment(ports, supervisor.running())
    if args.rehearsal and running == "production":
        raise StackError(
            "the stack's services are running as a production platform: stop them with `jip stack down` "
            "before starting a rehearsal one"
        )
    asked = args.rehearsal or os.environ.get("JIP_ENVIRONMENT") == "rehearsal"
    if not (asked or running == "rehearsal" or mark.exists()):
        return False
    if not mark.exists():
        mark.write_text("The data here was played on a rehearsal clock (JIP_ENVIRONMENT=rehearsal).\n")
    return True


def stack_down(args: argparse.Namespace) -> int:
    supervisor = Supervisor(args.data_dir)
    if not supervisor.running():
        print(f"Nothing is running from {args.data_dir}.")
    supervisor.stop()
    return 0


def stack_status(args: argparse.Namespace) -> int:
    supervisor = Supervisor(args.data_dir)
    ports = supervisor.saved_ports()
    if ports is None:
        print(f"No stack has been started from {args.data_dir}; start one with `jip stack up`.")
        return 1
    running = supervisor.running()
    rows = []
    names = ["objectstore", "kafka", "mongodb", *ports.services, stack.WORKSPACE]
    addresses = {
        "objectstore": ports.objectstore,
        "kafka": ports.kafka,
        "mongodb": ports.mongodb,
        **ports.services,
        stack.WORKSPACE: ports.workspace,
    }
    clock = None  # what a rehearsal stack's clock reads, as its first service says
    for name in names:
        state = "running" if name in running else "stopped"
        if name in ports.services and name in running:
            try:
                health = httpx.get(f"{ports.service_url(name)}/health", timeout=3).json()
                state = f"running, {health['status']}"
                if health.get("environment") == "rehearsal":
                    state, clock = f"{state}, rehearsal", clock or str(health.get("clock"))
            except (httpx.HTTPError, ValueError, KeyError):
                state = "running, not answering"
        if name == stack.WORKSPACE and name in running:
            state = (
                "running, ok" if _answers(f"{ports.workspace_url}/health/live") else "running, not answering"
            )
        rows.append(
            {
                "component": name,
                "state": state,
                "pid": running[name].pid if name in running else None,
                "address": f"127.0.0.1:{addresses[name]}",
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'component':<13} {'state':<22} {'pid':>7}  address")
        for row in rows:
            print(f"{row['component']:<13} {row['state']:<22} {row['pid'] or '-':>7}  {row['address']}")
        if stack.WORKSPACE in running:
            print(f"The inspection workspace: open {ports.workspace_url} to sign in.")
        if clock is not None:
            print(
                f"A REHEARSAL stack (JIP_ENVIRONMENT=rehearsal): its clock reads {_in_england(clock)} in "
                "England, and can be moved forward: `jip clock show`."
            )
    return 0 if len(running) == len(names) else 3


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _in_england(moment: str) -> str:
    try:
        return datetime.fromisoformat(moment).astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return moment


def stack_logs(args: argparse.Namespace) -> int:
    path = Supervisor(args.data_dir).logs / f"{args.component}.log"
    if not path.exists():
        raise StackError(f"no log for {args.component!r} in {path.parent}")
    lines = path.read_text(errors="replace").splitlines()
    print("\n".join(lines[-args.lines :]))
    return 0


def demo(args: argparse.Namespace) -> int:
    from jip.demo import People, run_demo
    from jip.demo.scenario import scenarios

    programmes = list(scenarios()) if args.programme == "all" else [args.programme]
    ports = Supervisor(args.data_dir).saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
    urls = {
        name: os.environ.get(f"JIP_{name.upper()}_URL", ports.service_url(name)) for name in ports.services
    }
    if not (args.data_dir / "auth" / "signing-key.pem").exists():
        raise StackError(
            f"no signing key in {args.data_dir / 'auth'}: start the stack with `jip stack up` first"
        )
    return asyncio.run(run_demo(urls, People(tokens.signer(args.data_dir)), programmes))


def _demo_programmes() -> list[str]:
    """The programmes `jip demo` plays: every one with a scenario (jip/demo/scenarios.toml)."""
    from jip.demo.scenario import scenarios

    return list(scenarios())


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the workspace's browser tests drive it, never a download
# Debian's docker-compose: the deploy tests check the compose file with it (`config` needs no engine).
COMPOSE = Path("/usr/bin/docker-compose")


def ensure_debian(package: str, binary: Path, needed_by: str) -> bool:
    """A Debian package the tests need: installed with apt-get when `binary` is missing and running as
    root; otherwise one line saying what to install (the tests needing it then fail, saying the same)."""
    if binary.exists():
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"jip: {needed_by} need Debian's {package} at {binary}: `sudo apt-get install {package}`")
        return False
    print(f"jip: installing Debian's {package} for {needed_by} (apt-get -y install {package})", flush=True)
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "-y", "-q", "install", package]
    if subprocess.call(install, env=apt) != 0:  # a fresh machine's package lists may be empty: update once
        subprocess.call(["apt-get", "-q", "update"], env=apt)
        subprocess.call(install, env=apt)
    return binary.exists()


def ensure_chromium(binary: Path = CHROMIUM) -> bool:
    return ensure_debian("chromium", binary, "the browser tests")


def run_tests(args: argparse.Namespace, pytest_args: list[str]) -> int:
    if not (REPOSITORY / "tests").is_dir():
        raise StackError(
            "`jip test` runs the test suite of a source checkout; none was found beside this package"
        )
    ensure_chromium()
    ensure_debian("docker-compose", COMPOSE, "the deploy tests")
    command = [sys.executable, "-m", "pytest", *([] if args.all else ["-m", "not slow"]), *pytest_args]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=REPOSITORY)


def parser() -> argparse.ArgumentParser:
    data_dir = argparse.ArgumentParser(add_help=False)
    data_dir.add_argument(
        "--data-dir",
        type=Path,
        default=default_data_dir(),
        help="where the stack keeps its data, logs and state (default: $JIP_DATA_DIR or ~/.local/share/jip)",
    )
    root = argparse.ArgumentParser(
        prog="jip",
        description="Joint Inspections Platform: joint inspections of children's services in England, "
        "run by Ofsted, CQC, HMIC, HMI Probation and HMI Prisons together.",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stack_parser = commands.add_parser(
        "stack",
        help="run the embedded stack: broker, database, the five services and the workspace",
        description="The embedded stack runs everything on loopback ports with "
        "its data under one directory, so it survives a restart.",
    )
    stack_commands = stack_parser.add_subparsers(dest="stack_command", required=True, metavar="ACTION")
    up = stack_commands.add_parser(
        "up",
        parents=[data_dir],
        help="start whatever is not running yet",
        description="Start the object store, tansu broker, SecantusDB, the five "
        "services and the inspection workspace (each a separate process), create the topics, and wait "
        "until every one answers. Starting again is harmless.",
    )
    up.add_argument(
        "--port-base",
        type=int,
        default=None,
        help=f"first of the ports to use (default {DEFAULT_PORT_BASE}, or the ports used last time): "
        "object store N, broker N+1, database N+2, workspace N+10, services N+11..N+15",
    )
    up.add_argument(
        "--infra-only", action="store_true", help="start only the object store, broker and database"
    )
    up.add_argument(
        "--rehearsal",
        action="store_true",
        help="a rehearsal platform (JIP_ENVIRONMENT=rehearsal): its clock can be moved forward with "
        "`jip clock advance`, to play a whole inspection in one sitting; never for real inspections. "
        "The data directory stays a rehearsal's: later `up`s start it so too",
    )
    up.set_defaults(run=stack_up)
    down = stack_commands.add_parser(
        "down",
        parents=[data_dir],
        help="stop everything the stack started",
        description="Stop the services, then the broker, object store and database. "
        "Data stays in the data directory.",
    )
    down.set_defaults(run=stack_down)
    status = stack_commands.add_parser("status", parents=[data_dir], help="show what is running and healthy")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(run=stack_status)
    logs = stack_commands.add_parser("logs", parents=[data_dir], help="print the end of a component's log")
    logs.add_argument("component", help="objectstore, kafka, mongodb, or a service name")
    logs.add_argument("-n", "--lines", type=int, default=40)
    logs.set_defaults(run=stack_logs)

    demo_parser = commands.add_parser(
        "demo",
        parents=[data_dir],
        help="play a whole inspection of a programme, scheduling to publication, on a rehearsal platform",
        description="Play a whole inspection of one programme through the running services, over HTTP: "
        "schedule it and its team, tell the area (on the notice date, or on arrival when unannounced) in "
        "the order scheduling gives, choose the shared sample, record each inspectorate's evidence in the "
        "weeks it is on site, share lines of enquiry, close evidence after the last day, record findings "
        "and the programme's judgements, evaluate the LSCB where the programme does, then draft, "
        "quality-assure, agree, send for factual accuracy, make final and publish the report. An "
        "inspection takes weeks: the demo moves the platform's clock forward to each step's day, which "
        "only a REHEARSAL platform allows (`jip stack up --rehearsal`; never a production one). It prints "
        "each step numbered and dated by the clock, then the published document as the reporting service "
        "rebuilt it from the event log. Service URLs come from the stack's state, or from "
        "JIP_<SERVICE>_URL.",
    )
    demo_parser.add_argument(
        "--programme",
        default="jtai-2015",
        choices=[*_demo_programmes(), "all"],
        help="the programme to play, each in its own area (default jtai-2015: Wakefield); `all` plays the "
        "five in turn, on one clock",
    )
    demo_parser.set_defaults(run=demo)

    add_scheduling_commands(commands, data_dir)
    add_evidence_commands(commands, data_dir)
    add_judgement_commands(commands, data_dir)
    add_lscb_commands(commands, data_dir)
    add_document_commands(commands, data_dir)
    add_contract_commands(commands)
    add_audit_commands(commands, data_dir)
    add_clock_commands(commands, data_dir)
    add_deadletter_commands(commands, data_dir)
    add_trace_commands(commands, data_dir)
    add_token_commands(commands, data_dir)

    test = commands.add_parser(
        "test",
        help="run the test suite against real servers",
        description="Run pytest. The test session starts its own broker and database "
        "on free ports unless KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set. The workspace's browser "
        "tests drive Debian's chromium: installed first with apt-get when missing and run as root. "
        "Other arguments go to pytest.",
    )
    test.add_argument("--all", action="store_true", help="include tests marked slow")
    test.set_defaults(run=run_tests)
    return root


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    if extra and args.command != "test":
        parser().error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        if args.command == "test":
            return run_tests(args, extra)
        code: int = args.run(args)
        return code
    except StackError as exc:
        print(f"jip: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("jip: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `jip demo | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
