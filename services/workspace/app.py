"""Wiring of the workspace: templates and static assets, the security headers, the routers, and how a
refusal that no form catches, a service out of reach, or a page for the signed-in only is answered."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.mechanics import logs
from shared.mechanics.auth import Signer
from shared.mechanics.settings import Settings

from . import (
    audit,
    evaluation,
    evidence,
    inspections,
    judgements,
    lines,
    live,
    reports,
    signin,
    triangulation,
)
from .client import Refusal, Unavailable
from .oidc import oidc_of
from .security import SecurityHeaders
from .session import COOKIE, SessionCodec
from .settings import WorkspaceSettings
from .web import HERE, Again, CsrfFailure, SignInFirst, page, templates


def signer_of(settings: WorkspaceSettings) -> Signer | None:
    """The embedded stack's signing key, where the workspace is given it (never in production)."""
    path: Path | None = settings.workspace_signing_key_file
    if path is None:
        return None
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise SystemExit(
            f"JIP_WORKSPACE_SIGNING_KEY_FILE: cannot read a private key from {path} ({type(exc).__name__}): "
            "start the embedded stack with `jip stack up`, which makes it"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"JIP_WORKSPACE_SIGNING_KEY_FILE: {path} is not an Ed25519 private key")
    return Signer(key, settings.auth_issuer, settings.auth_audience)


def build(settings: WorkspaceSettings | None = None, platform: Settings | None = None) -> FastAPI:
    """The workspace; `platform` says where the event log is (JIP_KAFKA_*, JIP_NAMESPACE: the services'
    own settings), which it reads for live updates and the auditor's pages."""
    settings = settings or WorkspaceSettings()
    secret = settings.workspace_session_secret
    max_age = int(settings.workspace_session_hours * 3600)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=30) as http:
            app.state.http = http
            try:
                yield
            finally:
                await app.state.tail.stop()

    app = FastAPI(
        title="JIP inspection workspace",
        description="The web application for the people who run joint inspections.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.platform = platform or Settings()
    app.state.tail = live.Tail(app.state.platform)
    app.state.templates = templates()
    app.state.codec = SessionCodec(
        secret.get_secret_value() if secret else secrets.token_urlsafe(48), max_age
    )
    app.state.oidc = oidc_of(settings)  # refuses to start beside the stack's signing key
    app.state.signer = signer_of(settings)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # The GOV.UK stylesheet asks for its fonts and images at /assets/.
    app.mount("/assets", StaticFiles(directory=HERE / "static" / "govuk" / "assets"), name="assets")
    for router in (
        signin.router,
        inspections.router,
        reports.router,
        evaluation.router,
        judgements.router,
        evidence.router,
        live.router,  # before lines.router, whose /lines-of-enquiry/{line_id} would take …/live
        lines.router,
        triangulation.router,
        audit.router,
    ):
        app.include_router(router)
    app.add_api_route("/health/live", alive, methods=["GET"], include_in_schema=False)
    install_handlers(app)
    return app


async def alive() -> dict[str, str]:
    return {"service": "workspace", "status": "alive"}


def install_handlers(app: FastAPI) -> None:
    async def error(
        request: Request, status: int, title: str, detail: str, rule: str | None = None
    ) -> Response:
        """The error page, in the signed-in user's own header and banner."""
        return await (await page(request)).render(
            "error.html", Again(status=status), title=title, detail=detail, rule=rule
        )

    @app.exception_handler(SignInFirst)
    async def sign_in_first(_: Request, __: SignInFirst) -> Response:
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(CsrfFailure)
    async def csrf_failure(request: Request, _: CsrfFailure) -> Response:
        detail = (
            "This form was not sent from this page as it was given to you. Go back, reload it and try again."
        )
        return await error(request, 403, "The form could not be accepted", detail)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        if exc.signed_out:  # the token has expired: sign in again
            response = RedirectResponse("/sign-in", status_code=303)
            response.delete_cookie(COOKIE, path="/")
            return response
        titles = {403: "You cannot see this", 404: "Page not found"}
        return await error(
            request, exc.status, titles.get(exc.status, "There is a problem"), exc.detail, exc.rule
        )

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> Response:
        return await error(request, 503, "Sorry, there is a problem with the service", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = "Page not found" if exc.status_code == 404 else "There is a problem"
        return await error(request, exc.status_code, title, str(exc.detail))


def serve() -> None:
    from shared.mechanics import server

    settings, platform = WorkspaceSettings(), Settings()
    logs.configure("workspace", settings.log_level)
    # uvicorn, the request head bounded (shared/mechanics/server.py); pages listening for live changes never
    # finish their answer, so stopping waits for them no more than a few seconds.
    server.run(build(settings, platform), platform, timeout_graceful_shutdown=3)
