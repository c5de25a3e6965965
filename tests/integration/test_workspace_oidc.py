"""Signing in to the workspace through a real OpenID Connect provider on loopback (issue 20).

The provider is `oidc-provider-mock` (Authlib's authorisation server in a Flask app, served on a thread),
with two additions made here, as a production provider is configured: PKCE required (Authlib's own
CodeChallenge extension, the challenge kept with each code), and access tokens that are JWTs for the
platform (audience joint-inspections-platform, the user's jip_* claims, signed with the provider's key).
httpx plays the browser, following every redirect between the workspace and the provider; the five
services are stood in for by a function that checks each bearer token with the services' own Verifier
against the provider's JWKS."""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import flask
import httpx
import jwt
import pytest
from authlib.oauth2.rfc7636 import CodeChallenge
from pydantic import SecretStr

from services.workspace.app import build, serve
from services.workspace.session import COOKIE
from services.workspace.settings import WorkspaceSettings
from shared.language.programmes import catalogue
from shared.mechanics import logs
from shared.mechanics.auth import Principal, Verifier
from tests.helpers import SIGNER

with warnings.catch_warnings():  # the provider imports authlib.jose, which Authlib marks deprecated
    warnings.simplefilter("ignore")
    import oidc_provider_mock
    from oidc_provider_mock import _app as provider_app
    from oidc_provider_mock._server import _threaded_server

# The mock provider's OpenIDCode still uses Authlib's older get_jwt_config.
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")
AUDIENCE = "joint-inspections-platform"
GROUPS = [secrets.token_urlsafe(24) for _ in range(120)]  # random: the session cookie is compressed
CLIENT_ID, CLIENT_SECRET = "jip-workspace", "workspace-client-secret"
WORKSPACE = "http://127.0.0.1:18110"
USERS = [
    oidc_provider_mock.User(
        sub="lead-1", claims={"jip_role": "lead_inspector", "jip_inspectorate": "ofsted"}
    ),
    oidc_provider_mock.User(sub="chair-1", claims={"jip_role": "lscb_chair", "jip_area": "E08000036"}),
    oidc_provider_mock.User(sub="visitor-1", claims={"name": "Has no role here"}),
    oidc_provider_mock.User(sub="crowded-1", claims={"jip_role": "auditor", "groups": GROUPS}),
]
CHALLENGES: dict[str, tuple[str | None, str | None]] = {}  # code -> (code_challenge, method)


class KeptChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE, with the challenge the mock provider's codes do not keep kept beside them."""

    def get_authorization_code_challenge(self, authorization_code: Any) -> str | None:
        return CHALLENGES.get(authorization_code.code, (None, None))[0]

    def get_authorization_code_challenge_method(self, authorization_code: Any) -> str | None:
        return CHALLENGES.get(authorization_code.code, (None, None))[1]


class PkceCodeGrant(provider_app.AuthorizationCodeGrant):  # type: ignore[misc]
    def __init__(self, request: Any, server: Any) -> None:
        super().__init__(request, server)
        KeptChallenge(required=True)(self)

    def save_authorization_code(self, code: str, request: Any) -> None:
        super().save_authorization_code(code, request)
        data = request.payload.data
        CHALLENGES[code] = (data.get("code_challenge"), data.get("code_challenge_method"))


def jwt_access_token(client: Any, grant_type: str, user: Any, scope: str) -> str:
    """An access token the services accept: the user's jip_* claims, for the platform, RS256."""
    key = jwt.PyJWK(flask.g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
    now = datetime.now(UTC)
    claims = {
        "iss": flask.request.host_url.rstrip("/"),
        "aud": AUDIENCE,
        "sub": user.sub,
        "iat": now,
        "exp": now + timedelta(hours=1),
        **{name: value for name, value in user.claims.items() if name.startswith("jip_") or name == "groups"},
    }
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": key.key_id})


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider on a free loopback port; its issuer."""
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain HTTP on loopback, for the provider's Authlib
    original, provider_app.AuthorizationCodeGrant = provider_app.AuthorizationCodeGrant, PkceCodeGrant
    try:
        app = flask.Flask(provider_app.__name__)  # its templates are the package's
        app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = jwt_access_token
        oidc_provider_mock.init_app(app, require_nonce=True, issue_refresh_token=False, user_claims=USERS)
        app.secret_key = os.urandom(16)
        with _threaded_server(app=app, host="localhost", port=0) as server:
            yield f"http://localhost:{server.server_port}"
    finally:
        provider_app.AuthorizationCodeGrant = original
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@dataclass
class Services:
    """The five services: each request's bearer token checked as they check it."""

    verifier: Verifier
    callers: list[Principal] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme == "Bearer":
            self.callers.append(self.verifier.verify(token))
        elif request.url.path != "/health":
            return httpx.Response(401, json={"error": "unauthenticated", "detail": "no token"})
        answers: dict[str, Any] = {
            "/health": {"environment": "production"},
            "/clock": {
                "environment": "production",
                "rehearsal": False,
                "now": "2026-12-03T10:00:00Z",
                "today": "2026-12-03",
            },
            "/inspections": [],
            "/programmes": [catalogue()["jtai-2015"].model_dump(mode="json")],
        }
        return httpx.Response(200, json=answers[request.url.path])


class Network(httpx.AsyncBaseTransport):
    """The browser's and the workspace's network: the workspace in process, the services stood in for,
    everything else (the provider) over loopback."""

    def __init__(self, services: Services) -> None:
        self.services = httpx.MockTransport(services.answer)
        self.loopback = httpx.AsyncHTTPTransport()
        self.workspace: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.endswith(".test"):
            return await self.services.handle_async_request(request)
        if f"{request.url.scheme}://{request.url.netloc.decode()}" == WORKSPACE:
            assert self.workspace is not None
            return await self.workspace.handle_async_request(request)
        return await self.loopback.handle_async_request(request)


def workspace_settings(issuer: str) -> WorkspaceSettings:
    return WorkspaceSettings(
        scheduling_url="http://scheduling.test",
        evidence_url="http://evidence.test",
        judgement_url="http://judgement.test",
        lscb_url="http://lscb.test",
        reporting_url="http://reporting.test",
        workspace_oidc_issuer=issuer,
        workspace_oidc_client_id=CLIENT_ID,
        workspace_oidc_client_secret=SecretStr(CLIENT_SECRET),
        workspace_public_url=WORKSPACE,
    )


@dataclass
class World:
    browser: httpx.AsyncClient
    services: Services
    issuer: str


@pytest.fixture
async def world(provider: str) -> AsyncIterator[World]:
    verifier = Verifier(issuer=provider, audience=AUDIENCE, algorithms=["RS256"], jwks_url=f"{provider}/jwks")
    services = Services(verifier)
    network = Network(services)
    app = build(workspace_settings(provider))
    app.state.http = httpx.AsyncClient(transport=network, timeout=10)
    network.workspace = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=network, base_url=WORKSPACE, timeout=10) as browser:
        yield World(browser, services, provider)
    await app.state.http.aclose()


async def to_provider(browser: httpx.AsyncClient) -> httpx.Response:
    """The sign-in page's start button, followed to the provider's consent page."""
    page = await browser.get("/sign-in")
    assert 'href="/sign-in/oidc"' in page.text
    assert "govuk-button--start" in page.text
    consent = await browser.get("/sign-in/oidc", follow_redirects=True)
    assert consent.status_code == 200
    assert consent.url.path == "/oauth2/authorize", "at the provider's authorisation endpoint"
    return consent


async def consent(browser: httpx.AsyncClient, user: str) -> httpx.Response:
    """At the provider, sign in as `user`: its answer, the redirect back to the workspace, not followed."""
    at_provider = await to_provider(browser)
    query = parse_qs(urlsplit(str(at_provider.url)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [f"{WORKSPACE}/sign-in/callback"]
    assert query["state"][0]
    assert query["nonce"][0]
    answer = await browser.post(str(at_provider.url), data={"sub": user})
    assert answer.status_code == 302
    return answer


async def test_the_code_flow_signs_in_with_the_role_and_the_services_get_the_access_token(
    world: World,
) -> None:
    back = await consent(world.browser, "lead-1")
    signed_in = await world.browser.get(back.headers["location"])
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/inspections"
    cookie = world.browser.cookies[COOKIE]
    assert len(COOKIE) + 1 + len(cookie) < 4096, "the session cookie fits in a browser's"
    page = await world.browser.get("/inspections")
    assert page.status_code == 200
    assert "Lead inspector" in page.text
    assert "Ofsted" in page.text
    # The services were called with the provider's access token, which they accept, as this user.
    assert world.services.callers
    assert {(p.user, p.role.value, p.inspectorate) for p in world.services.callers} == {
        ("lead-1", "lead_inspector", "ofsted")
    }


async def test_an_lscb_chair_signs_in_for_their_area(world: World) -> None:
    back = await consent(world.browser, "chair-1")
    signed_in = await world.browser.get(back.headers["location"])
    assert signed_in.headers["location"] == "/reports"
    page = await world.browser.get("/no-such-page")  # any page shows who is signed in
    assert page.status_code == 404
    assert "Wakefield" in page.text
    assert {(p.user, p.role.value, p.area_code) for p in world.services.callers} == {
        ("chair-1", "lscb_chair", "E08000036")
    }


async def test_an_answer_with_another_state_is_refused(world: World) -> None:
    back = urlsplit((await consent(world.browser, "lead-1")).headers["location"])
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    refused = await world.browser.get("/sign-in/callback", params=query | {"state": "someone-elses"})
    assert refused.status_code == 400
    assert "You could not be signed in" in refused.text
    assert "not for the sign-in this browser started" in refused.text
    assert "Start again" in refused.text
    assert (await world.browser.get("/inspections")).headers["location"] == "/sign-in"
    assert not world.services.callers


async def test_the_provider_refuses_the_code_without_the_code_verifier(world: World) -> None:
    """PKCE is really used: the code the workspace gets is worth nothing without its verifier."""
    back = urlsplit((await consent(world.browser, "lead-1")).headers["location"])
    code = parse_qs(back.query)["code"][0]
    assert CHALLENGES[code][1] == "S256"
    stolen = await world.browser.post(
        f"{world.issuer}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{WORKSPACE}/sign-in/callback",
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_request"
    assert "code_verifier" in stolen.json()["error_description"]
    wrong = await world.browser.post(
        f"{world.issuer}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{WORKSPACE}/sign-in/callback",
            "code_verifier": "x" * 64,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert wrong.json()["error"] == "invalid_grant"
    # The workspace, with the verifier it kept, still redeems it.
    assert (await world.browser.get(back.geturl())).headers["location"] == "/inspections"


async def test_a_refusal_at_the_provider_says_what_to_do(world: World) -> None:
    at_provider = await to_provider(world.browser)
    denied = await world.browser.post(str(at_provider.url), data={"action": "deny"}, follow_redirects=True)
    assert denied.status_code == 401
    assert "did not sign you in (access_denied)" in denied.text
    assert 'href="/"' in denied.text


async def test_someone_without_a_role_on_the_platform_is_told_at_sign_in(world: World) -> None:
    refused = await world.browser.get((await consent(world.browser, "visitor-1")).headers["location"])
    assert refused.status_code == 403
    assert "no place on this platform yet" in refused.text
    assert "jip_role" in refused.text


async def test_a_token_too_big_for_the_session_cookie_is_refused_saying_so(world: World) -> None:
    refused = await world.browser.get((await consent(world.browser, "crowded-1")).headers["location"])
    assert refused.status_code == 500
    assert "more than the 4,096 a browser keeps" in refused.text
    assert (await world.browser.get("/inspections")).headers["location"] == "/sign-in", "not signed in"


def test_the_workspace_will_not_start_with_both_the_stacks_key_and_a_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m services.workspace` runs serve(): it stops before serving anything, saying why."""
    SIGNER.save(tmp_path / "auth")
    for name in [name for name in os.environ if name.startswith("JIP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("JIP_WORKSPACE_SIGNING_KEY_FILE", str(tmp_path / "auth" / "signing-key.pem"))
    monkeypatch.setenv("JIP_WORKSPACE_OIDC_ISSUER", "https://login.example.gov.uk")
    monkeypatch.setenv("JIP_WORKSPACE_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setattr(logs, "configure", lambda *_: None)  # leave the test run's own logging as it is
    with pytest.raises(SystemExit) as stopped:
        serve()
    message = str(stopped.value.code)
    assert "JIP_WORKSPACE_SIGNING_KEY_FILE and JIP_WORKSPACE_OIDC_ISSUER are both set" in message
    assert "must not hold it" in message
