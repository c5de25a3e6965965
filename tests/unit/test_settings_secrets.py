"""Which source a setting comes from when a credential is in the secrets directory (JIP_SECRETS_DIR) and the
environment says something too: the file wins, and an environment value that differs is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared.mechanics.settings import SECRET_SETTINGS, SecretConflictError, Settings

PASSWORD_URI = "mongodb://jip:db-passw0rd@mongodb-0.mongodb:27017/?replicaSet=rs0&authSource=admin"
PLACEHOLDER_URI = "mongodb://mongodb-0.mongodb:27017/?replicaSet=rs0"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with no JIP_ variable but those a test sets."""
    for name in [name for name in os.environ if name.startswith("JIP_")]:
        monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def secrets_dir(tmp_path: Path, environment: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "secrets"
    directory.mkdir()
    environment.setenv("JIP_SECRETS_DIR", str(directory))
    return directory


def test_the_secret_file_wins_over_the_default(secrets_dir: Path) -> None:
    (secrets_dir / "jip_mongodb_uri").write_text(PASSWORD_URI + "\n")
    assert Settings().mongodb_uri == PASSWORD_URI


def test_a_conflicting_environment_value_is_refused_naming_the_variable_not_the_values(
    secrets_dir: Path, environment: pytest.MonkeyPatch
) -> None:
    """The case of issue 22: a ConfigMap's placeholder URI used to replace, silently, the secret file."""
    (secrets_dir / "jip_mongodb_uri").write_text(PASSWORD_URI)
    environment.setenv("JIP_MONGODB_URI", PLACEHOLDER_URI)
    with pytest.raises(SecretConflictError) as refused:
        Settings()
    message = str(refused.value)
    assert "JIP_MONGODB_URI" in message
    assert str(secrets_dir) in message
    assert "remove the variable from the environment" in message
    assert "db-passw0rd" not in message
    assert PLACEHOLDER_URI not in message


@pytest.mark.parametrize("name", SECRET_SETTINGS)
def test_every_credential_is_refused_when_the_environment_differs(
    name: str, secrets_dir: Path, environment: pytest.MonkeyPatch
) -> None:
    (secrets_dir / f"jip_{name}").write_text("from-the-secret")
    environment.setenv(f"JIP_{name.upper()}", "from-the-environment")
    with pytest.raises(SecretConflictError, match=f"JIP_{name.upper()}"):
        Settings()


def test_every_conflict_is_named_at_once(secrets_dir: Path, environment: pytest.MonkeyPatch) -> None:
    (secrets_dir / "jip_mongodb_uri").write_text(PASSWORD_URI)
    (secrets_dir / "jip_kafka_sasl_password").write_text("kafka-secret")
    environment.setenv("JIP_MONGODB_URI", PLACEHOLDER_URI)
    environment.setenv("JIP_KAFKA_SASL_PASSWORD", "another")
    with pytest.raises(SecretConflictError, match="JIP_KAFKA_SASL_PASSWORD, JIP_MONGODB_URI: "):
        Settings()


def test_the_same_value_in_both_is_accepted(secrets_dir: Path, environment: pytest.MonkeyPatch) -> None:
    (secrets_dir / "jip_kafka_sasl_password").write_text("kafka-secret\n")  # a file ends in a newline
    environment.setenv("JIP_KAFKA_SASL_PASSWORD", "kafka-secret")
    password = Settings().kafka_sasl_password
    assert password is not None
    assert password.get_secret_value() == "kafka-secret"


def test_without_a_secret_file_the_environment_gives_the_credential(
    secrets_dir: Path, environment: pytest.MonkeyPatch
) -> None:
    """The embedded stack and the tests give the database's URI in the environment, and no file."""
    environment.setenv("JIP_MONGODB_URI", PLACEHOLDER_URI)
    assert Settings().mongodb_uri == PLACEHOLDER_URI


def test_without_a_secrets_dir_the_environment_gives_every_setting(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("JIP_MONGODB_URI", PLACEHOLDER_URI)
    environment.setenv("JIP_KAFKA_SASL_USERNAME", "jip")
    settings = Settings()
    assert settings.mongodb_uri == PLACEHOLDER_URI
    assert settings.kafka_sasl_username == "jip"


def test_other_settings_keep_the_environment_first(
    secrets_dir: Path, environment: pytest.MonkeyPatch
) -> None:
    """Only the credentials changed precedence: for any other setting a file in the directory is still
    overridden by the environment, as pydantic-settings orders them."""
    (secrets_dir / "jip_log_level").write_text("DEBUG")
    (secrets_dir / "jip_topic_partitions").write_text("6")
    environment.setenv("JIP_LOG_LEVEL", "WARNING")
    settings = Settings()
    assert settings.log_level == "WARNING"
    assert settings.topic_partitions == 6


def test_credentials_in_the_environment_beside_other_secret_files(
    secrets_dir: Path, environment: pytest.MonkeyPatch
) -> None:
    """A username in the environment (compose, a ConfigMap) and the password in its file work together."""
    (secrets_dir / "jip_kafka_sasl_password").write_text("kafka-secret")
    environment.setenv("JIP_KAFKA_SASL_USERNAME", "jip")
    environment.setenv("JIP_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    options = Settings().kafka_security()
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("jip", "kafka-secret")


def test_a_kubernetes_secret_volume_is_read(secrets_dir: Path) -> None:
    """Kubernetes mounts each key of a Secret as a symbolic link into a timestamped folder (..data), which
    it swaps when the Secret changes."""
    data = secrets_dir / "..2026_12_03_05_15_00.000000001"
    data.mkdir()
    (data / "jip_mongodb_uri").write_text(PASSWORD_URI)
    (data / "jip_kafka_sasl_username").write_text("jip")
    (secrets_dir / "..data").symlink_to(data.name)
    for key in ("jip_mongodb_uri", "jip_kafka_sasl_username"):
        (secrets_dir / key).symlink_to(f"..data/{key}")
    settings = Settings()
    assert settings.mongodb_uri == PASSWORD_URI
    assert settings.kafka_sasl_username == "jip"


def test_the_secrets_dir_is_read_when_the_settings_are_made(
    tmp_path: Path, environment: pytest.MonkeyPatch
) -> None:
    """JIP_SECRETS_DIR set after shared.mechanics.settings was imported still counts (it used to be read at
    import)."""
    first, second = tmp_path / "first", tmp_path / "second"
    for directory, uri in ((first, PASSWORD_URI), (second, PLACEHOLDER_URI)):
        directory.mkdir()
        (directory / "jip_mongodb_uri").write_text(uri)
    environment.setenv("JIP_SECRETS_DIR", str(first))
    assert Settings().mongodb_uri == PASSWORD_URI
    environment.setenv("JIP_SECRETS_DIR", str(second))
    assert Settings().mongodb_uri == PLACEHOLDER_URI


def test_a_directory_given_in_code_is_used(tmp_path: Path, secrets_dir: Path) -> None:
    """Settings(_secrets_dir=...) names the directory instead of JIP_SECRETS_DIR, with the same precedence."""
    (secrets_dir / "jip_mongodb_uri").write_text(PLACEHOLDER_URI)
    (tmp_path / "jip_mongodb_uri").write_text(PASSWORD_URI)
    assert Settings(_secrets_dir=tmp_path).mongodb_uri == PASSWORD_URI


def test_a_value_given_in_code_wins_over_every_source(secrets_dir: Path) -> None:
    """What a program passes explicitly (the test fixtures, `jip stack`) is what it meant."""
    (secrets_dir / "jip_mongodb_uri").write_text(PASSWORD_URI)
    assert Settings(mongodb_uri=PLACEHOLDER_URI).mongodb_uri == PLACEHOLDER_URI
