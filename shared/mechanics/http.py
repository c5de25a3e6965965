"""What every service's HTTP API shares: who is asking, clear errors, optimistic concurrency headers, and
the limits on what a request may send and how long it may wait on the database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from pymongo import timeout
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, ServerSelectionTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.mechanics.auth import AccessDenied, Principal, authenticated, record_denial
from shared.mechanics.clock import NotRehearsal
from shared.mechanics.envelope import IDENTIFIER_PATTERN, new_id
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.mechanics.eventstore import CommandContext
from shared.mechanics.metrics import Metrics

T = TypeVar("T")
log = logging.getLogger(__name__)


async def command_context(
    principal: Annotated[Principal, Depends(authenticated)],
    x_correlation_id: Annotated[str | None, Header(max_length=128, pattern=IDENTIFIER_PATTERN)] = None,
    x_request_id: Annotated[str | None, Header(max_length=128, pattern=IDENTIFIER_PATTERN)] = None,
) -> CommandContext:
    """Who makes the command comes from the verified token, never from what the request says. The events
    it writes carry the request's id as their correlation_id (X-Correlation-Id, else X-Request-Id, else a
    new one) and no causation_id: a person's request is caused by no event (docs/consumer-guide.md)."""
    return CommandContext(actor=principal.actor, correlation_id=x_correlation_id or x_request_id or new_id())


MAX_OFFSET = 10_000_000  # beyond any list here, and within what MongoDB's skip takes


@dataclass(frozen=True)
class Page:
    """`?limit=&offset=` on a list: at most `limit` items after skipping `offset`."""

    limit: int
    offset: int

    def of(self, items: Sequence[T]) -> list[T]:
        return list(items[self.offset : self.offset + self.limit])


async def page(
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many (1 to 1000)")] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="skip this many first")] = 0,
) -> Page:
    return Page(limit, offset)


Paged = Annotated[Page, Depends(page)]


async def expected_version(
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
    405: "method_not_allowed",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    408: "timeout",
    413: "too_large",
    422: "invalid_request",
    431: "headers_too_large",
    503: "unavailable",
}
# When a client is asked to send again while the database is unavailable: a single server's restart, or a
# replica set's election (typically under 12 s), is over within two or three tries.
RETRY_AFTER_SECONDS = 5


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


class BodyLimit:
    """413 for a request body over `max_bytes`: at once by its Content-Length, or as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def _refusal(self) -> JSONResponse:
        detail = f"the request body is over the limit of {self.max_bytes} bytes"
        return JSONResponse({"error": "too_large", "detail": detail}, 413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._refusal()(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:  # FastAPI passes an HTTPException on while it reads the body
                raise HTTPException(413, f"the request body is over the limit of {self.max_bytes} bytes")
            return message

        await self.app(scope, limited, send)


class DatabaseDeadline:
    """All the database operations of one request share a deadline, server selection included (pymongo's
    client-side operation timeout). An unreachable database is answered after `seconds` at most (pymongo
    would wait 5 s to select a server), and a stalled one too: without it, a read on a connection to a
    server that stopped answering waited about 35 s, until pymongo's monitor gave the server up."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with timeout(self.seconds):
            await self.app(scope, receive, send)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """503 when the database cannot be reached or does not answer in time, saying when to try again and,
    for a command, that it may have been made. Logged as an outage by route and cause, without a
    traceback: it is the database's state, not a fault in the service."""
    route = getattr(request.scope.get("route"), "path", "unmatched")
    # No server to send to is "cannot be reached"; a server that took the request and went silent is not.
    selected = not isinstance(exc, ServerSelectionTimeoutError)
    stalled = selected and isinstance(exc, PyMongoError) and exc.timeout
    cause = "did not answer in time" if stalled else "cannot be reached"
    log.error(
        "database unavailable: %s %s answered 503: the database %s (%s)",
        request.method,
        route,
        cause,
        type(exc).__name__,
    )
    request.state.rejection = "unavailable"
    if request.method not in COMMAND_METHODS:
        advice = f"try again in {RETRY_AFTER_SECONDS} s"
    elif isinstance(exc, PyMongoError) and exc.has_error_label("UnknownTransactionCommitResult"):
        advice = "the command may have been made as it was being committed: check (read what it changes) "
        advice += "before sending it again"
    else:
        advice = "check whether the command was made (read what it changes) and, if not, send it again in "
        advice += f"{RETRY_AFTER_SECONDS} s"
    return JSONResponse(
        {"error": "unavailable", "detail": f"the service's database {cause}: {advice}"},
        503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ConnectionFailure, database_unavailable)  # unreachable, or a network timeout
    app.add_exception_handler(ExecutionTimeout, database_unavailable)  # the request's deadline, server-side

    @app.exception_handler(RuleViolation)
    async def rule_violation(request: Request, exc: RuleViolation) -> JSONResponse:
        request.state.rejection, request.state.rule = "rule_violation", exc.rule
        return JSONResponse({"error": "rule_violation", "detail": exc.message, "rule": exc.rule}, 422)

    @app.exception_handler(NotRehearsal)
    async def not_rehearsal(request: Request, exc: NotRehearsal) -> JSONResponse:
        """A move of the clock on a production platform (shared/mechanics/clock.py): the platform's state, not
        the caller's role, refuses it."""
        request.state.rejection, request.state.rule = "conflict", exc.rule
        return JSONResponse({"error": "conflict", "detail": exc.message, "rule": exc.rule}, 409)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Every other refusal in the same shape: what kind, and why."""
        kind = REASON_OF_STATUS.get(exc.status_code, "error")
        return JSONResponse({"error": kind, "detail": exc.detail}, exc.status_code, headers=exc.headers)

    @app.exception_handler(AccessDenied)
    async def access_denied(_: Request, exc: AccessDenied) -> JSONResponse:
        if exc.status == 401:
            body = {"error": "unauthenticated", "detail": exc.reason}
            return JSONResponse(body, 401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return JSONResponse({"error": "forbidden", "detail": exc.reason}, exc.status)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        record_denial(request, exc.message)
        request.state.rule = exc.rule  # jip.commands names the rule, as for a 422
        return JSONResponse({"error": "forbidden", "detail": exc.message, "rule": exc.rule}, 403)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        request.state.rejection = "not_found"
        return JSONResponse({"error": "not_found", "detail": str(exc)}, 404)

    @app.exception_handler(ConcurrencyConflict)
    async def conflict(request: Request, exc: ConcurrencyConflict) -> JSONResponse:
        request.state.rejection = "conflict"
        return JSONResponse({"error": "conflict", "detail": str(exc)}, 409)

    @app.exception_handler(ValidationError)
    async def invalid_value(request: Request, exc: ValidationError) -> JSONResponse:
        """A value the request carried that only a deeper model refused (a path id, a period): 422 naming
        the field and the rule, never the value."""
        request.state.rejection = "invalid_request"
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in errors)
        return JSONResponse({"error": "invalid_request", "detail": detail, "errors": errors}, 422)

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
