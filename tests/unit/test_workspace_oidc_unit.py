"""The checks of the workspace's OpenID Connect sign-in that need no browser (services/workspace/oidc.py):
the ID and access tokens the provider's token endpoint answers with, each changed in one way that must
be refused, against a provider stood in for by a function; the pending sign-in's cookie; and the
configurations the workspace refuses to start with."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from services.workspace.oidc import (
    COOKIE_LIMIT,
    OpenIdConnect,
    Pending,
    PendingCodec,
    SignedIn,
    SignInFailed,
    cookie_too_big,
    oidc_of,
)
from services.workspace.settings import WorkspaceSettings

ISSUER = "https://login.example.gov.uk"
CLIENT = "jip-workspace"
AUDIENCE = "joint-inspections-platform"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PENDING = Pending("the-state", "the-nonce", "v" * 64, "https://workspace.example.gov.uk/sign-in/callback")
LEAD = {"sub": "lead-1", "jip_role": "lead_inspector", "jip_inspectorate": "ofsted"}


def signed(claims: dict[str, Any], key: Any = KEY, algorithm: str = "RS256", kid: str = "k1") -> str:
    now = datetime.now(UTC)
    return jwt.encode(
        {"iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)} | claims,
        key,
        algorithm=algorithm,
        headers={"kid": kid},
    )


def id_token(**changed: Any) -> str:
    return signed({"sub": "lead-1", "aud": CLIENT, "nonce": "the-nonce"} | changed)


def access_token(**changed: Any) -> str:
    return signed({"aud": AUDIENCE} | LEAD | changed)


def provider(tokens: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": "k1", "use": "sig"}
    seen: dict[str, str] = {}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                },
            )
        if request.url.path == "/jwks":
            return httpx.Response(200, json={"keys": [public]})
        assert request.url.path == "/token"
        seen.update({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        assert seen["code_verifier"] == PENDING.verifier
        assert request.headers["authorization"].startswith("Basic ")
        return httpx.Response(200, json={"token_type": "Bearer"} | tokens)

    return answer


async def finish(tokens: dict[str, Any], answer: dict[str, str] | None = None) -> SignedIn:
    client = OpenIdConnect(ISSUER, CLIENT, "client-secret", "openid profile", AUDIENCE)
    async with httpx.AsyncClient(transport=httpx.MockTransport(provider(tokens))) as http:
        return await client.finish(http, PENDING, answer or {"state": "the-state", "code": "the-code"})


async def test_good_tokens_sign_in_as_the_access_tokens_user() -> None:
    token = access_token()
    signed_in = await finish({"id_token": id_token(), "access_token": token})
    assert signed_in.token == token
    assert (signed_in.principal.user, signed_in.principal.role.value) == ("lead-1", "lead_inspector")
    assert signed_in.principal.inspectorate is not None
    assert signed_in.principal.inspectorate.value == "ofsted"


HMAC_SIGNED = jwt.encode({"iss": ISSUER, "aud": CLIENT, "sub": "lead-1", "nonce": "the-nonce"}, "s" * 32)


@pytest.mark.parametrize(
    ("tokens", "refusal"),
    [
        pytest.param({"id_token": id_token(nonce="another")}, "(nonce)", id="another nonce"),
        pytest.param({"id_token": id_token(aud="another-client")}, f"is not for {CLIENT}", id="audience"),
        pytest.param({"id_token": id_token(iss="https://evil.example")}, "not issued by", id="issuer"),
        pytest.param(
            {"id_token": id_token(exp=datetime.now(UTC) - timedelta(minutes=5))}, "expired", id="expired"
        ),
        pytest.param({"id_token": signed({"sub": "x", "aud": CLIENT})}, "no nonce claim", id="no nonce"),
        pytest.param(
            {"id_token": signed({"sub": "lead-1", "aud": CLIENT, "nonce": "the-nonce"}, key=OTHER_KEY)},
            "not valid (InvalidSignatureError)",
            id="another key",
        ),
        pytest.param({"id_token": HMAC_SIGNED}, "not valid", id="HMAC"),
        pytest.param({}, "no ID token", id="no ID token"),
        pytest.param({"id_token": id_token(), "access_token": "opaque-string"}, "not a JWT", id="opaque"),
        pytest.param(
            {"id_token": id_token(), "access_token": access_token(aud=CLIENT)},
            f"is not for {AUDIENCE}",
            id="access token for the workspace only",
        ),
        pytest.param(
            {"id_token": id_token(), "access_token": access_token(jip_role="visitor")},
            "no place on this platform yet",
            id="no role",
        ),
        pytest.param(
            {"id_token": id_token(sub="someone-else"), "access_token": access_token()},
            "another user",
            id="two users",
        ),
    ],
)
async def test_a_token_the_platform_would_not_accept_is_refused(tokens: dict[str, Any], refusal: str) -> None:
    with pytest.raises(SignInFailed) as refused:
        await finish({"access_token": access_token()} | tokens)
    assert refusal in refused.value.detail


@pytest.mark.parametrize(
    ("answer", "refusal"),
    [
        ({"state": "another", "code": "c"}, "not for the sign-in this browser started"),
        ({"code": "c"}, "not for the sign-in this browser started"),
        ({"state": "the-state"}, "no authorisation code"),
        (
            {"state": "the-state", "error": "access_denied", "error_description": "You said no"},
            "(You said no)",
        ),
        (
            {"state": "another", "error": "access_denied", "error_description": "Call 0800…"},
            "(access_denied)",
        ),
    ],
)
async def test_the_callbacks_answer_is_checked_before_any_token_is_asked_for(
    answer: dict[str, str], refusal: str
) -> None:
    with pytest.raises(SignInFailed) as refused:
        await finish({}, answer)
    assert refusal in refused.value.detail


async def test_the_authorisation_request_carries_state_nonce_and_an_s256_challenge() -> None:
    client = OpenIdConnect(ISSUER, CLIENT, None, "openid profile", AUDIENCE)
    async with httpx.AsyncClient(transport=httpx.MockTransport(provider({}))) as http:
        url, pending = await client.start(http, PENDING.redirect_uri)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{ISSUER}/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT
    assert query["scope"] == "openid profile"
    assert (query["state"], query["nonce"]) == (pending.state, pending.nonce)
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(pending.verifier.encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert len(pending.verifier) >= 43, "RFC 7636: 43 to 128 characters"


def test_the_pending_sign_in_cookie_is_signed() -> None:
    codec = PendingCodec([b"the-session-secret"])
    value = codec.dumps(PENDING)
    assert codec.loads(value) == PENDING
    assert PendingCodec([b"another-secret"]).loads(value) is None
    assert codec.loads(value[:-2] + "xx") is None
    assert codec.loads(None) is None


def test_a_cookie_over_4096_bytes_is_too_big() -> None:
    assert not cookie_too_big("jip_workspace", "x" * (COOKIE_LIMIT - len("jip_workspace") - 1))
    assert cookie_too_big("jip_workspace", "x" * (COOKIE_LIMIT - len("jip_workspace")))


def test_the_workspace_will_not_start_half_configured_or_with_the_stacks_key(tmp_path: Path) -> None:
    assert oidc_of(WorkspaceSettings()) is None
    with pytest.raises(SystemExit, match="go together"):
        oidc_of(WorkspaceSettings(workspace_oidc_issuer=ISSUER))
    with pytest.raises(SystemExit, match="must include openid"):
        oidc_of(
            WorkspaceSettings(
                workspace_oidc_issuer=ISSUER, workspace_oidc_client_id=CLIENT, workspace_oidc_scopes="profile"
            )
        )
    with pytest.raises(SystemExit, match="both set"):
        oidc_of(
            WorkspaceSettings(
                workspace_oidc_issuer=ISSUER,
                workspace_oidc_client_id=CLIENT,
                workspace_signing_key_file=tmp_path / "signing-key.pem",
            )
        )
    client = oidc_of(
        WorkspaceSettings(
            workspace_oidc_issuer=ISSUER,
            workspace_oidc_client_id=CLIENT,
            workspace_oidc_client_secret=SecretStr("s3cret"),
        )
    )
    assert client is not None
    assert (client.issuer, client.client_id, client.client_secret) == (ISSUER, CLIENT, "s3cret")
