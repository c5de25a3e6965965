"""The README's curl walkthrough must keep matching the services' APIs, so it cannot rot."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel

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
from shared.auth import READERS

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
    """The curl commands of the walkthrough block, with continued lines joined."""
    block = next(
        b for b in re.findall(r"```bash\n(.*?)```", README.read_text(), re.S) if b.startswith("S=http")
    )
    joined = block.replace("\\\n", " ").replace(",\n  ", ", ")  # shell continuations; JSON bodies over lines
    return [line for line in joined.splitlines() if line.startswith("curl")]


def route_for(router: APIRouter, method: str, path: str) -> APIRoute:
    for route in router.routes:
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
        "/inspections",
        "/inspections/$ID/notifications",
        "/inspections/$ID/notifications",
        "/inspections/$ID/samples/shared/cases",
        "/inspections/$ID/evidence",
        "/inspections/$ID/triangulation",
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
