"""Who a token says acts, and how the embedded stack issues one: the inspectorates and the roles, the
default issuer and audience, and the Ed25519 signer.

Kept apart from shared.mechanics.auth (which checks tokens inside the services, with FastAPI) so that `jip
token` and the other commands that issue tokens import only cryptography's Ed25519."""

from __future__ import annotations

import base64
import json
from calendar import timegm
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# The token's issuer and audience, unless JIP_AUTH_ISSUER and JIP_AUTH_AUDIENCE say otherwise.
ISSUER = "jip"
AUDIENCE = "joint-inspections-platform"


class Inspectorate(StrEnum):
    """The inspectorates of domain.md; HMCPSI joins only when triggered (002 §33)."""

    OFSTED = "ofsted"
    CQC = "cqc"
    HMIC = "hmic"
    HMI_PROBATION = "hmi_probation"
    HMI_PRISONS = "hmi_prisons"
    HMCPSI = "hmcpsi"


class Role(StrEnum):
    INSPECTOR = "inspector"
    LEAD_INSPECTOR = "lead_inspector"
    QUALITY_ASSURER = "quality_assurer"
    LSCB_CHAIR = "lscb_chair"
    AUDITOR = "auditor"


class Signer:
    """Issues tokens with an Ed25519 key: the embedded stack's own issuer (`jip token`), and the tests'."""

    def __init__(self, private_key: Ed25519PrivateKey, issuer: str, audience: str) -> None:
        self.key, self.issuer, self.audience = private_key, issuer, audience

    @classmethod
    def generate(cls, issuer: str, audience: str) -> Signer:
        return cls(Ed25519PrivateKey.generate(), issuer, audience)

    @classmethod
    def load_or_create(cls, directory: Path, issuer: str, audience: str) -> Signer:
        """The key in `directory/signing-key.pem`, made (readable by its owner only) on first use, with
        its public half beside it in `public-key.pem` for the services."""
        private = directory / "signing-key.pem"
        if not private.exists():
            signer = cls.generate(issuer, audience)
            signer.save(directory)
            return signer
        key = serialization.load_pem_private_key(private.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{private} is not an Ed25519 private key")
        return cls(key, issuer, audience)

    def save(self, directory: Path) -> None:
        """The key to `directory/signing-key.pem` (readable by its owner only), its public half beside it."""
        directory.mkdir(parents=True, exist_ok=True)
        private = directory / "signing-key.pem"
        private.touch(mode=0o600)
        private.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        self.write_public_key(directory / "public-key.pem")

    def write_public_key(self, path: Path) -> None:
        path.write_bytes(
            self.key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )

    def issue(
        self,
        user: str,
        role: Role | str,
        inspectorate: Inspectorate | str | None = None,
        area_code: str | None = None,
        ttl: timedelta = timedelta(hours=8),
        **claims: Any,
    ) -> str:
        now = datetime.now(UTC)
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jip_role": str(role),
        }
        if inspectorate is not None:
            payload["jip_inspectorate"] = str(inspectorate)
        if area_code is not None:
            payload["jip_area"] = area_code
        return compact_jws(payload | claims, self.key)


def compact_jws(claims: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The claims as a JWT signed with EdDSA (RFC 7515 compact serialisation, RFC 8037 Ed25519), as
    PyJWT's `encode` makes it, times as NumericDate; written here because importing PyJWT costs `jip token`
    most of its start-up (it loads every algorithm and X.509). The services check tokens with PyJWT."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def numeric(value: Any) -> Any:
        return timegm(value.utctimetuple()) if isinstance(value, datetime) else value

    header = {"alg": "EdDSA", "typ": "JWT"}
    body = {name: numeric(value) for name, value in claims.items()}
    signed = ".".join(b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, body))
    return f"{signed}.{b64(key.sign(signed.encode()))}"
