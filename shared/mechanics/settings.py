"""Settings from environment variables (prefix JIP_), the same names in every service."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Literal

from aiokafka.helpers import create_ssl_context
from pydantic import Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from shared.mechanics.auth import Verifier
from shared.mechanics.signing import AUDIENCE, ISSUER
from shared.mechanics.topics import events_topic


class KafkaProfile(StrEnum):
    """Client tuning for the broker in use (architecture.md, measured)."""

    TANSU = "tansu"  # the embedded broker: no idempotent producer, short group timeouts
    KAFKA = "kafka"  # Apache Kafka or Redpanda


class KafkaSecurityProtocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"


class SaslMechanism(StrEnum):
    PLAIN = "PLAIN"
    SCRAM_SHA_256 = "SCRAM-SHA-256"
    SCRAM_SHA_512 = "SCRAM-SHA-512"


# The settings that are credentials: the MongoDB URIs carry a user and password, and the Kafka SASL pair.
# Where JIP_SECRETS_DIR holds a file for one of them, that file is the setting (below).
SECRET_SETTINGS = ("mongodb_uri", "subject_keys_uri", "kafka_sasl_username", "kafka_sasl_password")


class SecretConflictError(SettingsError):
    """A credential given both by its secret file and by the environment, with different values."""


class SecretFilesFirst(PydanticBaseSettingsSource):
    """The credentials' secret files, read ahead of the environment.

    pydantic-settings prefers the environment to secret files, so a placeholder in a ConfigMap (say
    JIP_MONGODB_URI without the password) silently replaced the secret file that holds the real URI.
    Here the file comes first for the settings named, and an environment variable that says otherwise
    is refused, naming the variable and never either value: a warning would leave two sources of truth
    for a credential, and one line among a service's start-up logs is easily missed, while a deployment
    that will not start is not. The same value in both is accepted."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        names: Iterable[str],
        files: SecretsSettingsSource,
        environment: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls)
        self.names = frozenset(names)
        self.files = files
        self.environment = environment

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name not in self.names:
            return None, field_name, False
        return self.files.get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        from_files = {
            name: value for name, value in self.files().items() if name in self.names and value is not None
        }
        from_environment = self.environment()
        conflicting = sorted(
            name
            for name, value in from_files.items()
            if name in from_environment and str(from_environment[name]).strip() != str(value).strip()
        )
        if conflicting:
            variables = ", ".join(f"JIP_{name.upper()}" for name in conflicting)
            raise SecretConflictError(
                f"{variables}: set in the environment and in a secret file in {self.files.secrets_dir}, "
                "with different values. A credential is read from its secret file: remove the variable "
                "from the environment (a ConfigMap, the compose file's environment), or make the two agree"
            )
        return from_files


class SecretsFirst(BaseSettings):
    """Settings whose credentials (`SECRETS`, their names) are read from their files in JIP_SECRETS_DIR
    ahead of the environment (SecretFilesFirst); every other setting as pydantic-settings reads it."""

    SECRETS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = file_secret_settings
        if not isinstance(files, SecretsSettingsSource) or files.secrets_dir is None:
            # JIP_SECRETS_DIR is read when the settings are made, not when this module is imported.
            files = SecretsSettingsSource(settings_cls, secrets_dir=os.environ.get("JIP_SECRETS_DIR") or None)
        # First wins: what the code passes, then the credentials' files, the environment, the other files.
        secrets_first = SecretFilesFirst(settings_cls, cls.SECRETS, files, env_settings)
        return init_settings, secrets_first, env_settings, dotenv_settings, files


class Settings(SecretsFirst):
    # Secrets may come from files instead of the environment: JIP_SECRETS_DIR names a directory (such as
    # /run/secrets) holding one file per setting, named as its variable in lower case (jip_mongodb_uri).
    # For the credentials (SECRET_SETTINGS) such a file wins over the environment; see SecretFilesFirst.
    model_config = SettingsConfigDict(env_prefix="JIP_", frozen=True)
    SECRETS = SECRET_SETTINGS

    # TLS and credentials go in the URI (tls=true&tlsCAFile=..., user:password@); never shown in a repr.
    mongodb_uri: str = Field("mongodb://127.0.0.1:27017/?directConnection=true", repr=False)
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_profile: KafkaProfile = KafkaProfile.KAFKA
    # Whether each projection joins a consumer group, so a service's replicas share its partitions. Unset:
    # yes on Kafka; no on tansu, where each service runs once and a group's heartbeats (each a read and a
    # write of the group's state in tansu's store) are most of what an idle stack costs. Without a group a
    # projection reads every partition and commits its offsets under the group's name.
    kafka_consumer_groups: bool | None = None
    # Kafka over TLS and/or SASL: every client the platform makes (services, relay, audit, rebuild) uses them.
    kafka_security_protocol: KafkaSecurityProtocol = KafkaSecurityProtocol.PLAINTEXT
    kafka_sasl_mechanism: SaslMechanism = SaslMechanism.SCRAM_SHA_512
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None  # the CA that signed the brokers' certificates
    kafka_ssl_certfile: Path | None = None  # a client certificate, where the brokers ask for one (mTLS)
    kafka_ssl_keyfile: Path | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    topic_partitions: int = 3
    topic_replication_factor: int = 1  # raise on a multi-broker cluster
    create_topics: bool = True  # off where the platform's account may not administer topics
    outbox_relay: bool = True  # off to run the relay as its own deployment
    # The outbox relay (shared/mechanics/outbox.py): its own service's appends wake it at once; while
    # nothing is appended its poll, which finds another replica's, slows to `outbox_quiet_poll_seconds`.
    # One replica's relay publishes, under a lease renewed when a third of it has passed, so a relay that
    # dies hands publishing on after `outbox_lease_seconds`; the lease outlasts two quiet polls at least.
    outbox_quiet_poll_seconds: float = Field(5.0, gt=0)
    outbox_lease_seconds: float = Field(10.0, gt=0)
    # Prefixes topics, databases and consumer groups, so deployments (or test runs) can share servers.
    namespace: str = Field("jip", pattern=r"^[a-z][a-z0-9-]{0,30}$")
    log_level: str = "INFO"
    # Bearer tokens (shared/mechanics/auth.py): checked against an OIDC provider's JWKS, or a PEM public key
    # file.
    auth_jwks_url: str | None = None
    auth_public_key_file: Path | None = None
    auth_issuer: str = ISSUER
    auth_audience: str = AUDIENCE
    auth_algorithms: str = "EdDSA,RS256,ES256"  # comma-separated; never "none" or an HMAC
    # A token longer than this is refused with 401 before it is decoded (the request head's own limit,
    # max_header_bytes, stops a larger one at the server). 8 KiB holds a provider's token with its groups.
    auth_max_token_bytes: int = Field(8192, ge=1024)
    # A token valid for longer than this (iat to exp) is refused with 401: a bearer token cannot be
    # revoked, so this bounds the use of a stolen one. 24 h is the most Okta or Entra ID issue.
    auth_max_token_lifetime_seconds: int = Field(86_400, ge=60)
    # Requests with a larger body are refused with 413 before they are read.
    max_body_bytes: int = Field(1_000_000, ge=1024)
    # The request head (request line and header fields), bounded by the server before it is accepted
    # (shared/mechanics/server.py): larger or with more fields, 431; not complete this long after it began,
    # 408.
    max_header_bytes: int = Field(32_768, ge=4096)
    max_header_count: int = Field(100, ge=16)
    header_timeout_seconds: float = Field(10.0, gt=0)
    # How long one request may wait on the database in all, server selection included: then 503.
    database_timeout_seconds: float = Field(5.0, gt=0)
    # The data subjects' keys: by default a database of their own on the same server; point this at
    # another server, with its own credentials and backups, to hold them apart from log and read models.
    subject_keys_uri: str | None = Field(None, repr=False)
    # The keyring file of key-encryption keys that wrap the subject keys (shared/mechanics/keyring.py):
    # outside every database, owner-only, shared (read and written) by every service. Erasure replaces the KEK
    # in it, so the copies of an erased key that the database keeps (oplog, backups) never open again. Unset,
    # the keys are kept unwrapped, and an erasure can be undone from the database's history.
    subject_keyring_file: Path | None = None
    # Spans and metrics also go to JSON-lines files here (the embedded stack's default; `jip traces`).
    telemetry_dir: Path | None = None
    # A record on an events topic larger than this is no event of ours: it is dead-lettered, not read.
    max_event_bytes: int = Field(1_048_576, ge=65_536)
    # A projection whose batches keep failing, or whose lag does not fall, this long is stuck: /health 503.
    projection_stuck_seconds: float = Field(60.0, gt=0)
    # "rehearsal" on a copy of the platform where inspectors train and programme versions are rehearsed:
    # its one clock (shared/mechanics/clock.py) can be moved forward, to play a whole inspection in one
    # sitting. In "production" the clock is the real time and refuses to move.
    environment: Literal["production", "rehearsal"] = "production"

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
            max_token_bytes=self.auth_max_token_bytes,
            max_lifetime_seconds=self.auth_max_token_lifetime_seconds,
        )

    def subject_keys(self) -> tuple[str, str]:
        """Where the keys of data subjects live (shared/language/subjects.py): the URI and the database."""
        return self.subject_keys_uri or self.mongodb_uri, f"{self.namespace}_subject_keys".replace("-", "_")

    def platform_database(self) -> str:
        """The database every service shares on JIP_MONGODB_URI: the rehearsal clock's
        (shared/mechanics/clock.py)."""
        return f"{self.namespace}_platform".replace("-", "_")

    def database_name(self, service: str) -> str:
        return f"{self.namespace}_{service}".replace("-", "_")

    def events_topic(self, context: str) -> str:
        return events_topic(self.namespace, context)

    def consumer_group(self, service: str, projection: str) -> str:
        return f"{self.namespace}.{service}.{projection}"

    @model_validator(mode="after")
    def _lease_outlasts_the_polls(self) -> Settings:
        if self.outbox_lease_seconds < 2 * self.outbox_quiet_poll_seconds:
            raise ValueError(
                f"JIP_OUTBOX_LEASE_SECONDS ({self.outbox_lease_seconds:g}) must be at least twice "
                f"JIP_OUTBOX_QUIET_POLL_SECONDS ({self.outbox_quiet_poll_seconds:g}), or the relay's lease "
                "lapses between its polls and another replica may publish beside it"
            )
        return self

    def relay_owner(self) -> str:
        # Stable across a restart of the same instance, so it takes its lease back at once.
        return f"{socket.gethostname()}:{self.http_port}"

    def kafka_security(self) -> dict[str, Any]:
        """aiokafka's security options, for every Kafka client the platform makes."""
        protocol = self.kafka_security_protocol
        options: dict[str, Any] = {"security_protocol": protocol.value}
        if protocol in (KafkaSecurityProtocol.SSL, KafkaSecurityProtocol.SASL_SSL):
            options["ssl_context"] = create_ssl_context(
                cafile=self.kafka_ssl_cafile, certfile=self.kafka_ssl_certfile, keyfile=self.kafka_ssl_keyfile
            )
        if protocol in (KafkaSecurityProtocol.SASL_PLAINTEXT, KafkaSecurityProtocol.SASL_SSL):
            if not (self.kafka_sasl_username and self.kafka_sasl_password):
                raise ValueError(
                    f"JIP_KAFKA_SECURITY_PROTOCOL={protocol.value} needs JIP_KAFKA_SASL_USERNAME and "
                    "JIP_KAFKA_SASL_PASSWORD (or their files in JIP_SECRETS_DIR)"
                )
            options |= {
                "sasl_mechanism": self.kafka_sasl_mechanism.value,
                "sasl_plain_username": self.kafka_sasl_username,
                "sasl_plain_password": self.kafka_sasl_password.get_secret_value(),
            }
        return options

    def producer_options(self) -> dict[str, Any]:
        idempotent = self.kafka_profile is KafkaProfile.KAFKA  # tansu fails InitProducerId
        return {
            **self.kafka_security(),
            "bootstrap_servers": self.kafka_bootstrap_servers,
            "acks": "all",
            "enable_idempotence": idempotent,
            "linger_ms": 0,
        }

    @property
    def consumer_groups(self) -> bool:
        """Whether projections join consumer groups (`kafka_consumer_groups`, by default on Kafka only)."""
        if self.kafka_consumer_groups is not None:
            return self.kafka_consumer_groups
        return self.kafka_profile is KafkaProfile.KAFKA

    def consumer_options(self) -> dict[str, Any]:
        if self.kafka_profile is KafkaProfile.TANSU:
            # tansu: group joins take half the session timeout, and each heartbeat reads and writes the
            # group's state in its store. A heartbeat every 2 s (session 6 s) rather than 1 s saved an
            # idle stack nothing measurable (bench/idle.py: 10.76 % against 10.08 %) and made every join
            # 1.5 s longer, for every service that starts and in every consumer test (~20 %), so 3 s it
            # stays, a heartbeat a third of it, as Kafka's defaults have it. On its s3 storage a fetch
            # returns only what it read within fetch_max_wait_ms, so 10 ms (right for memory storage)
            # starves readers; and it answers at the end of the wait even when a record arrives sooner,
            # so a long wait is latency: shared/mechanics/subscription.py lengthens it only while the
            # projection is idle or its partition too long to list in 50 ms.
            return {
                "session_timeout_ms": 3000,
                "heartbeat_interval_ms": 1000,
                "rebalance_timeout_ms": 3000,
                "fetch_max_wait_ms": 50,
            }
        return {"session_timeout_ms": 10000, "heartbeat_interval_ms": 3000, "fetch_max_wait_ms": 100}
