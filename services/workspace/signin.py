"""Signing in and out.

In production the workspace signs people in through the platform's identity provider, OpenID Connect
(JIP_WORKSPACE_OIDC_ISSUER and its client: services/workspace/oidc.py): the sign-in page shows a start
button to `/sign-in/oidc`, which sends the browser to the provider; it comes back to `/sign-in/callback`,
where the answer is checked and the provider's access token becomes the session's token. A callback that
cannot be accepted (another sign-in's state, the provider's refusal, a token the platform would refuse)
shows the error page, saying what to do.

On the embedded stack (JIP_WORKSPACE_SIGNING_KEY_FILE given) the sign-in page lets you choose who you are:
a user id, a role, the inspectorate (or, for an LSCB chair, the area) and issues your token with the
stack's own key, as `jip token` does, valid for the session's lifetime. That key makes tokens anyone
would accept, so a production deployment gives the workspace none (with an identity provider configured
as well, the workspace does not start). With neither, the page says it cannot sign anyone in."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from shared.language.areas import as_at, find
from shared.language.workdays import today_in_england

from .oidc import (
    CALLBACK,
    PENDING_COOKIE,
    PENDING_SECONDS,
    OpenIdConnect,
    PendingCodec,
    SignInFailed,
    cookie_too_big,
)
from .session import COOKIE, Session, cookie_secure
from .web import Again, Page, PageDep, Problem
from .words import INSPECTORATES, ROLES

router = APIRouter()
USER = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # the token's sub: an id, never a name


def _areas() -> dict[str, str]:
    """The areas existing today (the register is time-aware), code -> name, in the order of their names:
    a chair signs in for a board of today's areas."""
    return {a.code: a.name for a in sorted(as_at(today_in_england()).values(), key=lambda a: a.name)}


async def _form(page: PageDep, again: Again) -> Response:
    return await page.render(
        "signin.html",
        again,
        roles=ROLES,
        inspectorates=INSPECTORATES,
        areas=_areas(),
        can_sign_in=page.signer is not None,
        identity_provider=_provider(page) is not None,
    )


@router.get("/sign-in")
async def sign_in_page(page: PageDep) -> Response:
    if page.session.signed_in:
        return page.redirect("/")
    return await _form(page, Again(values={"role": "lead_inspector", "inspectorate": "ofsted"}))


def _check(values: dict[str, Any]) -> list[Problem]:
    problems = []
    role = values.get("role", "")
    if not USER.match(str(values.get("user", ""))):
        problems.append(
            Problem(
                "Enter your user id: letters, digits and . _ : - only, up to 64 (an id, never your name)",
                "#user",
            )
        )
    if role not in ROLES:
        problems.append(Problem("Choose your role", "#role"))
    if role not in ("lscb_chair", "auditor") and values.get("inspectorate") not in INSPECTORATES:
        problems.append(Problem("Choose your inspectorate", "#inspectorate"))
    if role == "lscb_chair" and find(str(values.get("area", ""))) is None:
        problems.append(Problem("Choose the area whose LSCB you chair", "#area"))
    return problems


@router.post("/sign-in")
async def sign_in(page: PageDep) -> Response:
    values = await page.form()
    signer = page.signer
    if signer is None:
        if _provider(page) is not None:
            return page.redirect("/sign-in")
        problem = Problem("This workspace has no way to sign anyone in: see the README's Configuration")
        return await _form(page, Again([problem], 503, values))
    problems = _check(values)
    if problems:
        return await _form(page, Again(problems, 422, values))
    user, role = str(values["user"]), str(values["role"])
    area = find(str(values.get("area", ""))) if role == "lscb_chair" else None
    inspectorate = str(values["inspectorate"]) if role not in ("lscb_chair", "auditor") else None
    hours = page.settings.workspace_session_hours
    token = signer.issue(user, role, inspectorate, area.code if area else None, ttl=timedelta(hours=hours))
    page.start(
        page.session.signed_in_as(
            token, user, role, inspectorate, area.code if area else None, area.name if area else None
        )
    )
    return page.redirect(start_page(role))


def _provider(page: Page) -> OpenIdConnect | None:
    provider: OpenIdConnect | None = page.request.app.state.oidc
    return provider


def _pending_codec(page: Page) -> PendingCodec:
    return PendingCodec(page.codec.serializer.secret_keys)


def _secure(page: Page) -> bool:
    url, client = page.request.url, page.request.client
    return cookie_secure(url.scheme, url.hostname, client.host if client else None)


def _redirect_uri(page: Page) -> str:
    public = page.settings.workspace_public_url
    base = public.rstrip("/") if public else str(page.request.base_url).rstrip("/")
    return base + CALLBACK


async def _failed(page: Page, failure: SignInFailed) -> Response:
    response = await page.render(
        "error.html",
        Again(status=failure.status),
        title="You could not be signed in",
        detail=failure.detail,
        rule=None,
    )
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK)
    return response


@router.get("/sign-in/oidc")
async def sign_in_with_provider(page: PageDep) -> Response:
    """To the identity provider, with this sign-in's state, nonce and PKCE challenge."""
    provider = _provider(page)
    if provider is None:
        return page.redirect("/sign-in")
    try:
        url, pending = await provider.start(page.request.app.state.http, _redirect_uri(page))
    except SignInFailed as failure:
        return await _failed(page, failure)
    response = page.redirect(url)
    response.set_cookie(
        PENDING_COOKIE,
        _pending_codec(page).dumps(pending),
        max_age=PENDING_SECONDS,
        path=CALLBACK,
        secure=_secure(page),
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: the cookie goes with it
    )
    return response


@router.get(CALLBACK)
async def signed_in_by_provider(page: PageDep) -> Response:
    """Back from the identity provider: checked, the code exchanged, the access token the session's."""
    provider = _provider(page)
    if provider is None:
        return page.redirect("/sign-in")
    pending = _pending_codec(page).loads(page.request.cookies.get(PENDING_COOKIE))
    answer = dict(page.request.query_params.items())
    try:
        signed_in = await provider.finish(page.request.app.state.http, pending, answer)
        who = signed_in.principal
        area = find(who.area_code) if who.area_code else None
        inspectorate = who.inspectorate.value if who.inspectorate else None
        session = page.session.signed_in_as(
            signed_in.token,
            who.user,
            who.role.value,
            inspectorate,
            who.area_code,
            area.name if area else who.area_code,
        )
        value = page.codec.dumps(session)
        if cookie_too_big(COOKIE, value):
            raise SignInFailed(
                f"the access token from the identity provider is {len(signed_in.token):,} bytes: with it, "
                f"this workspace's session cookie would be {len(COOKIE) + 1 + len(value):,} bytes, more "
                "than the 4,096 a browser keeps. Ask the identity provider's administrators for a smaller "
                "access token (fewer claims or groups)",
                500,
            )
    except SignInFailed as failure:
        return await _failed(page, failure)
    page.start(session)
    response = page.redirect(start_page(who.role.value))
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK)
    return response


@router.post("/sign-out")
async def sign_out(page: PageDep) -> Response:
    await page.form()
    page.start(Session.anonymous())
    return page.redirect("/sign-in")


@router.get("/")
async def home(page: PageDep) -> Response:
    if not page.session.signed_in:
        return page.redirect("/sign-in")
    return page.redirect(start_page(page.session.role))


def start_page(role: str | None) -> str:
    """Where a user starts: the chair at the reports sent to them, the auditor at the log, anyone else
    at the inspections."""
    return {"lscb_chair": "/reports", "auditor": "/audit"}.get(role or "", "/inspections")
