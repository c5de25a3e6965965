"""The workspace's pages against stand-in services (no server): the session cookie's flags, CSRF on every
form, the security headers, signing in with the stack's key, and a service's refusal shown as a GOV.UK
error summary with its rule, the form keeping what was typed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.language.programmes import catalogue
from shared.mechanics.auth import Verifier
from tests.workspace_pages import csrf
from tests.workspace_pages import workspace as stand_in

JTAI = catalogue()["jtai-2015"].model_dump(mode="json")
CLOCK = {"environment": "rehearsal", "rehearsal": True, "now": "2026-12-03T10:00:00Z", "today": "2026-12-03"}
MONDAY_RULE = {
    "error": "rule_violation",
    "detail": "fieldwork must start on a Monday; 2026-12-15 is a Tuesday",
    "rule": "001 Proposal two",
}


@dataclass
class Services:
    """Stand-ins for the five services: what the workspace sent them, and what they answer."""

    seen: list[httpx.Request] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        answers: dict[tuple[str, str], Any] = {
            ("GET", "/health"): {"environment": "rehearsal"},
            ("GET", "/clock"): CLOCK,
            ("GET", "/programmes"): [JTAI],
            ("GET", "/programmes/jtai-2015"): JTAI,
            ("GET", "/areas"): [
                {"code": "E08000036", "name": "Wakefield"},
                {"code": "E08000035", "name": "Leeds"},
            ],
            ("GET", "/inspections"): [],
        }
        if (request.method, path) == ("POST", "/inspections"):
            return httpx.Response(422, json=MONDAY_RULE)
        return httpx.Response(200, json=answers[(request.method, path)])


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Services]]:
    services = Services()
    async with stand_in(tmp_path, services.answer) as browser:
        yield browser, services


async def signed_in(browser: httpx.AsyncClient) -> None:
    form = await browser.get("/sign-in")
    answer = await browser.post(
        "/sign-in",
        data={"csrf_token": csrf(form), "user": "lead-1", "role": "lead_inspector", "inspectorate": "ofsted"},
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/inspections")


async def test_the_session_cookie_is_httponly_and_samesite_lax_and_every_answer_has_a_csp(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, _ = workspace
    page = await browser.get("/sign-in")
    assert page.status_code == 200
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback, as `jip stack up` serves it
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text  # no inline script: the CSP would refuse it
    assert "REHEARSAL" in page.text  # the platform's /health says it is a rehearsal one


async def test_a_form_posted_without_its_sessions_csrf_token_is_refused_and_nothing_is_sent(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, services = workspace
    await browser.get("/sign-in")
    for token in ({}, {"csrf_token": "made-up"}):
        answer = await browser.post("/sign-in", data={**token, "user": "lead-1", "role": "lead_inspector"})
        assert answer.status_code == 403
        assert "The form could not be accepted" in answer.text
    assert not [r for r in services.seen if r.method == "POST"]


async def test_signing_in_issues_a_token_from_the_stacks_key_for_whoever_was_chosen(
    workspace: tuple[httpx.AsyncClient, Services], tmp_path: Path
) -> None:
    browser, services = workspace
    await signed_in(browser)
    listing = await browser.get("/inspections")
    assert listing.status_code == 200
    assert "Lead inspector, Ofsted" in listing.text
    [sent] = {r.headers["authorization"] for r in services.seen if "authorization" in r.headers}
    verifier = Verifier(
        issuer="jip",
        audience="joint-inspections-platform",
        algorithms=["EdDSA"],
        public_key_file=tmp_path / "auth" / "public-key.pem",
    )
    principal = verifier.verify(sent.removeprefix("Bearer "))
    assert (principal.user, principal.role.value, principal.inspectorate) == (
        "lead-1",
        "lead_inspector",
        "ofsted",
    )


async def test_an_unchosen_role_or_inspectorate_is_asked_for_beside_its_field(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, _ = workspace
    form = await browser.get("/sign-in")
    answer = await browser.post(
        "/sign-in", data={"csrf_token": csrf(form), "user": "Jo Bloggs", "role": "inspector"}
    )
    assert answer.status_code == 422
    assert "There is a problem" in answer.text
    assert 'href="#user"' in answer.text
    assert 'href="#inspectorate"' in answer.text
    assert 'value="Jo Bloggs"' in answer.text  # what was typed stays


async def test_a_services_refusal_is_an_error_summary_with_its_rule_and_the_form_keeps_what_was_typed(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, services = workspace
    await signed_in(browser)
    form = await browser.get("/inspections/new", params={"programme": "jtai-2015"})
    answer = await browser.post(
        "/inspections",
        data={
            "csrf_token": csrf(form),
            "programme": "jtai-2015",
            "area": "E08000036",
            "fieldwork_starts-day": "15",
            "fieldwork_starts-month": "12",
            "fieldwork_starts-year": "2026",
            "deep_dive_theme": "cse_and_missing",
        },
    )
    assert answer.status_code == 422
    assert "<title>Error: Schedule an inspection" in answer.text
    assert "Fieldwork must start on a Monday; 2026-12-15 is a Tuesday" in answer.text
    assert '<span class="app-rule">Rule: 001 Proposal two</span>' in answer.text
    assert 'value="15"' in answer.text
    assert 'value="2026"' in answer.text
    assert re.search(r'<option value="E08000036" selected>', answer.text)
    assert re.search(r'value="cse_and_missing" checked', answer.text)
    [scheduled] = [r for r in services.seen if r.method == "POST"]
    assert scheduled.read() == (
        b'{"programme":"jtai-2015","area":"E08000036","fieldwork_starts":"2026-12-15",'
        b'"deep_dive_theme":"cse_and_missing"}'
    )


async def test_a_page_for_the_signed_in_sends_anyone_else_to_sign_in(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, _ = workspace
    answer = await browser.get("/inspections/any-id/report")
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")
