"""Production sign-in: OpenID Connect against the platform's identity provider.

The authorisation code flow with PKCE (RFC 7636, S256). `/sign-in/oidc` makes a `state`, a `nonce` and a
code verifier, keeps them in a short-lived signed cookie of their own (`jip_workspace_oidc`, 10 minutes,
sent back only to `/sign-in/callback`) and sends the browser to the provider's authorisation endpoint with
the verifier's challenge. At `/sign-in/callback` the `state` must be the cookie's; the code is exchanged at
the token endpoint with the verifier (and the client secret, HTTP Basic, where the workspace has one); the
ID token must be signed by a key of the provider's JWKS with an asymmetric algorithm, issued by the
configured issuer, for this client (audience), unexpired and carrying the `nonce` sent.

The services are called with the provider's **access token**, which must be a JWT the services accept
(shared/mechanics/auth.py): signed by the same JWKS, issued by the same issuer, audience
`joint-inspections-platform` (JIP_AUTH_AUDIENCE) and carrying `sub`, `jip_role` and `jip_inspectorate` or
`jip_area`. The workspace checks it as they will, so someone the platform would refuse is told so at sign-in,
not on the first page; who is signed in (the Session) is read from it. It must be the same user as the ID
token's. No refresh token is asked for: when the access token expires the services refuse it, and the
workspace sends the user to sign in again (app.py, a Refusal that signs out), which the provider's own session
makes one click.

The session cookie holds the access token: a browser keeps a cookie of at most 4,096 bytes (name and
value), so a sign-in whose cookie would be larger is refused, saying how large the token is. Authlib makes
the authorisation request and the PKCE challenge (its own httpx client now asks for httpx2, so the requests
go through the workspace's httpx client); PyJWT checks the tokens, as the services do."""

from __future__ import annotations

import hmac
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import jwt
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import BadSignature, URLSafeTimedSerializer

from shared.mechanics.auth import AuthError, Principal, principal_of

from .settings import WorkspaceSettings

PENDING_COOKIE = "jip_workspace_oidc"
PENDING_SALT = "jip-workspace-oidc"
PENDING_SECONDS = 600  # from leaving for the provider to coming back
CALLBACK = "/sign-in/callback"
COOKIE_LIMIT = 4096  # what a browser keeps of one cookie, name and value (RFC 6265 §6.1)
# Asymmetric algorithms only: never "none", never an HMAC keyed with the client secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
LEEWAY_SECONDS = 30


class SignInFailed(Exception):
    """A sign-in the provider, or this workspace, would not complete: what happened and what to do."""

    def __init__(self, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.detail, self.status = detail, status


@dataclass(frozen=True)
class Pending:
    """A sign-in on its way through the provider: what the callback must find again."""

    state: str
    nonce: str
    verifier: str
    redirect_uri: str


@dataclass(frozen=True)
class SignedIn:
    """Who came back from the provider: the access token for the services, and who it says they are."""

    token: str
    principal: Principal


class PendingCodec:
    """Pending sign-ins to cookie values and back, signed with the session secret (another salt)."""

    def __init__(self, secret_keys: list[bytes]) -> None:
        self.serializer = URLSafeTimedSerializer(secret_keys, salt=PENDING_SALT)

    def dumps(self, pending: Pending) -> str:
        return self.serializer.dumps(asdict(pending))

    def loads(self, value: str | None) -> Pending | None:
        if not value:
            return None
        try:
            data: Any = self.serializer.loads(value, max_age=PENDING_SECONDS)
        except BadSignature:
            return None
        fields = Pending.__dataclass_fields__
        if not isinstance(data, dict) or set(data) != set(fields):
            return None
        if not all(isinstance(value, str) for value in data.values()):
            return None
        return Pending(**data)


class OpenIdConnect:
    """The workspace as a client of the identity provider."""

    def __init__(
        self, issuer: str, client_id: str, client_secret: str | None, scopes: str, audience: str
    ) -> None:
        self.issuer, self.client_id, self.client_secret = issuer, client_id, client_secret
        self.scopes, self.audience = scopes, audience
        self._metadata: dict[str, Any] | None = None
        self._keys: jwt.PyJWKSet | None = None

    async def metadata(self, http: httpx.AsyncClient) -> dict[str, Any]:
        """The provider's discovery document, read once; its issuer must be the one configured."""
        if self._metadata is None:
            url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            found = await _get_json(http, url)
            if found.get("issuer") != self.issuer:
                raise SignInFailed(
                    f"the identity provider at {url} names its issuer {found.get('issuer')!r}, not "
                    f"{self.issuer!r} (JIP_WORKSPACE_OIDC_ISSUER): tell the platform's administrators",
                    502,
                )
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(found.get(name), str):
                    raise SignInFailed(f"the identity provider's discovery document has no {name}", 502)
            self._metadata = found
        return self._metadata

    async def start(self, http: httpx.AsyncClient, redirect_uri: str) -> tuple[str, Pending]:
        """Where to send the browser, and what to keep until it comes back."""
        metadata = await self.metadata(http)
        pending = Pending(generate_token(43), generate_token(43), generate_token(64), redirect_uri)
        url = prepare_grant_uri(
            metadata["authorization_endpoint"],
            self.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.scopes,
            state=pending.state,
            nonce=pending.nonce,
            code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )
        return str(url), pending

    async def finish(
        self, http: httpx.AsyncClient, pending: Pending | None, answer: dict[str, str]
    ) -> SignedIn:
        """The provider's answer at the callback, checked, and the code exchanged for the tokens."""
        if pending is None:
            raise SignInFailed(
                "this browser has no sign-in under way: it took more than 10 minutes, or it was started "
                "in another browser. Start again"
            )
        ours = hmac.compare_digest(answer.get("state", "").encode(), pending.state.encode())
        if "error" in answer:  # a refusal signs nobody in; its own words only with this sign-in's state
            said = (answer.get("error_description") if ours else None) or answer["error"][:64]
            raise SignInFailed(f"the identity provider did not sign you in ({said}). Start again", 401)
        if not ours:
            raise SignInFailed(
                "the answer from the identity provider is not for the sign-in this browser started. "
                "Start again"
            )
        if not answer.get("code"):
            raise SignInFailed("the identity provider sent no authorisation code. Start again")
        metadata = await self.metadata(http)
        tokens = await self._exchange(http, metadata["token_endpoint"], answer["code"], pending)
        identity = await self._id_token(http, tokens.get("id_token"), pending.nonce)
        access = tokens.get("access_token")
        principal = await self._access_token(http, access)
        if principal.user != identity.get("sub"):
            raise SignInFailed("the access token is for another user than the ID token", 401)
        assert isinstance(access, str)
        return SignedIn(access, principal)

    async def _exchange(
        self, http: httpx.AsyncClient, endpoint: str, code: str, pending: Pending
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": pending.verifier,
            "client_id": self.client_id,
        }
        # A confidential client authenticates with HTTP Basic (client_secret_basic); a public one by PKCE
        # alone (httpx.Auth() adds nothing).
        secret = self.client_secret
        auth = httpx.BasicAuth(self.client_id, secret) if secret else httpx.Auth()
        try:
            answer = await http.post(endpoint, data=form, auth=auth, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise SignInFailed(
                f"the identity provider could not be reached ({type(exc).__name__}): try again in a few "
                "minutes",
                503,
            ) from None
        body = _json_object(answer)
        if answer.status_code != 200 or not isinstance(body.get("access_token"), str):
            said = body.get("error_description") or body.get("error") or f"HTTP {answer.status_code}"
            raise SignInFailed(
                f"the identity provider refused to issue your token ({said}). Start again", 401
            )
        return body

    async def _id_token(self, http: httpx.AsyncClient, token: object, nonce: str) -> dict[str, Any]:
        if not isinstance(token, str):
            raise SignInFailed("the identity provider sent no ID token: is `openid` among the scopes?", 502)
        claims = await self._decode(
            http, token, "ID token", self.client_id, ["exp", "iat", "sub", "iss", "aud", "nonce"]
        )
        if not hmac.compare_digest(str(claims["nonce"]).encode(), nonce.encode()):
            raise SignInFailed(
                "the ID token is not for the sign-in this browser started (nonce). Start again", 401
            )
        return claims

    async def _access_token(self, http: httpx.AsyncClient, token: object) -> Principal:
        if not isinstance(token, str) or token.count(".") != 2:
            raise SignInFailed(
                "the identity provider's access token is not a JWT, so the platform's services cannot check "
                "it: ask its administrators to issue JWT access tokens for the audience "
                f"{self.audience}",
                502,
            )
        claims = await self._decode(
            http, token, "access token", self.audience, ["exp", "iat", "sub", "iss", "aud"]
        )
        try:
            return principal_of(claims)
        except AuthError as exc:
            raise SignInFailed(
                f"your account has no place on this platform yet: {exc}. Ask the platform's administrators "
                "to give your account its role, and its inspectorate or area, at the identity provider",
                403,
            ) from None

    async def _decode(
        self, http: httpx.AsyncClient, token: str, what: str, audience: str, required: list[str]
    ) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key(http, header.get("kid"))
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError:
            raise SignInFailed(
                f"the {what} had already expired: is this server's clock right?", 401
            ) from None
        except jwt.InvalidAudienceError:
            raise SignInFailed(f"the {what} is not for {audience} (its audience)", 401) from None
        except jwt.InvalidIssuerError:
            raise SignInFailed(f"the {what} was not issued by {self.issuer}", 401) from None
        except jwt.MissingRequiredClaimError as exc:
            raise SignInFailed(f"the {what} has no {exc.claim} claim", 401) from None
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"the {what} is not valid ({type(exc).__name__})", 401) from None
        return claims

    async def _key(self, http: httpx.AsyncClient, kid: object) -> jwt.PyJWK:
        """The signing key named by a token's header, from the provider's JWKS (read again, once, for a key
        it did not have: the provider has rolled its keys)."""
        for fresh in (False, True):
            if self._keys is None or fresh:
                metadata = await self.metadata(http)
                try:
                    self._keys = jwt.PyJWKSet.from_dict(await _get_json(http, metadata["jwks_uri"]))
                except jwt.PyJWKSetError as exc:
                    raise SignInFailed(f"the identity provider's JWKS cannot be read ({exc})", 502) from None
            keys = [k for k in self._keys.keys if k.public_key_use in (None, "sig")]
            found = [k for k in keys if k.key_id == kid] if kid is not None else keys
            if len(found) == 1:
                return found[0]
        raise SignInFailed("the token is signed with a key the identity provider does not publish", 401)


async def _get_json(http: httpx.AsyncClient, url: str) -> dict[str, Any]:
    try:
        answer = await http.get(url, headers={"Accept": "application/json"}, timeout=10)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        raise SignInFailed(
            f"the identity provider could not be reached at {url} ({type(exc).__name__}): try again in a "
            "few minutes; if it goes on, tell the platform's administrators",
            503,
        ) from None
    body = _json_object(answer)
    if not body:
        raise SignInFailed(f"the identity provider's answer at {url} is not a JSON object", 502)
    return body


def _json_object(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def cookie_too_big(name: str, value: str) -> bool:
    return len(name) + 1 + len(value) > COOKIE_LIMIT


def oidc_of(settings: WorkspaceSettings) -> OpenIdConnect | None:
    """The identity provider, where one is configured; a workspace configured both with it and with the
    embedded stack's signing key, or with half of it, does not start."""
    issuer, client_id = settings.workspace_oidc_issuer, settings.workspace_oidc_client_id
    if issuer is None and client_id is None:
        return None
    if settings.workspace_signing_key_file is not None:
        raise SystemExit(
            "JIP_WORKSPACE_SIGNING_KEY_FILE and JIP_WORKSPACE_OIDC_ISSUER are both set: the first is the "
            "embedded stack's own key, which makes tokens anyone would accept, and a workspace signing "
            "people in through an identity provider must not hold it. Remove one of the two"
        )
    if not issuer or not client_id:
        raise SystemExit(
            "JIP_WORKSPACE_OIDC_ISSUER and JIP_WORKSPACE_OIDC_CLIENT_ID go together: set both (and "
            "jip_workspace_oidc_client_secret in JIP_SECRETS_DIR for a confidential client)"
        )
    if "openid" not in settings.workspace_oidc_scopes.split():
        raise SystemExit("JIP_WORKSPACE_OIDC_SCOPES must include openid")
    secret = settings.workspace_oidc_client_secret
    secret_value = secret.get_secret_value().strip() if secret else ""
    return OpenIdConnect(
        issuer,
        client_id,
        secret_value or None,  # none, or an empty file: a public client, PKCE alone
        settings.workspace_oidc_scopes,
        settings.auth_audience,
    )
