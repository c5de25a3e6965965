"""Who is asking: bearer tokens (JWT) checked in every service, and the roles that may act.

A token's signature, issuer, audience, expiry and not-before are checked against the configured keys:
an OIDC provider's JWKS (JIP_AUTH_JWKS_URL) in production, or a public key file
(JIP_AUTH_PUBLIC_KEY_FILE) such as the one the embedded stack generates. A token over
JIP_AUTH_MAX_TOKEN_BYTES is refused before it is decoded; its exp, iat and nbf must be numbers (RFC 7519
NumericDate), and it may be valid, iat to exp, for JIP_AUTH_MAX_TOKEN_LIFETIME_SECONDS at most: a bearer
token cannot be revoked, so its lifetime is how long a stolen one works. Its claims say who acts:

  sub                the user's id (never their name)
  jip_role           inspector, lead_inspector, quality_assurer, lscb_chair or auditor
  jip_inspectorate   the inspector's inspectorate (not for an LSCB chair)
  jip_area           the LSCB chair's area code (e.g. E08000036)

Each service's API names the roles that may call each endpoint (`authorise`); the service's own rules
then decide what an actor of that role may do to a given inspection (its own inspectorate, its own
area)."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, NoReturn

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from shared.mechanics.envelope import IDENTIFIER_PATTERN, Actor, Inspectorate
from shared.mechanics.metrics import Metrics
from shared.mechanics.signing import Role as Role
from shared.mechanics.signing import Signer as Signer

log = logging.getLogger(__name__)


# Who may call what, by kind of endpoint (each API's access table gives each command one of these).
INSPECTORS = frozenset({Role.INSPECTOR, Role.LEAD_INSPECTOR})  # record and propose for their inspectorate
LEAD = frozenset({Role.LEAD_INSPECTOR})  # schedule, moderate, draft, decide: the lead's work
QUALITY = frozenset({Role.QUALITY_ASSURER})  # quality assurance of judgements and reports
CHAIR = frozenset({Role.LSCB_CHAIR})  # the factual-accuracy response, and nothing else
READERS = frozenset({Role.INSPECTOR, Role.LEAD_INSPECTOR, Role.QUALITY_ASSURER, Role.AUDITOR})
DOCUMENT_READERS = READERS | CHAIR  # a chair reads the documents of their own area


class AuthError(Exception):
    """A token that cannot be accepted; the message says why, without the token."""


@dataclass(frozen=True)
class Principal:
    """The verified caller."""

    user: str
    role: Role
    inspectorate: Inspectorate | None
    area_code: str | None

    @property
    def actor(self) -> Actor:
        return Actor(inspectorate=self.inspectorate, role=self.role.value, user=self.user)


def principal_of(claims: dict[str, Any]) -> Principal:
    if not re.fullmatch(IDENTIFIER_PATTERN, str(claims.get("sub", ""))) or len(str(claims["sub"])) > 128:
        raise AuthError("the token's sub must be a user id: letters, digits and . _ : - only")
    try:
        role = Role(claims.get("jip_role", ""))
    except ValueError:
        raise AuthError(f"the token's jip_role is not one of: {', '.join(Role)}") from None
    inspectorate = claims.get("jip_inspectorate")
    if role is Role.LSCB_CHAIR:
        area = claims.get("jip_area")
        if not isinstance(area, str) or not area:
            raise AuthError("an lscb_chair token must name the chair's area (jip_area)")
        return Principal(str(claims["sub"]), role, None, area)
    if role is Role.AUDITOR and inspectorate is None:
        return Principal(str(claims["sub"]), role, None, None)
    try:
        return Principal(str(claims["sub"]), role, Inspectorate(str(inspectorate)), None)
    except ValueError:
        raise AuthError(
            f"a {role} token must name the inspectorate (jip_inspectorate): one of {', '.join(Inspectorate)}"
        ) from None


class Verifier:
    """Checks tokens against a JWKS URL or a PEM public key file."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        algorithms: list[str],
        public_key_file: Path | None = None,
        jwks_url: str | None = None,
        leeway_seconds: int = 30,
        max_token_bytes: int = 8192,
        max_lifetime_seconds: int = 86_400,
    ) -> None:
        if (public_key_file is None) == (jwks_url is None):
            raise ValueError(
                "authentication needs exactly one of JIP_AUTH_PUBLIC_KEY_FILE (a PEM public key) or "
                "JIP_AUTH_JWKS_URL (the OIDC provider's JWKS); `jip stack up` sets the first for the "
                "embedded stack"
            )
        self.issuer, self.audience, self.algorithms = issuer, audience, algorithms
        self.leeway = leeway_seconds
        self.max_token_bytes, self.max_lifetime = max_token_bytes, max_lifetime_seconds
        self.public_key_file = public_key_file
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300) if jwks_url else None

    @property
    def may_fetch_keys(self) -> bool:
        """Whether verifying a token may fetch the provider's keys over the network (an OIDC provider's
        JWKS, for a key id not yet seen): such a verification belongs in a worker thread."""
        return self.jwks is not None

    @cached_property
    def _public_key(self) -> Any:
        assert self.public_key_file is not None
        return serialization.load_pem_public_key(self.public_key_file.read_bytes())

    def verify(self, token: str) -> Principal:
        if len(token) > self.max_token_bytes:
            raise AuthError(
                f"the token is {len(token)} bytes, over the limit of {self.max_token_bytes}: ask the "
                "identity provider for a smaller one (fewer claims or groups)"
            )
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key if self.jwks else self._public_key
            claims = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("the token has expired: get a new one") from None
        except jwt.InvalidAudienceError:
            raise AuthError(
                f"the token is not for this platform (audience must be {self.audience})"
            ) from None
        except jwt.InvalidIssuerError:
            raise AuthError(f"the token was not issued by {self.issuer}") from None
        except jwt.InvalidSignatureError:
            raise AuthError("the token's signature does not verify") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"the token has no {exc.claim} claim") from None
        except Exception as exc:  # PyJWT raises TypeError for an algorithm that does not fit the key
            raise AuthError(f"the token is not valid: {type(exc).__name__}") from None
        self.check_lifetime(claims)
        return principal_of(claims)

    def check_lifetime(self, claims: Mapping[str, Any]) -> None:
        """The times PyJWT has checked, as RFC 7519 has them (PyJWT takes "exp": "9999999999" too), and
        a lifetime, iat to exp, within the limit. With iat checked not to be in the future, this bounds
        how long from now the token can be used."""
        times = {name: claims[name] for name in ("exp", "iat", "nbf") if name in claims}
        for name, value in times.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise AuthError(
                    f"the token's {name} must be a number of seconds since 1970 (RFC 7519 NumericDate), "
                    f"not a {type(value).__name__}: get a standard token from the identity provider"
                )
        lifetime = times["exp"] - times["iat"]
        if lifetime > self.max_lifetime:
            raise AuthError(
                f"the token is valid for {lifetime / 3600:.1f} h (iat to exp), longer than the "
                f"{self.max_lifetime / 3600:g} h this platform accepts: get a shorter-lived one"
            )


_bearer = HTTPBearer(auto_error=False, description="A JWT from the platform's identity provider")


async def authenticated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller, from the bearer token; 401 if there is none or it does not verify. Verified on the event
    loop against a key file (a signature check, well under a millisecond: the dependencies of a request cost
    no hop to a worker thread), and in a worker thread against an OIDC provider's JWKS, which PyJWT may
    fetch over the network (a key id it has not seen)."""
    if credentials is None:
        deny(request, "send a bearer token: Authorization: Bearer <JWT> (`jip token` issues one)", 401)
    verifier: Verifier = request.app.state.verifier
    try:
        if verifier.may_fetch_keys:
            principal = await run_in_threadpool(verifier.verify, credentials.credentials)
        else:
            principal = verifier.verify(credentials.credentials)
    except AuthError as exc:
        deny(request, str(exc), 401)
    request.state.principal = principal
    return principal


Access = Mapping[tuple[str, str], frozenset[Role]]


def authorise(access: Access) -> Callable[..., Awaitable[Principal]]:
    """A router's dependency: the caller, if their role may call the endpoint; 403 otherwise. `access`
    names the roles of each command (method, route template); a read not named is for READERS, and a
    command not named is refused: an endpoint without a rule is closed, not open."""

    async def check(request: Request, principal: Annotated[Principal, Depends(authenticated)]) -> Principal:
        route = getattr(request.scope.get("route"), "path", "")
        roles = access.get((request.method, route), READERS if request.method == "GET" else None)
        if roles is None:
            deny(request, "this endpoint has no access rule, so no role may call it")
        elif principal.role not in roles:
            deny(request, f"the {principal.role} role may not do this: it is for {', '.join(sorted(roles))}")
        return principal

    return check


class AccessDenied(Exception):
    """A request refused for want of a valid token (401) or outside the caller's role (403): answered
    `{"error": "unauthenticated" | "forbidden", "detail": reason}` (shared/mechanics/http.py)."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


def deny(request: Request, reason: str, status: int = 403) -> NoReturn:
    """Refuse, logged and counted."""
    record_denial(request, reason, status)
    raise AccessDenied(reason, status)


def record_denial(request: Request, reason: str, status: int = 403) -> None:
    """Log and count a refusal. The log line names the route, the role and the reason: never the user,
    the token or anything the request carried."""
    principal: Principal | None = getattr(request.state, "principal", None)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    role = principal.role.value if principal else "none"
    log.warning("refused with %d: %s %s as %s: %s", status, request.method, route, role, reason)
    metrics: Metrics | None = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.denials.add(
            1,
            {
                "http.request.method": request.method,
                "http.route": route,
                "http.response.status_code": status,
                "jip.role": role,
            },
        )
    request.state.rejection = "forbidden" if status == 403 else "unauthenticated"
