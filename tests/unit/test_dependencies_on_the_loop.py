"""Every dependency of every route runs on the event loop: FastAPI runs a plain `def` dependency in its
thread pool, a hop to a worker thread and back for each one of each request. Under the pipeline benchmark
the evidence service made ~6 such hops a command (b89cb27 made its dependencies coroutines), and each
workspace page two. None of them blocks, so each is a coroutine; one that does block (verifying a token
against an OIDC provider's JWKS, which may fetch it) hands that work to a thread itself (auth.py)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.security.base import SecurityBase

from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.lscb.app import build as lscb
from services.reporting.app import build as reporting
from services.scheduling.app import build as scheduling
from services.workspace.app import build as workspace
from services.workspace.settings import WorkspaceSettings
from shared.mechanics.settings import Settings


def apps(public_key: Path) -> dict[str, FastAPI]:
    platform = Settings(auth_public_key_file=public_key)
    built: dict[str, Callable[[Settings], Any]] = {
        "scheduling": scheduling,
        "evidence": evidence,
        "judgement": judgement,
        "lscb": lscb,
        "reporting": reporting,
    }
    found = {name: build(platform).app for name, build in built.items()}
    found["workspace"] = workspace(WorkspaceSettings(), platform)
    return found


def routes(app: FastAPI) -> Iterator[tuple[str, Dependant]]:
    """Each API route's path and dependencies, those of the routers it is included by among them."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is not None:
            yield route.path or "", dependant


def calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from calls(dependency)


def on_the_loop(call: Callable[..., Any]) -> bool:
    if isinstance(call, SecurityBase):  # FastAPI's own schemes (HTTPBearer): `async def __call__`
        return inspect.iscoroutinefunction(type(call).__call__)
    return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)


def test_every_dependency_of_every_route_of_every_service_is_a_coroutine(public_key: Path) -> None:
    checked, threaded = 0, []
    for name, app in apps(public_key).items():
        for path, dependant in routes(app):
            for call in calls(dependant):
                checked += 1
                if not on_the_loop(call):
                    threaded.append(f"{name} {path}: {getattr(call, '__qualname__', call)}")
    assert checked > 200  # every service's commands and reads, and the workspace's pages
    assert not threaded, "run in a worker thread on each request:\n" + "\n".join(sorted(set(threaded)))


@pytest.mark.parametrize("name", ["evidence", "workspace"])
def test_the_check_sees_a_plain_function(name: str, public_key: Path) -> None:
    """The check itself: a plain function among a route's dependencies is found."""

    def blocking() -> None:
        """A stand-in dependency that FastAPI would run in a worker thread."""

    assert not on_the_loop(blocking)
    _, dependant = next(r for r in routes(apps(public_key)[name]) if r[1].dependencies)
    dependant.dependencies[0].dependencies.append(Dependant(call=blocking))
    assert blocking in list(calls(dependant))
