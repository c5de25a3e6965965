"""The workspace's settings, from environment variables (prefix JIP_), like every service's.

- JIP_SCHEDULING_URL … JIP_REPORTING_URL: where the five services answer (`jip demo` reads the same names).
- JIP_WORKSPACE_SIGNING_KEY_FILE: the embedded stack's own token signing key (`<data dir>/auth/
  signing-key.pem`, as `jip token` uses it). Given, the sign-in page lets you choose who you are and issues
  your token with it; `jip stack up` gives it, and a production deployment must not. Not given, the
  workspace issues no token.
- JIP_WORKSPACE_SESSION_SECRET: the key that signs session cookies. Replicas behind one address need the
  same; unset, each process makes its own at start, so a restart signs everyone out.
- JIP_WORKSPACE_SESSION_HOURS: how long a sign-in lasts (the token's lifetime too; 8 h, a working day)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAMES = ("scheduling", "evidence", "judgement", "lscb", "reporting")


class WorkspaceSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIP_", frozen=True, secrets_dir=os.environ.get("JIP_SECRETS_DIR") or None
    )

    scheduling_url: str = "http://127.0.0.1:18111"
    evidence_url: str = "http://127.0.0.1:18112"
    judgement_url: str = "http://127.0.0.1:18113"
    lscb_url: str = "http://127.0.0.1:18114"
    reporting_url: str = "http://127.0.0.1:18115"
    workspace_signing_key_file: Path | None = None
    workspace_session_secret: SecretStr | None = Field(None, repr=False)
    workspace_session_hours: float = Field(8.0, gt=0, le=24)
    auth_issuer: str = "jip"
    auth_audience: str = "joint-inspections-platform"
    log_level: str = "INFO"

    def service_urls(self) -> dict[str, str]:
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICE_NAMES}
