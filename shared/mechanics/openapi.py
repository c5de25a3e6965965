"""Each service's OpenAPI document and its pages, for the people and tools that integrate with it.

- Every operation documents the refusals it can answer with, in the platform's own error body (made by
  shared/mechanics/http.py: `{"error": kind, "detail": why}`, with the `rule` a refusal cites or the fields a
  422 names), never FastAPI's `HTTPValidationError`, which the platform does not send. Which answers an
  operation gives follows from what it depends on (`answers`): a token (401), a check of the caller's role
  or inspection (403), ids in its path (404), parameters or a body (422), the service's database (503),
  If-Match (400); a command can also conflict (409), be too large (413) or break a rule (422).
- `/docs` (Swagger UI) and `/redoc` (ReDoc) work with no internet: their scripts, styles and icon are
  served by the service itself, from the fastapi-offline package, instead of a CDN, and a Content Security
  Policy keeps the pages from fetching anything elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any, Literal, NotRequired, get_args, get_type_hints

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter
from typing_extensions import TypedDict  # pydantic reads typing's TypedDict only from Python 3.12

from shared.mechanics.auth import authenticated
from shared.mechanics.http import COMMAND_METHODS, RETRY_AFTER_SECONDS, expected_version

Schema = dict[str, Any]
ASSETS = "/docs/assets"  # Swagger UI's and ReDoc's files, served from the package
# The pages load nothing from elsewhere: ReDoc's own footer logo (cdn.redoc.ly) is the one thing refused.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# --- the error bodies, as shared/mechanics/http.py makes them
# ------------------------------------------------------


class FieldProblem(TypedDict):
    """One value a 422 refused: where (`loc`, e.g. ["body", "details", "summary"]) and why."""

    loc: list[str | int]
    msg: str


class BadRequest(TypedDict):
    error: Literal["bad_request"]
    detail: str


class Unauthenticated(TypedDict):
    error: Literal["unauthenticated"]
    detail: str


class Forbidden(TypedDict):
    error: Literal["forbidden"]
    detail: str
    rule: NotRequired[str]  # the rule cited, where the inspection's rules refused it (not a role's refusal)


class NotFound(TypedDict):
    error: Literal["not_found"]
    detail: str


class Conflict(TypedDict):
    error: Literal["conflict"]
    detail: str
    rule: NotRequired[str]  # a rehearsal-only command on a production platform cites the rule


class TooLarge(TypedDict):
    error: Literal["too_large"]
    detail: str


class InvalidRequest(TypedDict):
    error: Literal["invalid_request"]
    detail: str
    errors: list[FieldProblem]


class RuleViolation(TypedDict):
    error: Literal["rule_violation"]
    detail: str
    rule: str  # the source paragraph, e.g. "001 Proposal two"


class Unavailable(TypedDict):
    error: Literal["unavailable"]
    detail: str


ANSWERS: dict[int, tuple[str, tuple[type, ...]]] = {
    400: ('If-Match is not a stream version such as "3".', (BadRequest,)),
    401: (
        "No bearer token, or one that does not verify (signature, issuer, audience, expiry, lifetime). "
        "WWW-Authenticate says so too.",
        (Unauthenticated,),
    ),
    403: (
        "The caller's role may not do this, or not here: an inspection its inspectorate does not take part "
        "in, another inspectorate's work, another area. `rule` cites the rule where one applies.",
        (Forbidden,),
    ),
    404: (
        "The path names something this service does not know (an inspection, an item, a version).",
        (NotFound,),
    ),
    409: (
        "The stream moved on since it was read (If-Match, or a command made at the same moment): nothing "
        "was written, read it again and retry. Or a rehearsal-only command on a production platform.",
        (Conflict,),
    ),
    413: ("The request body is over the service's limit (JIP_MAX_BODY_BYTES).", (TooLarge,)),
    422: (
        "A value that does not validate (`invalid_request`: `errors` names each field, never its value), or "
        "a command that breaks a rule of the inspection (`rule_violation`: `rule` cites the paragraph).",
        (InvalidRequest, RuleViolation),
    ),
    503: (
        "The service's database cannot be reached or did not answer in time. Retry-After says when to try "
        "again; for a command, `detail` says whether to check that it was made first.",
        (Unavailable,),
    ),
}
_HEADERS: dict[int, Schema] = {
    401: {
        "WWW-Authenticate": {
            "description": 'Bearer error="invalid_token"',
            "schema": {"type": "string"},
        }
    },
    503: {
        "Retry-After": {
            "description": f"seconds to wait before trying again ({RETRY_AFTER_SECONDS})",
            "schema": {"type": "integer"},
        }
    },
}


def body_schemas() -> dict[str, Schema]:
    """Each error body's JSON Schema, by its name in components/schemas."""
    found: dict[str, Schema] = {}
    for _, models in ANSWERS.values():
        for model in models:
            schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
            found |= schema.pop("$defs", {})
            found[model.__name__] = schema
    return found


def _ref(model: type) -> Schema:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _response(status: int) -> Schema:
    description, models = ANSWERS[status]
    if len(models) == 1:
        schema = _ref(models[0])
    else:
        mapping = {get_args(get_type_hints(m)["error"])[0]: _ref(m)["$ref"] for m in models}
        schema = {
            "oneOf": [_ref(m) for m in models],
            "discriminator": {"propertyName": "error", "mapping": mapping},
        }
    response: Schema = {"description": description, "content": {"application/json": {"schema": schema}}}
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


# --- which answers an operation gives --------------------------------------------------------------------


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _dependants(child)


def operations(app: FastAPI) -> Iterator[RouteContext]:
    """Every operation of the app's OpenAPI document, as FastAPI sees it: an APIRoute with the
    dependencies, prefix and tags of the routers that include it."""
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def answers(route: RouteContext, database: Iterable[Callable[..., Any]] = ()) -> list[int]:
    """The refusals `route` can answer with, from what it depends on (each dependency's own dependencies
    too, its routers' included) and whether it is a command; `database` names the dependencies that reach
    the service's database. Every command writes to a database (its event store, or the platform's clock);
    a read does where its endpoint itself takes such a dependency (a router-wide one, such as the check of
    who takes part in an inspection, reads only for the routes whose endpoints do too)."""
    reaching: set[Callable[..., Any] | None] = set(database)
    every = list(_dependants(route.dependant))  # the endpoint's own, then each dependency's
    # FastAPI puts the routers' and the decorator's `dependencies=` first, then the endpoint's parameters.
    own = [d for top in route.dependant.dependencies[len(route.dependencies) :] for d in _dependants(top)]
    calls = {d.call for d in every}
    command = bool((route.methods or set()) & COMMAND_METHODS)
    token = authenticated in calls
    # A dependency that takes the verified caller checks its role or its inspection (authorise, reads);
    # a command's own rules may refuse the caller too (shared.mechanics.errors.Forbidden).
    checks_caller = any(
        d.call is not authenticated and any(c.call is authenticated for c in d.dependencies)
        for d in every[1:]
    )
    parameters = any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params for d in every
    )
    found = {
        400: expected_version in calls,
        401: token,
        403: token and (checks_caller or command),
        404: any(d.path_params for d in every),
        409: command,
        413: command,
        422: parameters or command,
        503: command or any(d.call in reaching for d in own),
    }
    return [status for status, gives in found.items() if gives]


def document_answers(app: FastAPI, schema: Schema, database: Iterable[Callable[..., Any]] = ()) -> Schema:
    """`schema` (the app's OpenAPI document) with every operation's refusals and their bodies, and without
    FastAPI's validation error models, which the platform never sends."""
    database = tuple(database)
    for route in operations(app):
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            responses = operation["responses"]
            for status in answers(route, database):
                responses[str(status)] = _response(status)
            operation["responses"] = dict(sorted(responses.items()))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    components |= body_schemas()
    schema["components"]["schemas"] = dict(sorted(components.items()))
    return schema


# --- the app ------------------------------------------------------------------------------------------------


class ServiceAPI(FastAPI):
    """A service's FastAPI app: its OpenAPI document names every refusal (`document_answers`), and its
    `/docs` and `/redoc` pages load their assets from the service, not from the internet. `database`: the
    dependencies that reach the service's database (a 503 when it is down)."""

    def __init__(self, *, database: Iterable[Callable[..., Any]] = (), **settings: Any) -> None:
        self.docs_page: str | None = settings.pop("docs_url", "/docs")
        self.redoc_page: str | None = settings.pop("redoc_url", "/redoc")
        self.database = tuple(database)
        super().__init__(docs_url=None, redoc_url=None, **settings)
        self._serve_pages()

    def openapi(self) -> dict[str, Any]:
        before = self.openapi_schema
        schema = super().openapi()
        if schema is not before:  # generated afresh
            self.openapi_schema = document_answers(self, schema, self.database)
        return self.openapi_schema or schema

    def _serve_pages(self) -> None:
        if not self.openapi_url:
            return
        openapi_url = self.openapi_url
        assets = resources.files("fastapi_offline").joinpath("static")
        self.mount(ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
        oauth2_redirect = self.swagger_ui_oauth2_redirect_url
        if self.docs_page:

            async def swagger_ui(request: Request) -> HTMLResponse:
                root = request.scope.get("root_path", "").rstrip("/")
                return _confined(
                    get_swagger_ui_html(
                        openapi_url=f"{root}{openapi_url}",
                        title=f"{self.title} - Swagger UI",
                        oauth2_redirect_url=f"{root}{oauth2_redirect}" if oauth2_redirect else None,
                        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
                        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
                        swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
                        # No badge from the public validator service: the page stays on the service.
                        swagger_ui_parameters={"validatorUrl": None, **(self.swagger_ui_parameters or {})},
                    )
                )

            self.add_route(self.docs_page, swagger_ui, include_in_schema=False)
            if oauth2_redirect:

                async def swagger_ui_redirect(_: Request) -> HTMLResponse:
                    return get_swagger_ui_oauth2_redirect_html()

                self.add_route(oauth2_redirect, swagger_ui_redirect, include_in_schema=False)
        if self.redoc_page:

            async def redoc(request: Request) -> HTMLResponse:
                root = request.scope.get("root_path", "").rstrip("/")
                return _confined(
                    get_redoc_html(
                        openapi_url=f"{root}{openapi_url}",
                        title=f"{self.title} - ReDoc",
                        redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
                        redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
                        with_google_fonts=False,
                    )
                )

            self.add_route(self.redoc_page, redoc, include_in_schema=False)


def _confined(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page
