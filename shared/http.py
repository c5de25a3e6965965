"""What every service's HTTP API shares: who is asking, clear errors, optimistic concurrency headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import FastAPI, Header, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute

from shared.envelope import Actor, Inspectorate, new_id
from shared.errors import ConcurrencyConflict, NotFound, RuleViolation
from shared.eventstore import CommandContext
from shared.metrics import Metrics

ACTOR_HEADERS = "X-Actor-Inspectorate, X-Actor-Role and X-Actor-User"


def command_context(
    x_actor_inspectorate: Annotated[
        str | None, Header(description="ofsted, cqc, hmic, hmi_probation, ...")
    ] = None,
    x_actor_role: Annotated[str | None, Header(description="e.g. inspector, lead_inspector")] = None,
    x_actor_user: Annotated[str | None, Header(description="the user's id (not their name)")] = None,
    x_correlation_id: Annotated[str | None, Header()] = None,
    x_request_id: Annotated[str | None, Header()] = None,
) -> CommandContext:
    """Every command says who makes it. An identity gateway in front of the platform sets these headers."""
    if not (x_actor_inspectorate and x_actor_role and x_actor_user):
        raise HTTPException(401, f"commands must say who makes them: send {ACTOR_HEADERS}")
    try:
        inspectorate = Inspectorate(x_actor_inspectorate)
    except ValueError:
        known = ", ".join(i.value for i in Inspectorate)
        raise HTTPException(
            401, f"X-Actor-Inspectorate {x_actor_inspectorate!r} is not one of: {known}"
        ) from None
    try:
        actor = Actor(inspectorate=inspectorate, role=x_actor_role, user=x_actor_user)
        return CommandContext(
            actor=actor, correlation_id=x_correlation_id or new_id(), causation_id=x_request_id or new_id()
        )
    except ValueError as exc:
        raise HTTPException(401, f"invalid actor or correlation headers: {exc}") from None


def expected_version(
    if_match: Annotated[str | None, Header(description='stream version read, e.g. "3"')] = None,
) -> int | None:
    """`If-Match: "<version>"` makes a command fail with 409 if the stream has moved on since."""
    if if_match is None:
        return None
    try:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise HTTPException(400, 'If-Match must be a stream version such as "3"') from None


def set_version(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Why a command was refused when its handler did not say (an HTTPException raised on the way in).
REASON_OF_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


def count_commands(app: FastAPI, metrics: Metrics) -> None:
    """Every command (a POST, PUT, PATCH or DELETE) counted as accepted or rejected, by its route
    template (never its path, which holds ids) and, when rejected, by reason and the rule it broke."""

    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method not in COMMAND_METHODS:
            return await call_next(request)
        response = await call_next(request)
        route: BaseRoute | None = request.scope.get("route")
        attributes = {
            "http.request.method": request.method,
            "http.route": getattr(route, "path", "unmatched"),
        }
        if response.status_code < 400:
            attributes["jip.outcome"] = "accepted"
        elif response.status_code >= 500:
            attributes["jip.outcome"] = "failed"
        else:
            attributes["jip.outcome"] = "rejected"
            attributes["jip.rejection.reason"] = getattr(
                request.state, "rejection", REASON_OF_STATUS.get(response.status_code, "other")
            )
            rule = getattr(request.state, "rule", None)
            if rule:
                attributes["jip.rule"] = rule
        metrics.commands.add(1, attributes)
        return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, exc: RuleViolation) -> JSONResponse:
        request.state.rejection, request.state.rule = "rule_violation", exc.rule
        return JSONResponse({"error": "rule_violation", "detail": exc.message, "rule": exc.rule}, 422)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        request.state.rejection = "not_found"
        return JSONResponse({"error": "not_found", "detail": str(exc)}, 404)

    @app.exception_handler(ConcurrencyConflict)
    async def conflict(request: Request, exc: ConcurrencyConflict) -> JSONResponse:
        request.state.rejection = "conflict"
        return JSONResponse({"error": "conflict", "detail": str(exc)}, 409)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        request.state.rejection = "invalid_request"
        problems = [
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in exc.errors()
        ]
        return JSONResponse(
            {
                "error": "invalid_request",
                "detail": "; ".join(problems),
                "errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()],
            },
            422,
        )
