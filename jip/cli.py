"""`jip`: the command-line front door of the Joint Inspections Platform."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from jip import stack, tokens
from jip.audit import add_commands as add_audit_commands
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

REPOSITORY = Path(__file__).resolve().parent.parent


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
    if not args.infra_only:
        env = stack.telemetry_env(args.data_dir) | tokens.stack_env(args.data_dir)
        stages.append(stack.services(ports, env=env))
    print(f"Starting the embedded stack; data in {args.data_dir}")
    asyncio.run(supervisor.up(ports, stages))
    print("\nReady.")
    print(f"  Kafka bootstrap   {ports.kafka_bootstrap}")
    print(f"  MongoDB           {ports.mongodb_uri}")
    if not args.infra_only:
        for name in ports.services:
            print(f"  {name:<17} {ports.service_url(name)}  (API docs: {ports.service_url(name)}/docs)")
        print(
            "\nTry `jip demo`. Logs: `jip stack logs NAME`. Traces: `jip traces list`. "
            "Stop: `jip stack down`."
        )
    return 0


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
    names = ["objectstore", "kafka", "mongodb", *ports.services]
    addresses = {
        "objectstore": ports.objectstore,
        "kafka": ports.kafka,
        "mongodb": ports.mongodb,
        **ports.services,
    }
    for name in names:
        state = "running" if name in running else "stopped"
        if name in ports.services and name in running:
            try:
                health = httpx.get(f"{ports.service_url(name)}/health", timeout=3).json()
                state = f"running, {health['status']}"
            except (httpx.HTTPError, ValueError, KeyError):
                state = "running, not answering"
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
    return 0 if len(running) == len(names) else 3


def stack_logs(args: argparse.Namespace) -> int:
    path = Supervisor(args.data_dir).logs / f"{args.component}.log"
    if not path.exists():
        raise StackError(f"no log for {args.component!r} in {path.parent}")
    lines = path.read_text(errors="replace").splitlines()
    print("\n".join(lines[-args.lines :]))
    return 0


def demo(args: argparse.Namespace) -> int:
    from jip.demo import People, run_demo

    ports = Supervisor(args.data_dir).saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
    urls = {
        name: os.environ.get(f"JIP_{name.upper()}_URL", ports.service_url(name)) for name in ports.services
    }
    if not (args.data_dir / "auth" / "signing-key.pem").exists():
        raise StackError(
            f"no signing key in {args.data_dir / 'auth'}: start the stack with `jip stack up` first"
        )
    return asyncio.run(run_demo(urls, People(tokens.signer(args.data_dir))))


def run_tests(args: argparse.Namespace, pytest_args: list[str]) -> int:
    if not (REPOSITORY / "tests").is_dir():
        raise StackError(
            "`jip test` runs the test suite of a source checkout; none was found beside this package"
        )
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
        help="run the embedded stack: broker, database and the five services",
        description="The embedded stack runs everything on loopback ports with "
        "its data under one directory, so it survives a restart.",
    )
    stack_commands = stack_parser.add_subparsers(dest="stack_command", required=True, metavar="ACTION")
    up = stack_commands.add_parser(
        "up",
        parents=[data_dir],
        help="start whatever is not running yet",
        description="Start the object store, tansu broker, SecantusDB and the five "
        "services (each a separate process), create the topics, and wait "
        "until every one answers. Starting again is harmless.",
    )
    up.add_argument(
        "--port-base",
        type=int,
        default=None,
        help=f"first of the ports to use (default {DEFAULT_PORT_BASE}, or the ports used last time): "
        "object store N, broker N+1, database N+2, services N+11..N+15",
    )
    up.add_argument(
        "--infra-only", action="store_true", help="start only the object store, broker and database"
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
        help="play a joint targeted area inspection through the running platform",
        description="Schedule a JTAI, notify the LSCB chair and agency leaders, record evidence from several "
        "inspectorates, record findings and the LSCB evaluation, then print the findings letter that "
        "the reporting service rebuilt from the event log. Service URLs come from the stack's state, "
        "or from JIP_<SERVICE>_URL.",
    )
    demo_parser.set_defaults(run=demo)

    add_scheduling_commands(commands, data_dir)
    add_evidence_commands(commands, data_dir)
    add_judgement_commands(commands, data_dir)
    add_lscb_commands(commands, data_dir)
    add_document_commands(commands, data_dir)
    add_contract_commands(commands)
    add_audit_commands(commands, data_dir)
    add_deadletter_commands(commands, data_dir)
    add_trace_commands(commands, data_dir)
    add_token_commands(commands, data_dir)

    test = commands.add_parser(
        "test",
        help="run the test suite against real servers",
        description="Run pytest. The test session starts its own broker and database "
        "on free ports unless KAFKA_BOOTSTRAP_SERVERS and MONGODB_URI are set. "
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
