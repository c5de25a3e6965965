"""The session: who is signed in, in one signed cookie, with the CSRF token every form carries.

- The cookie holds the user's bearer token and who they are, signed (itsdangerous, HMAC-SHA1 over the
  value and its time) with the workspace's secret, so it cannot be made or changed without it; it is read
  only while younger than the session's lifetime. `HttpOnly` (no script reads it), `SameSite=Lax` (no
  other site's form or script sends it with a POST), and `Secure` unless the request came over plain HTTP
  from and to a loopback address: `jip stack up` serves http://127.0.0.1, where there is no TLS to keep
  the cookie to and no network for it to cross. Anywhere else (behind a TLS proxy, on a network) it is
  `Secure`, and a browser will not send it over plain HTTP.
- CSRF: a random token bound to the session (made with it, kept in the signed cookie, replaced at every
  sign-in and sign-out) is put in every form as `csrf_token` and must come back equal (compared in
  constant time) with every POST. Another site can make the browser post, but cannot read the page to
  learn the token, nor sign a cookie holding one of its own."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "jip_workspace"
CSRF_FIELD = "csrf_token"
SALT = "jip-workspace-session"


@dataclass(frozen=True)
class Session:
    """A browser's session: its CSRF token always; once signed in, the user's token and who they are."""

    csrf: str
    token: str | None = None
    user: str | None = None
    role: str | None = None
    inspectorate: str | None = None
    area_code: str | None = None
    area_name: str | None = None

    @classmethod
    def anonymous(cls) -> Session:
        return cls(csrf=secrets.token_urlsafe(32))

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    def signed_in_as(
        self,
        token: str,
        user: str,
        role: str,
        inspectorate: str | None,
        area_code: str | None,
        area_name: str | None,
    ) -> Session:
        """A new session for the user, with a new CSRF token: nothing of the one before carries over."""
        return Session(secrets.token_urlsafe(32), token, user, role, inspectorate, area_code, area_name)

    def with_csrf(self, csrf: str) -> Session:
        return replace(self, csrf=csrf)


class SessionCodec:
    """Session to cookie value and back, signed with the secret; a value too old, altered or signed with
    another secret reads as no session."""

    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt=SALT)
        self.max_age = max_age_seconds

    def dumps(self, session: Session) -> str:
        return self.serializer.dumps(asdict(session))

    def loads(self, value: str | None) -> Session | None:
        if not value:
            return None
        try:
            data: Any = self.serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is one
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        fields = {name: data.get(name) for name in Session.__dataclass_fields__}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            return None
        text: dict[str, str | None] = fields
        return Session(
            csrf=data["csrf"],
            token=text["token"],
            user=text["user"],
            role=text["role"],
            inspectorate=text["inspectorate"],
            area_code=text["area_code"],
            area_name=text["area_name"],
        )


def csrf_valid(session: Session | None, sent: object) -> bool:
    """Whether a form's `csrf_token` is its session's, compared in constant time."""
    if session is None or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(session.csrf.encode(), sent.encode())


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cookie_secure(scheme: str, server_host: str | None, client_host: str | None) -> bool:
    """`Secure` unless the request is plain HTTP to a loopback host from a loopback client."""
    return not (scheme == "http" and _loopback(server_host) and _loopback(client_host))
