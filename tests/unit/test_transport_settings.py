"""TLS and SASL for Kafka, and secrets from files: what the settings give every Kafka client, and that
secrets never show in a settings' repr."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from embedded.components import checkpointer, services
from embedded.ports import Ports
from jip.cli import parser
from shared.mechanics.settings import KafkaProfile, KafkaSecurityProtocol, Settings


def test_plaintext_by_default() -> None:
    settings = Settings()
    assert settings.kafka_security() == {"security_protocol": "PLAINTEXT"}
    assert settings.producer_options()["security_protocol"] == "PLAINTEXT"


def test_sasl_over_tls_reaches_every_client() -> None:
    settings = Settings(
        kafka_security_protocol=KafkaSecurityProtocol.SASL_SSL,
        kafka_sasl_username="jip-evidence",
        kafka_sasl_password="s3cret-passw0rd",
    )
    options = settings.kafka_security()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == (
        "jip-evidence",
        "s3cret-passw0rd",
    )
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert settings.producer_options()["sasl_plain_username"] == "jip-evidence"


def test_tls_alone_gives_every_client_an_ssl_context() -> None:
    settings = Settings(kafka_security_protocol=KafkaSecurityProtocol.SSL)
    assert isinstance(settings.kafka_security()["ssl_context"], ssl.SSLContext)
    assert settings.producer_options()["security_protocol"] == "SSL"


def test_sasl_without_credentials_says_what_is_missing() -> None:
    with pytest.raises(ValueError, match="JIP_KAFKA_SASL_USERNAME and JIP_KAFKA_SASL_PASSWORD"):
        Settings(kafka_security_protocol=KafkaSecurityProtocol.SASL_PLAINTEXT).kafka_security()


def test_secrets_come_from_files_and_never_show(tmp_path: Path) -> None:
    (tmp_path / "jip_kafka_sasl_password").write_text("from-a-file")
    (tmp_path / "jip_mongodb_uri").write_text("mongodb://jip:db-passw0rd@mongo:27017/?tls=true")
    settings = Settings(_secrets_dir=tmp_path)
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == "from-a-file"
    assert settings.mongodb_uri.startswith("mongodb://jip:db-passw0rd@")
    shown = repr(settings) + str(settings)
    assert "from-a-file" not in shown
    assert "db-passw0rd" not in shown


def test_the_relays_lease_must_outlast_two_of_its_quiet_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lease shorter than two polls would lapse between them, and another replica could publish beside
    the holder; the embedded stack's slower poll comes with a longer lease (embedded/components.py)."""
    assert Settings(outbox_quiet_poll_seconds=15, outbox_lease_seconds=45).outbox_lease_seconds == 45
    monkeypatch.setenv("JIP_OUTBOX_QUIET_POLL_SECONDS", "15")
    with pytest.raises(ValidationError, match="JIP_OUTBOX_LEASE_SECONDS \\(10\\) must be at least twice"):
        Settings()


def test_projections_join_consumer_groups_on_kafka_and_not_on_tansu_unless_told() -> None:
    """On tansu each projection reads every partition itself: no join, no heartbeats (subscription.py)."""
    assert Settings(kafka_profile=KafkaProfile.KAFKA).consumer_groups is True
    assert Settings(kafka_profile=KafkaProfile.TANSU).consumer_groups is False
    assert Settings(kafka_profile=KafkaProfile.TANSU, kafka_consumer_groups=True).consumer_groups is True


def test_the_embedded_services_settings_are_one_partition_a_topic_and_a_slow_quiet_relay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What embedded/components.py gives every service process is a valid configuration of its own."""
    [scheduling, *_] = services(Ports.free())
    for variable, value in scheduling.env.items():
        monkeypatch.setenv(variable, value)
    settings = Settings()
    assert (settings.topic_partitions, settings.consumer_groups) == (1, False)
    assert (settings.outbox_quiet_poll_seconds, settings.outbox_lease_seconds) == (15, 45)


def test_the_embedded_checkpointer_looks_for_final_reports_every_15_seconds(tmp_path: Path) -> None:
    """Each look reads the reporting topic from a client of its own: every 15 s, not the command's 5 s."""
    argv = checkpointer(tmp_path).argv
    assert argv[1:3] == ["-m", "jip"]
    args = parser("audit").parse_args(argv[3:])
    assert (args.poll, args.every) == (15.0, 3600.0)
