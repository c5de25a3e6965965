"""The workspace's two secrets, the session secret and the OIDC client secret, are read as the services read
their credentials (shared/mechanics/settings.py, SecretFilesFirst): the file in JIP_SECRETS_DIR wins, and an
environment variable that says otherwise stops the workspace, naming the variable and neither value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.workspace.settings import WORKSPACE_SECRETS, WorkspaceSettings
from shared.mechanics.settings import SecretConflictError


@pytest.fixture
def secrets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An environment with no JIP_ variable but JIP_SECRETS_DIR, and that folder."""
    for name in [name for name in os.environ if name.startswith("JIP_")]:
        monkeypatch.delenv(name)
    directory = tmp_path / "secrets"
    directory.mkdir()
    monkeypatch.setenv("JIP_SECRETS_DIR", str(directory))
    return directory


def secret(settings: WorkspaceSettings, name: str) -> str | None:
    value = getattr(settings, name)
    return None if value is None else str(value.get_secret_value())


@pytest.mark.parametrize("name", WORKSPACE_SECRETS)
def test_the_secret_file_is_the_setting(name: str, secrets_dir: Path) -> None:
    (secrets_dir / f"jip_{name}").write_text("from-the-file\n")
    assert secret(WorkspaceSettings(), name) == "from-the-file"


@pytest.mark.parametrize("name", WORKSPACE_SECRETS)
def test_the_file_wins_and_an_environment_that_differs_stops_the_workspace(
    name: str, secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (secrets_dir / f"jip_{name}").write_text("from-the-file")
    monkeypatch.setenv(f"JIP_{name.upper()}", "from-the-environment")
    with pytest.raises(SecretConflictError) as refused:
        WorkspaceSettings()
    message = str(refused.value)
    assert f"JIP_{name.upper()}" in message
    assert "from-the-file" not in message
    assert "from-the-environment" not in message
    monkeypatch.setenv(f"JIP_{name.upper()}", "from-the-file")
    assert secret(WorkspaceSettings(), name) == "from-the-file", "the same value in both is accepted"


@pytest.mark.parametrize("name", WORKSPACE_SECRETS)
def test_without_a_file_the_environment_is_read(
    name: str, secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"JIP_{name.upper()}", "from-the-environment")
    assert secret(WorkspaceSettings(), name) == "from-the-environment"


def test_secrets_are_never_shown(secrets_dir: Path) -> None:
    for name in WORKSPACE_SECRETS:
        (secrets_dir / f"jip_{name}").write_text(f"hidden-{name}")
    settings = WorkspaceSettings()
    for name in WORKSPACE_SECRETS:
        assert f"hidden-{name}" not in repr(settings)
        assert f"hidden-{name}" not in str(settings)


def test_other_settings_still_come_from_the_environment_first(
    secrets_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the credentials are read file first; any other setting's file is read after the environment."""
    (secrets_dir / "jip_workspace_oidc_client_id").write_text("from-the-file")
    assert WorkspaceSettings().workspace_oidc_client_id == "from-the-file"
    monkeypatch.setenv("JIP_WORKSPACE_OIDC_CLIENT_ID", "from-the-environment")
    assert WorkspaceSettings().workspace_oidc_client_id == "from-the-environment"
