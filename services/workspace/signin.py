"""Signing in and out.

On the embedded stack (JIP_WORKSPACE_SIGNING_KEY_FILE given) the sign-in page lets you choose who you
are: a user id, a role, the inspectorate (or, for an LSCB chair, the area) and issues your token with the
stack's own key, as `jip token` does, valid for the session's lifetime. That key makes tokens anyone
would accept, so a production deployment gives the workspace none, and this page then says it cannot
sign anyone in: production sign-in is through the identity provider (OpenID Connect), not built yet."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from shared.areas import find, register

from .session import Session
from .web import Again, PageDep, Problem
from .words import INSPECTORATES, ROLES

router = APIRouter()
USER = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # the token's sub: an id, never a name


def _areas() -> dict[str, str]:
    """Every area, code -> name, in the order of their names."""
    return {a.code: a.name for a in sorted(register().values(), key=lambda a: a.name)}


async def _form(page: PageDep, again: Again) -> Response:
    return await page.render(
        "signin.html",
        again,
        roles=ROLES,
        inspectorates=INSPECTORATES,
        areas=_areas(),
        can_sign_in=page.signer is not None,
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
    return page.redirect("/reports" if role == "lscb_chair" else "/inspections")


@router.post("/sign-out")
async def sign_out(page: PageDep) -> Response:
    await page.form()
    page.start(Session.anonymous())
    return page.redirect("/sign-in")


@router.get("/")
async def home(page: PageDep) -> Response:
    if not page.session.signed_in:
        return page.redirect("/sign-in")
    return page.redirect("/reports" if page.session.role == "lscb_chair" else "/inspections")
