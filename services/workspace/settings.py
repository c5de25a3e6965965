"""The workspace's settings, from environment variables (prefix JIP_), like every service's.

- JIP_SCHEDULING_URL … JIP_REPORTING_URL: where the five services answer (`jip demo` reads the same names).
- JIP_WORKSPACE_SIGNING_KEY_FILE: the embedded stack's own token signing key (`<data dir>/auth/
  signing-key.pem`, as `jip token` uses it). Given, the sign-in page lets you choose who you are and issues
  your token with it; `jip stack up` gives it, and a production deployment must not. Not given, the
  workspace issues no token.
- JIP_WORKSPACE_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _SCOPES: production sign-in through the identity
  provider, OpenID Connect (services/workspace/oidc.py). The issuer's discovery document is read from
  `<issuer>/.well-known/openid-configuration`; the client is the workspace's registration there, and the
  scopes those it asks for ("openid profile"). Given with the signing key above, the workspace will not
  start: production must not hold the stack's key.
- JIP_WORKSPACE_PUBLIC_URL: the address people open (https://workspace.example.gov.uk), from which the
  provider's redirect back (`/sign-in/callback`) is made; unset, from the request's own address, which is
  right only where the proxy in front passes the original host and scheme on.
- JIP_WORKSPACE_SESSION_SECRET: the key that signs session cookies. Replicas behind one address need the
  same; unset, each process makes its own at start, so a restart signs everyone out.
- JIP_WORKSPACE_SESSION_HOURS: how long a sign-in lasts (the token's lifetime too; 8 h, a working day).

The two secrets, the session secret and the OIDC client secret, are read as the services read their
credentials (shared/mechanics/settings.py, SecretFilesFirst): a file in JIP_SECRETS_DIR
(jip_workspace_session_secret, jip_workspace_oidc_client_secret) wins over the environment, and the same
variable set there to another value stops the workspace."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.mechanics.settings import SecretsFirst
from shared.mechanics.signing import AUDIENCE, ISSUER

SERVICE_NAMES = ("scheduling", "evidence", "judgement", "lscb", "reporting")
# The settings that are credentials: a file for one of them in JIP_SECRETS_DIR is the setting.
WORKSPACE_SECRETS = ("workspace_session_secret", "workspace_oidc_client_secret")


class WorkspaceSettings(SecretsFirst):
    model_config = SettingsConfigDict(env_prefix="JIP_", frozen=True)
    SECRETS = WORKSPACE_SECRETS

    scheduling_url: str = "http://127.0.0.1:18111"
    evidence_url: str = "http://127.0.0.1:18112"
    judgement_url: str = "http://127.0.0.1:18113"
    lscb_url: str = "http://127.0.0.1:18114"
    reporting_url: str = "http://127.0.0.1:18115"
    workspace_signing_key_file: Path | None = None
    workspace_oidc_issuer: str | None = None
    workspace_oidc_client_id: str | None = None
    workspace_oidc_client_secret: SecretStr | None = Field(None, repr=False)
    workspace_oidc_scopes: str = "openid profile"
    workspace_public_url: str | None = None
    workspace_session_secret: SecretStr | None = Field(None, repr=False)
    workspace_session_hours: float = Field(8.0, gt=0, le=24)
    auth_issuer: str = ISSUER
    auth_audience: str = AUDIENCE
    log_level: str = "INFO"

    def service_urls(self) -> dict[str, str]:
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICE_NAMES}
