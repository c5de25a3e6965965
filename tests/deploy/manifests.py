"""Reading the deployment artefacts (docker-compose.yml, deploy/): what the tests in tests/deploy share."""

from __future__ import annotations

import copy
import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.checkpointer.app import CheckpointerSettings
from services.workspace.settings import WorkspaceSettings
from shared.mechanics.settings import SECRET_SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
COLLECTOR = ROOT / "deploy" / "otel-collector.yaml"
K8S = ROOT / "deploy" / "k8s"
PROMETHEUS = ROOT / "deploy" / "prometheus.yml"
GRAFANA = ROOT / "deploy" / "grafana"
MAKE_SECRETS = ROOT / "deploy" / "make_secrets.py"
MONGODB_USERS = ROOT / "deploy" / "mongodb" / "create-users.js"

# Every field of the services' settings, the workspace's and the checkpointer's, and JIP_SECRETS_DIR, which
# says where the settings' secret files are (Settings.model_config).
SETTINGS_VARIABLES = frozenset(
    f"JIP_{field.upper()}"
    for field in (*Settings.model_fields, *WorkspaceSettings.model_fields, *CheckpointerSettings.model_fields)
) | {"JIP_SECRETS_DIR"}
# The credentials, read from their secret files first (shared/mechanics/settings.py). None is set in a
# ConfigMap.
SECRET_VARIABLES = frozenset(f"JIP_{name.upper()}" for name in SECRET_SETTINGS)
# Those that hold a password: never a value in the compose file either (which names the Kafka user).
PASSWORD_VARIABLES = SECRET_VARIABLES - {"JIP_KAFKA_SASL_USERNAME"}
JIP_VARIABLE = re.compile(r"\bJIP_[A-Z0-9_]+\b")

Doc = dict[str, Any]


def mapping(value: object, where: str) -> Doc:
    assert isinstance(value, dict), f"{where} should be a mapping, not {type(value).__name__}"
    return value


def sequence(value: object, where: str) -> list[Any]:
    assert isinstance(value, list), f"{where} should be a list, not {type(value).__name__}"
    return value


def load_yaml(path: Path) -> Doc:
    return mapping(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def assert_settings_variables(used: set[str]) -> None:
    unknown = sorted(used - SETTINGS_VARIABLES)
    assert not unknown, (
        f"not fields of shared.mechanics.settings.Settings nor of the workspace's settings: {unknown}"
    )


def settings_from(environment: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as the service would read them from exactly this environment."""
    for name in [name for name in os.environ if name.startswith("JIP_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Settings()


def make_secrets(directory: Path) -> str:
    """Run deploy/make_secrets.py as an operator would; returns what it printed."""
    done = subprocess.run(
        [sys.executable, str(MAKE_SECRETS), "--dir", str(directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


# --- docker-compose.yml --------------------------------------------------------------------------------


def compose() -> Doc:
    return load_yaml(COMPOSE)


def compose_services() -> Doc:
    return mapping(compose().get("services"), "services")


def compose_service(name: str) -> Doc:
    return mapping(compose_services().get(name), f"compose service {name}")


def compose_environment(service: Mapping[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):  # the `- NAME=value` form
        return dict(str(item).split("=", 1) for item in environment)
    return {str(k): str(v) for k, v in mapping(environment, "environment").items()}


def compose_secrets(service: Mapping[str, Any]) -> dict[str, str]:
    """The secrets a service mounts: name -> where it reads it (/run/secrets/<target or name>)."""
    mounted = {}
    for entry in service.get("secrets", []):
        if isinstance(entry, str):
            mounted[entry] = f"/run/secrets/{entry}"
        else:
            source = str(mapping(entry, "secret")["source"])
            target = str(entry.get("target", source))
            mounted[source] = target if target.startswith("/") else f"/run/secrets/{target}"
    return mounted


def published_ports(service: Mapping[str, Any]) -> list[tuple[str | None, str, str]]:
    """(host address or None for every interface, host port, container port) of each `ports` entry."""
    published = []
    for entry in service.get("ports", []):
        if isinstance(entry, dict):  # the long form
            host_ip = entry.get("host_ip")
            published.append((host_ip, str(entry.get("published")), str(entry["target"])))
            continue
        parts = str(entry).split(":")
        if len(parts) == 3:
            published.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            published.append((None, parts[0], parts[1]))
        else:
            published.append((None, parts[0], parts[0]))
    return published


def mounted(service: str, source: str) -> str:
    """Where a compose service mounts a file or folder of the repository."""
    volumes = sequence(compose_service(service).get("volumes"), f"{service} volumes")
    for volume in map(str, volumes):
        if volume.startswith(f"{source}:"):
            return volume.split(":")[1]
    raise AssertionError(f"{service} does not mount {source}")


# --- deploy/k8s ----------------------------------------------------------------------------------------


def k8s_documents() -> Iterator[tuple[str, Doc]]:
    """Every resource the kustomization applies, with the file it comes from (fresh copies: a test may
    change what it is given)."""
    for name, document in _k8s_parsed():
        yield name, copy.deepcopy(document)


@functools.cache
def _k8s_parsed() -> tuple[tuple[str, Doc], ...]:
    parsed = []
    for name in sequence(load_yaml(K8S / "kustomization.yaml").get("resources"), "resources"):
        path = K8S / str(name)
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document is not None:
                parsed.append((path.name, mapping(document, path.name)))
    return tuple(parsed)


def k8s_resources(kind: str) -> dict[str, Doc]:
    return {
        mapping(doc["metadata"], "metadata")["name"]: doc for _, doc in k8s_documents() if doc["kind"] == kind
    }


def container(deployment: Mapping[str, Any]) -> Doc:
    containers = sequence(deployment["spec"]["template"]["spec"]["containers"], "containers")
    assert len(containers) == 1
    return mapping(containers[0], "container")


def pod_labels(deployment: Mapping[str, Any]) -> dict[str, str]:
    return mapping(deployment["spec"]["template"]["metadata"]["labels"], "pod labels")


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector (matchLabels only, as these manifests use) selects these labels."""
    assert "matchExpressions" not in selector, "the tests read matchLabels only"
    return mapping(selector.get("matchLabels", {}), "matchLabels").items() <= labels.items()
