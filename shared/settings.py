"""Settings from environment variables (prefix JIP_), the same names in every service."""

from __future__ import annotations

import socket
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth import Verifier
from shared.topics import events_topic


class KafkaProfile(StrEnum):
    """Client tuning for the broker in use (architecture.md, measured)."""

    TANSU = "tansu"  # the embedded broker: no idempotent producer, short group timeouts
    KAFKA = "kafka"  # Apache Kafka or Redpanda


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIP_", frozen=True)

    mongodb_uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_profile: KafkaProfile = KafkaProfile.KAFKA
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    topic_partitions: int = 3
    topic_replication_factor: int = 1  # raise on a multi-broker cluster
    create_topics: bool = True  # off where the platform's account may not administer topics
    outbox_relay: bool = True  # off to run the relay as its own deployment
    # Prefixes topics, databases and consumer groups, so deployments (or test runs) can share servers.
    namespace: str = Field("jip", pattern=r"^[a-z][a-z0-9-]{0,30}$")
    log_level: str = "INFO"
    # Bearer tokens (shared/auth.py): checked against an OIDC provider's JWKS, or a PEM public key file.
    auth_jwks_url: str | None = None
    auth_public_key_file: Path | None = None
    auth_issuer: str = "jip"
    auth_audience: str = "joint-inspections-platform"
    auth_algorithms: str = "EdDSA,RS256,ES256"  # comma-separated; never "none" or an HMAC
    # Requests with a larger body are refused with 413 before they are read.
    max_body_bytes: int = Field(1_000_000, ge=1024)
    # Spans and metrics also go to JSON-lines files here (the embedded stack's default; `jip traces`).
    telemetry_dir: Path | None = None

    def verifier(self) -> Verifier:
        algorithms = [a.strip() for a in self.auth_algorithms.split(",") if a.strip()]
        unsafe = [a for a in algorithms if a.lower() == "none" or a.upper().startswith("HS")]
        if unsafe:
            raise ValueError(f"JIP_AUTH_ALGORITHMS: {', '.join(unsafe)} cannot be used with public keys")
        return Verifier(
            issuer=self.auth_issuer,
            audience=self.auth_audience,
            algorithms=algorithms,
            public_key_file=self.auth_public_key_file,
            jwks_url=self.auth_jwks_url,
        )

    def database_name(self, service: str) -> str:
        return f"{self.namespace}_{service}".replace("-", "_")

    def events_topic(self, context: str) -> str:
        return events_topic(self.namespace, context)

    def consumer_group(self, service: str, projection: str) -> str:
        return f"{self.namespace}.{service}.{projection}"

    def relay_owner(self) -> str:
        # Stable across a restart of the same instance, so it takes its lease back at once.
        return f"{socket.gethostname()}:{self.http_port}"

    def producer_options(self) -> dict[str, Any]:
        idempotent = self.kafka_profile is KafkaProfile.KAFKA  # tansu fails InitProducerId
        return {
            "bootstrap_servers": self.kafka_bootstrap_servers,
            "acks": "all",
            "enable_idempotence": idempotent,
            "linger_ms": 0,
        }

    def consumer_options(self) -> dict[str, Any]:
        if self.kafka_profile is KafkaProfile.TANSU:
            # tansu: group joins take half the session timeout. On its s3 storage a fetch returns only
            # what it read within fetch_max_wait_ms, so 10 ms (right for memory storage) starves readers.
            return {
                "session_timeout_ms": 3000,
                "heartbeat_interval_ms": 300,
                "rebalance_timeout_ms": 3000,
                "fetch_max_wait_ms": 50,
            }
        return {"session_timeout_ms": 10000, "heartbeat_interval_ms": 3000, "fetch_max_wait_ms": 100}
