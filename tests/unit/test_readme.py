"""The README's curl walkthrough must keep matching the services' APIs, so it cannot rot."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import shlex
import typing
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from jip import cli, client
from jip.commands import COMMANDS
from jip.commands.tokens import parse_actor
from services.evidence.api import ACCESS as EVIDENCE_ACCESS
from services.evidence.api import router as evidence
from services.judgement.api import ACCESS as JUDGEMENT_ACCESS
from services.judgement.api import router as judgement
from services.lscb.api import ACCESS as LSCB_ACCESS
from services.lscb.api import router as lscb
from services.reporting.api import ACCESS as REPORTING_ACCESS
from services.reporting.api import router as reporting
from services.scheduling.api import ACCESS as SCHEDULING_ACCESS
from services.scheduling.api import router as scheduling
from shared.mechanics.auth import READERS

README = Path(__file__).resolve().parents[2] / "README.md"
SERVICES = {"S": scheduling, "E": evidence, "J": judgement, "L": lscb, "R": reporting}
ACCESS = {
    "S": SCHEDULING_ACCESS,
    "E": EVIDENCE_ACCESS,
    "J": JUDGEMENT_ACCESS,
    "L": LSCB_ACCESS,
    "R": REPORTING_ACCESS,
}
STAND_INS = {"'$FIELDWORK'": "2031-03-10", "'$ITEM'": "an-evidence-item-id"}


def walkthrough() -> list[str]:
    """The curl commands of the walkthrough block, with continued lines joined: those in `$(...)` too, without
    the `| keep FIELD` that keeps a field of the answer. (tests/e2e/test_readme_walkthrough.py runs it.)"""
    block = next(
        b for b in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S) if "B=${JIP_PORT_BASE" in b
    )
    joined = block.replace("\\\n", " ").replace(",\n  ", ", ")  # shell continuations; JSON bodies over lines
    return [c for line in joined.splitlines() for c in re.findall(r"curl -s .*?(?= \| keep |$)", line)]


def route_for(router: APIRouter, method: str, path: str) -> APIRoute:
    for context in iter_route_contexts(router.routes):  # its own routes and those of the routers it includes
        route = context.original_route
        if (
            isinstance(route, APIRoute)
            and method in (route.methods or set())
            and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", route.path), path)
        ):
            return route
    raise AssertionError(f"{method} {path} is not served by the {router.tags} service")


def body_model(route: APIRoute) -> type[BaseModel]:
    hints = typing.get_type_hints(route.endpoint)
    hints.pop("return", None)
    models = [h for h in hints.values() if isinstance(h, type) and issubclass(h, BaseModel)]
    assert len(models) == 1, route.path
    return models[0]


def test_the_walkthrough_has_the_inspection_s_steps() -> None:
    paths = [re.search(r"\$[SEJLR](/\S*)", c).group(1) for c in walkthrough()]  # type: ignore[union-attr]
    assert paths == [
        "/programmes/jtai-2015/earliest-fieldwork",
        "/inspections",
        "/inspections/$ID",
        "/inspections/$ID/notifications",
        "/inspections/$ID/notifications",
        "/inspections/$ID/samples/shared/cases",
        "/inspections/$ID/evidence",
        "/inspections/$ID/triangulation",
        "/inspections/$ID/evidence/$ITEM",
        "/inspections/$ID/evidence-profile",
        "/inspections/$ID/findings",
        "/inspections/$ID/report",
    ]


@pytest.mark.parametrize("command", walkthrough())
def test_each_walkthrough_request_matches_the_api(command: str) -> None:
    letter, path = re.search(r"\$([SEJLR])(/\S*)", command).groups()  # type: ignore[union-attr]
    body = re.search(r" -d '(.*)'$", command)
    route = route_for(SERVICES[letter], "POST" if body else "GET", path.replace("$ID", "an-inspection-id"))
    if body:
        text = body.group(0)[4:]
        for stand_in, value in STAND_INS.items():
            text = text.replace(stand_in, value)
        body_model(route).model_validate(json.loads(text.strip("'")))
    if '-H "$json"' in command or body:
        assert '"${' in command, "commands name who makes them"


@pytest.mark.parametrize("command", walkthrough())
def test_each_walkthrough_request_is_made_by_a_role_that_may_make_it(command: str) -> None:
    """The token each request sends (`jip token INSPECTORATE:ROLE`) is one its endpoint allows."""
    tokens = dict(
        re.findall(r'^(\w+)=\(-H "Authorization: Bearer \$\(bin/jip token (\S+)', README.read_text(), re.M)
    )
    sender = re.search(r'"\$\{(\w+)\[@\]\}"', command)
    assert sender, "every request sends a token"
    role = tokens[sender.group(1)].split(":")[1]
    letter, path = re.search(r"\$([SEJLR])(/\S*)", command).groups()  # type: ignore[union-attr]
    method = "POST" if " -d '" in command else "GET"
    route = route_for(SERVICES[letter], method, path.replace("$ID", "an-inspection-id"))
    allowed = ACCESS[letter].get((method, route.path), READERS if method == "GET" else frozenset())
    assert role in allowed, f"{role} may not {method} {route.path}"


# --- the README's `bin/jip` examples -----------------------------------------------------------------

LETTERS = {"scheduling": "S", "evidence": "E", "judgement": "J", "lscb": "L", "reporting": "R"}
PLACEHOLDERS = {"ID": "insp-1", "ITEM": "item-1", "INSPECTOR": "inspector-1", "...": "Text."}


def jip_examples() -> list[str]:
    """Every `bin/jip` line of the README's bash blocks that asks a service, continued lines joined."""
    lines: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = line.split("  #")[0].strip()
            first = command.split()[1] if command.startswith("bin/jip ") else ""
            rebuild = command.startswith("bin/jip documents rebuild")  # replays the log itself
            if first in COMMANDS and COMMANDS[first].module not in NOT_A_SERVICE_CALL and not rebuild:
                lines.extend(part.strip() for part in command.split("&&"))
    return lines


# Commands that read the log or the stack themselves, or the clock every service serves alike.
NOT_A_SERVICE_CALL = {
    "jip.commands.stack",
    "jip.commands.programmes",
    "jip.commands.testing",
    "jip.commands.contracts",
    "jip.commands.audit",
    "jip.commands.traces",
    "jip.commands.deadletters",
    "jip.commands.clock",
    "jip.commands.tokens",
}


@pytest.mark.parametrize("example", jip_examples())
def test_each_jip_example_of_the_readme_parses_and_asks_as_a_role_the_service_allows(
    example: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The README's `bin/jip` examples run as written: they parse, and every request they make is sent
    as (--as, or the default actor) a role its endpoint allows (issue 22 point 10: `jip inspectors
    register --as cqc` was an inspector's, and refused)."""
    argv = [PLACEHOLDERS.get(word, word) for word in shlex.split(example)[1:]]
    sent: list[tuple[str, str, str, str]] = []

    def send(args: argparse.Namespace, method: str, path: str, body: object = None, **options: Any) -> Any:
        sent.append((args.actor, options.get("service", "scheduling"), method, path))
        raise Answered

    monkeypatch.setattr(client.Service, "send", lambda svc, *a, **k: send(*a, service=svc.name, **k))
    monkeypatch.setenv("JIP_DATA_DIR", str(tmp_path))
    with contextlib.suppress(Answered), contextlib.redirect_stdout(io.StringIO()):
        cli.main(argv)
    assert sent, f"{example}: asks no service"
    for actor, service, method, path in sent:
        letter = LETTERS[service]
        route = route_for(SERVICES[letter], method, path.split("?")[0])
        allowed = ACCESS[letter].get((method, route.path), READERS if method == "GET" else frozenset())
        role = parse_actor(actor)[1]
        assert role in allowed, f"{example}: {role} may not {method} {route.path}"


class Answered(Exception):
    """The stand-in service has seen the request."""
