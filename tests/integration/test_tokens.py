"""Bearer tokens against the real broker and database: a command without a token the platform trusts is
refused with 401 and writes nothing; a trusted caller whose role may not make it is refused with 403;
both are logged (never the token or the user) and counted in `jip.access.denied`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI

from embedded.demo import first_fieldwork_week
from services.scheduling.app import build as scheduling
from shared.language.workdays import today_in_england
from shared.mechanics.auth import Role, Signer
from shared.mechanics.mongo import connect
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from tests.helpers import SIGNER, Observed, actor, auditor, bearer, chair, running, served

LEAD = actor("ofsted", "lead_inspector")


def schedule_body() -> dict[str, Any]:
    return {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
    }


async def events_written(settings: Settings) -> int:
    client = connect(settings.mongodb_uri, "test")
    try:
        return await client[settings.database_name("scheduling")]["events"].count_documents({})
    finally:
        await client.close()


@asynccontextmanager
async def anonymous(service: Service) -> AsyncIterator[httpx.AsyncClient]:
    """A running service, and a client of it that sends no Authorization unless a request does."""
    async with (
        running(service),
        httpx.AsyncClient(
            # A failure is answered as a server would answer it (500), not raised into the test.
            transport=httpx.ASGITransport(app=service.app, raise_app_exceptions=False),
            base_url="http://test",
        ) as client,
    ):
        yield client


def denials(observed: Observed, status: int) -> float:
    """How many of scheduling's requests were refused with `status`, by `jip.access.denied`."""
    return sum(
        float(point.value)
        for point in observed.points("scheduling", "jip.access.denied")
        if dict(point.attributes or {}).get("http.response.status_code") == status
    )


# ---------------------------------------------------------------- tokens the platform must not trust


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, Any] = {
        "iss": SIGNER.issuer,
        "aud": SIGNER.audience,
        "sub": "test-ofsted",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "jip_role": "lead_inspector",
        "jip_inspectorate": "ofsted",
    }
    return claims | changes


def unsigned() -> str:
    return jwt.encode(_claims(), "", algorithm="none")


def hmac_with_public_key() -> str:
    """The algorithm-confusion attack: HS256 with the trusted public key's PEM as the shared secret.
    (PyJWT will not sign this, rightly, so it is made by hand.)"""
    secret = SIGNER.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def without_expiry() -> str:
    claims = _claims()
    del claims["exp"]
    return jwt.encode(claims, SIGNER.key, algorithm="EdDSA")


def rsa_signed() -> str:
    """RS256 is an allowed algorithm, but the trusted key is Ed25519: the token must simply not verify."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(_claims(), key, algorithm="RS256")


def ec_signed() -> str:
    return jwt.encode(_claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")


def signed(**changes: Any) -> str:
    """A token signed by the trusted key, with these claims changed."""
    return jwt.encode(_claims(**changes), SIGNER.key, algorithm="EdDSA")


def padded(size: int) -> str:
    """A trusted token, otherwise valid, padded with a claim to exactly `size` characters."""
    padding = 0
    for _ in range(20):
        token = signed(padding="x" * padding)
        if len(token) == size:
            return token
        padding += max(1, (size - len(token)) * 3 // 4) if len(token) < size else -1  # 3 bytes: 4 chars
    raise AssertionError(f"no token of exactly {size} characters")


def not_yet_valid() -> str:
    later = datetime.now(UTC) + timedelta(hours=1)
    return SIGNER.issue("test-ofsted", Role.LEAD_INSPECTOR, "ofsted", nbf=later, iat=later)


# Each gives the Authorization header to send (None: send none).
UNTRUSTED: dict[str, Callable[[], str | None]] = {
    "no Authorization header": lambda: None,
    "not a bearer scheme": lambda: "Basic " + _b64(b"lead:secret"),
    "an empty bearer token": lambda: "Bearer ",
    "not a JWT": lambda: "Bearer not-a-jwt-at-all",
    "signed by another key": lambda: (
        "Bearer "
        + Signer.generate(SIGNER.issuer, SIGNER.audience).issue("test-ofsted", Role.LEAD_INSPECTOR, "ofsted")
    ),
    "expired": lambda: (
        "Bearer " + SIGNER.issue("test-ofsted", Role.LEAD_INSPECTOR, "ofsted", ttl=timedelta(seconds=-120))
    ),
    "not yet valid": lambda: "Bearer " + not_yet_valid(),
    "without an expiry": lambda: "Bearer " + without_expiry(),
    "for another audience": lambda: (
        "Bearer "
        + Signer(SIGNER.key, SIGNER.issuer, "another-platform").issue(
            "test-ofsted", Role.LEAD_INSPECTOR, "ofsted"
        )
    ),
    "from another issuer": lambda: (
        "Bearer "
        + Signer(SIGNER.key, "someone-else", SIGNER.audience).issue(
            "test-ofsted", Role.LEAD_INSPECTOR, "ofsted"
        )
    ),
    "unsigned (alg none)": lambda: "Bearer " + unsigned(),
    "HS256 keyed with the public key": lambda: "Bearer " + hmac_with_public_key(),
    "RS256 (allowed, but not the trusted key's type)": lambda: "Bearer " + rsa_signed(),
    "ES256 (allowed, but not the trusted key's type)": lambda: "Bearer " + ec_signed(),
    "an unknown jip_role": lambda: "Bearer " + SIGNER.issue("test-ofsted", "superuser", "ofsted"),
    "an lscb_chair without jip_area": lambda: "Bearer " + SIGNER.issue("chair-x", Role.LSCB_CHAIR),
    "an inspector without jip_inspectorate": lambda: "Bearer " + SIGNER.issue("test-x", Role.INSPECTOR),
    "an inspector of an unknown inspectorate": lambda: (
        "Bearer " + SIGNER.issue("test-x", Role.INSPECTOR, "nasa")
    ),
    "valid for a week": lambda: (
        "Bearer " + SIGNER.issue("test-ofsted", Role.LEAD_INSPECTOR, "ofsted", ttl=timedelta(days=7))
    ),
    "an exp in the year 2286": lambda: "Bearer " + signed(exp=9_999_999_999),
    "an exp that is a string": lambda: "Bearer " + signed(exp=str(_claims()["exp"])),
    "an iat that is a string": lambda: "Bearer " + signed(iat=str(_claims()["iat"])),
    "an exp that is not a number": lambda: "Bearer " + signed(exp=[_claims()["exp"]]),
    "issued two days ago for 49 hours": lambda: (
        "Bearer " + signed(iat=_claims()["iat"] - 48 * 3600, exp=_claims()["iat"] + 3600)
    ),
    "over the size limit (9 KB)": lambda: "Bearer " + padded(9000),
    "of 1 MB": lambda: "Bearer " + padded(1_000_000),
}


# Verifier.verify catches PyJWTError and ValueError only; PyJWT's RSA and EC algorithms, handed the
# trusted Ed25519 public key object, raise TypeError("Expecting a PEM-formatted key."), so the request fails
# with 500 before any denial is recorded. Anyone can trigger it: only the header's alg matters.


@pytest.mark.parametrize("case", UNTRUSTED)
async def test_a_command_without_a_trusted_token_is_refused_with_401_and_writes_nothing(
    settings: Settings, observed: Observed, case: str
) -> None:
    authorization = UNTRUSTED[case]()
    async with anonymous(scheduling(settings, observed.telemetry("scheduling"))) as client:
        headers = {} if authorization is None else {"Authorization": authorization}
        response = await client.post("/inspections", headers=headers, json=schedule_body())

    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), response.headers
    detail = response.json()["detail"]
    assert isinstance(detail, str), response.text
    assert detail, response.text
    if authorization is not None:
        credentials = authorization.split(" ", 1)[-1]
        if credentials:
            assert credentials not in response.text
            for part in credentials.split("."):
                assert len(part) < 8 or part not in response.text, part
    assert await events_written(settings) == 0
    assert denials(observed, 401) == 1
    assert denials(observed, 403) == 0


async def test_tokens_within_the_limits_are_accepted(settings: Settings) -> None:
    """The limits refuse nothing a provider issues: a 24 h token, an 8 KB one, a fractional exp."""
    now = _claims()["iat"]
    within = {
        "valid for 24 h": SIGNER.issue("test-ofsted", Role.AUDITOR, ttl=timedelta(hours=24)),
        "of 8192 bytes": padded(8192),
        "with a fractional exp": signed(exp=now + 3600.5),
    }
    assert len(within["of 8192 bytes"]) == 8192
    async with anonymous(scheduling(settings)) as client:
        for case, token in within.items():
            response = await client.get("/inspections", headers=bearer(token))
            assert response.status_code == 200, (case, response.text)


async def test_the_refusals_say_which_limit_the_token_broke(settings: Settings) -> None:
    expected = {
        "valid for a week": "valid for 168.0 h (iat to exp), longer than the 24 h",
        "an exp that is a string": "exp must be a number of seconds since 1970",
        "over the size limit (9 KB)": "over the limit of 8192",
    }
    async with anonymous(scheduling(settings)) as client:
        for case, words in expected.items():
            authorization = UNTRUSTED[case]()
            assert authorization is not None
            response = await client.get("/inspections", headers={"Authorization": authorization})
            assert response.status_code == 401, response.text
            assert words in response.json()["detail"], (case, response.text)


# ---------------------------------------------------------------- roles


async def test_a_trusted_caller_whose_role_may_not_make_the_command_gets_403_and_it_is_counted(
    settings: Settings, observed: Observed
) -> None:
    async with anonymous(scheduling(settings, observed.telemetry("scheduling"))) as client:
        wrong_roles = [
            actor("ofsted", "inspector"),
            actor("ofsted", "quality_assurer"),
            auditor(),
            chair("E08000036"),
        ]
        for headers in wrong_roles:
            response = await client.post("/inspections", headers=headers, json=schedule_body())
            assert response.status_code == 403, response.text
            assert "lead_inspector" in response.json()["detail"], response.text
            assert "WWW-Authenticate" not in response.headers
        assert await events_written(settings) == 0

        unauthenticated = await client.post("/inspections", json=schedule_body())
        assert unauthenticated.status_code == 401, unauthenticated.text

        # The role that may: the lead inspector of the lead inspectorate.
        scheduled = await client.post("/inspections", headers=LEAD, json=schedule_body())
        assert scheduled.status_code == 201, scheduled.text
        assert scheduled.json()["inspection_id"]

    assert denials(observed, 403) == len(wrong_roles)
    assert denials(observed, 401) == 1
    by_role = {
        str(point.attributes["jip.role"]): point.value
        for point in observed.points("scheduling", "jip.access.denied")
        if point.attributes["http.response.status_code"] == 403
    }
    assert by_role == {"inspector": 1, "quality_assurer": 1, "auditor": 1, "lscb_chair": 1}
    routes = {
        str(point.attributes["http.route"]) for point in observed.points("scheduling", "jip.access.denied")
    }
    assert routes == {"/inspections"}


async def test_operations_endpoints_are_open_and_the_contract_needs_a_token(settings: Settings) -> None:
    async with anonymous(scheduling(settings)) as client:
        health = await client.get("/health")
        assert health.status_code in (200, 503), health.text
        live = await client.get("/health/live")
        assert live.status_code == 200, live.text
        assert live.json()["status"] == "alive"

        refused = await client.get("/contract/asyncapi.json")
        assert refused.status_code == 401, refused.text
        assert "WWW-Authenticate" in refused.headers
        published = await client.get("/contract/asyncapi.json", headers=auditor())
        assert published.status_code == 200, published.text
        assert "asyncapi" in published.json()


async def test_reads_are_for_inspectors_quality_assurers_and_auditors_not_chairs(settings: Settings) -> None:
    async with anonymous(scheduling(settings)) as client:
        assert (await client.post("/inspections", headers=LEAD, json=schedule_body())).status_code == 201
        for headers in (
            auditor(),
            actor("cqc", "inspector"),
            actor("ofsted", "lead_inspector"),
            actor("hmic", "quality_assurer"),
        ):
            response = await client.get("/inspections", headers=headers)
            assert response.status_code == 200, response.text
            assert len(response.json()) == 1

        as_chair = await client.get("/inspections", headers=chair("E08000036"))
        assert as_chair.status_code == 403, as_chair.text
        assert (await client.get("/inspections")).status_code == 401


# ---------------------------------------------------------------- what is logged


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> list[str]:
        """Each record as a log line could show it: message, arguments and any exception."""
        texts = []
        for record in self.records:
            text = f"{record.getMessage()} {record.args!r} {record.exc_info!r} {record.exc_text or ''}"
            texts.append(text + " " + " ".join(repr(v) for v in vars(record).values()))
        return texts


@contextmanager
def captured() -> Iterator[Captured]:
    """Every record that reaches the root logger, and shared.mechanics.auth's from WARNING up (without
    pytest's caplog, which `-p no:logging` turns off)."""
    handler = Captured()
    root, auth = logging.getLogger(), logging.getLogger("shared.mechanics.auth")
    level = auth.level
    auth.setLevel(logging.WARNING if auth.getEffectiveLevel() > logging.WARNING else auth.getEffectiveLevel())
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        auth.setLevel(level)


async def test_denials_are_logged_with_route_and_role_never_the_token_or_the_user(
    settings: Settings, observed: Observed
) -> None:
    user = f"user-{uuid.uuid4().hex}"
    forbidden_token = SIGNER.issue(user, Role.INSPECTOR, "ofsted")
    expired_token = SIGNER.issue(user, Role.LEAD_INSPECTOR, "ofsted", ttl=timedelta(seconds=-120))
    foreign_token = Signer.generate(SIGNER.issuer, SIGNER.audience).issue(user, Role.LEAD_INSPECTOR, "ofsted")
    with captured() as logs:
        async with anonymous(scheduling(settings, observed.telemetry("scheduling"))) as client:
            forbidden = await client.post(
                "/inspections", headers=bearer(forbidden_token), json=schedule_body()
            )
            assert forbidden.status_code == 403, forbidden.text
            for token in (expired_token, foreign_token):
                response = await client.post("/inspections", headers=bearer(token), json=schedule_body())
                assert response.status_code == 401, response.text

    denied = [r for r in logs.records if r.name == "shared.mechanics.auth" and r.levelno >= logging.WARNING]
    messages = [r.getMessage() for r in denied]
    assert any("403" in m and "POST" in m and "/inspections" in m and "inspector" in m for m in messages), (
        messages
    )
    assert sum("401" in m for m in messages) == 2, messages
    for text in logs.texts():
        for secret in (user, forbidden_token, expired_token, foreign_token):
            assert secret not in text, text
    # Nor do the request spans carry them (the Authorization header is not recorded).
    for span in observed.spans:
        for value in (span.attributes or {}).values():
            for secret in (forbidden_token, expired_token, foreign_token):
                assert secret not in str(value), (span.name, value)


# ---------------------------------------------------------------- body size


async def test_a_body_over_the_limit_is_refused_with_413_and_writes_nothing(settings: Settings) -> None:
    limited = settings.model_copy(update={"max_body_bytes": 2048})
    # A valid command padded to 5000 bytes of JSON (the unknown field would be refused, were it read).
    unpadded = len(json.dumps(schedule_body() | {"padding": ""}))
    content = json.dumps(schedule_body() | {"padding": "x" * (5000 - unpadded)})
    assert len(content) == 5000
    async with anonymous(scheduling(limited)) as client:
        response = await client.post(
            "/inspections", headers={**LEAD, "Content-Type": "application/json"}, content=content
        )
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "too_large", response.text
        assert "2048" in response.json()["detail"]

        # Sent in chunks with no Content-Length, it is refused as it streams in.
        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(content), 1000):
                yield content[start : start + 1000].encode()

        streamed = await client.post(
            "/inspections", headers={**LEAD, "Content-Type": "application/json"}, content=chunks()
        )
        assert streamed.status_code == 413, streamed.text
        assert await events_written(settings) == 0

        # Under the limit, the same command is made.
        made = await client.post("/inspections", headers=LEAD, json=schedule_body())
        assert made.status_code == 201, made.text
    assert await events_written(settings) > 0


async def test_a_token_is_verified_against_an_oidc_provider_s_jwks_without_holding_up_the_service(
    settings: Settings,
) -> None:
    """Trusting an OIDC provider's JWKS, PyJWT fetches it over the network for a key id it has not seen, and
    waits for the answer: the service verifies such a token in a worker thread. Here the JWKS is served on
    the test's own event loop, the one the service answers on, so a fetch made on the loop would wait on
    itself until its timeout, and the token would be refused."""
    provider = FastAPI()
    key = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(SIGNER.key.public_key()))
    asked: list[str] = []

    @provider.get("/jwks")
    async def jwks() -> dict[str, Any]:
        asked.append("jwks")
        return {"keys": [key | {"kid": "provider-1", "use": "sig", "alg": "EdDSA"}]}

    token = jwt.encode(_claims(), SIGNER.key, algorithm="EdDSA", headers={"kid": "provider-1"})
    async with served(provider) as url:
        trusting = settings.model_copy(update={"auth_public_key_file": None, "auth_jwks_url": f"{url}/jwks"})
        service = scheduling(trusting)
        service.app.state.verifier.jwks = jwt.PyJWKClient(f"{url}/jwks", timeout=5)  # refused sooner if held
        async with anonymous(service) as client:
            response = await client.get("/inspections", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert asked == ["jwks"]
