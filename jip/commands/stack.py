"""`jip stack` and `jip demo`: the embedded stack, run on loopback ports, and a whole inspection played
on it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from embedded.components import (
    REHEARSAL_ENV,
    checkpointer,
    infrastructure,
    services,
    telemetry_env,
    workspace,
)
from embedded.errors import StackError
from embedded.ports import CHECKPOINTER, DEFAULT_PORT_BASE, WORKSPACE, Ports
from embedded.supervisor import DEFAULT_READY_WITHIN, READY_WITHIN, Supervisor, running_environment
from jip.commands import summary
from jip.commands.tokens import signer, stack_env

ENGLAND = ZoneInfo(
    "Europe/London"
)  # as shared/mechanics/clock.py, whose imports (pymongo) `jip stack` needs not
REHEARSAL_MARK = "rehearsal"  # in the data directory: its stack is a rehearsal platform


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
    stages = infrastructure(args.data_dir, ports)
    rehearsal = _rehearsal(args, supervisor, ports)
    if not args.infra_only:
        auth = stack_env(args.data_dir)
        env = telemetry_env(args.data_dir) | auth
        if rehearsal:
            env |= REHEARSAL_ENV
        stages.append(services(ports, env=env))
        # The workspace signs users in with the stack's own key, where the services check tokens against it.
        own_key = args.data_dir / "auth" / "signing-key.pem" if auth else None
        stages.append([workspace(ports, signing_key=own_key), checkpointer(args.data_dir)])
    kind = "a REHEARSAL stack (its clock can be moved: `jip clock`)" if rehearsal else "the embedded stack"
    print(f"Starting {kind}; data in {args.data_dir}")
    asyncio.run(supervisor.up(ports, stages, ready_within=args.ready_within))
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


def _seconds(given: str) -> float:
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{given!r} is not a number of seconds above 0, such as 120")
    return seconds


def _rehearsal(args: argparse.Namespace, supervisor: Supervisor, ports: Ports) -> bool:
    """Whether the services start as a rehearsal platform's (JIP_ENVIRONMENT=rehearsal): asked for with
    --rehearsal or by the environment, or the stack's already. A data directory once played on a
    rehearsal clock is marked, and stays a rehearsal's: its events are stamped with the moved clock."""
    mark = args.data_dir / REHEARSAL_MARK
    running = running_environment(ports, supervisor.running())
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
    names = ["objectstore", "kafka", "mongodb", *ports.services, WORKSPACE, CHECKPOINTER]
    addresses = {
        "objectstore": ports.objectstore,
        "kafka": ports.kafka,
        "mongodb": ports.mongodb,
        **ports.services,
        WORKSPACE: ports.workspace,
        CHECKPOINTER: 0,
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
        if name == WORKSPACE and name in running:
            state = (
                "running, ok" if _answers(f"{ports.workspace_url}/health/live") else "running, not answering"
            )
        rows.append(
            {
                "component": name,
                "state": state,
                "pid": running[name].pid if name in running else None,
                "address": f"127.0.0.1:{addresses[name]}" if addresses[name] else "-",
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'component':<13} {'state':<22} {'pid':>7}  address")
        for row in rows:
            print(f"{row['component']:<13} {row['state']:<22} {row['pid'] or '-':>7}  {row['address']}")
        if WORKSPACE in running:
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
    from embedded.demo import People, run_demo
    from embedded.demo.scenario import scenarios

    programmes = list(scenarios()) if args.programme == "all" else [args.programme]
    ports = Supervisor(args.data_dir).saved_ports() or Ports.from_base(DEFAULT_PORT_BASE)
    urls = {
        name: os.environ.get(f"JIP_{name.upper()}_URL", ports.service_url(name)) for name in ports.services
    }
    if not (args.data_dir / "auth" / "signing-key.pem").exists():
        raise StackError(
            f"no signing key in {args.data_dir / 'auth'}: start the stack with `jip stack up` first"
        )
    return asyncio.run(run_demo(urls, People(signer(args.data_dir)), programmes))


SCENARIOS = Path(__file__).resolve().parents[2] / "embedded" / "demo" / "scenarios.toml"


def _demo_programmes() -> list[str]:
    """The programmes `jip demo` plays: every one with a scenario (embedded/demo/scenarios.toml), read
    from the file's tables alone: every `jip stack` command builds this parser, and checking the scenarios
    against the programmes (embedded/demo/scenario.py) takes seconds of imports; `jip demo` does."""
    with SCENARIOS.open("rb") as file:
        return list(tomllib.load(file))


def add_commands(commands: Any, data_dir: argparse.ArgumentParser) -> None:
    stack_parser = commands.add_parser(
        "stack",
        help=summary("stack"),
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
    up.add_argument(
        "--ready-within",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"how long each part may take to answer before `up` gives up and stops what it started "
        f"(default ${READY_WITHIN}, or {DEFAULT_READY_WITHIN:g}); raise it on a slow or busy machine",
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
    logs.add_argument("-n", "--lines", type=int, default=40, help="how many of the last lines (default 40)")
    logs.set_defaults(run=stack_logs)

    demo_parser = commands.add_parser(
        "demo",
        parents=[data_dir],
        help=summary("demo"),
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
