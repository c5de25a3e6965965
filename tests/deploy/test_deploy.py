"""The deployment artefacts (deploy/, docker-compose.yml) stay consistent with the code.

No Docker or cluster is needed: the compose file and the manifests are parsed and checked here, and the
manifests are validated against the Kubernetes API schema (kubernetes_validate, strict)."""

from __future__ import annotations

import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from services.scheduling.app import build
from shared.mechanics.metrics import INSTRUMENTS
from shared.mechanics.settings import KafkaProfile, KafkaSecurityProtocol, SaslMechanism, Settings
from shared.mechanics.topics import SERVICES
from tests.deploy.manifests import (
    COLLECTOR,
    COMPOSE,
    DOCKERFILE,
    GRAFANA,
    JIP_VARIABLE,
    K8S,
    PROMETHEUS,
    ROOT,
    SECRET_VARIABLES,
    Doc,
    assert_settings_variables,
    compose_environment,
    compose_services,
    container,
    k8s_documents,
    k8s_resources,
    load_yaml,
    make_secrets,
    mapping,
    mounted,
    sequence,
    settings_from,
)

K8S_VERSION: str = kubernetes_validate.latest_version()  # the newest schema the pinned package ships
PUBLISHED_PORTS = dict(zip(SERVICES, range(8101, 8106), strict=True))
SERVICE_PATHS = frozenset(
    build(Settings(auth_jwks_url="https://idp.example/jwks")).app.openapi()["paths"]
)  # every service serves the same /health*


# --- helpers -------------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, "the Dockerfile ends in a line continuation"
    pairs = []
    for instruction in logical:
        keyword, _, arguments = instruction.partition(" ")
        pairs.append((keyword.upper(), arguments.strip()))
    return pairs


# --- docker-compose.yml --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_compose_runs_each_service_from_the_image(name: str) -> None:
    service = mapping(compose_services().get(name), f"compose service {name}")
    build = mapping(service["build"], "build")
    assert (ROOT / str(build.get("context", ".")) / str(build["dockerfile"])).resolve() == DOCKERFILE
    assert service["command"] == [name]  # the image's entrypoint turns it into services.<name>
    assert service["ports"] == [f"{PUBLISHED_PORTS[name]}:8000"]
    depends_on = mapping(service["depends_on"], "depends_on")
    for dependency in ("kafka", "mongodb"):
        assert depends_on[dependency] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", SERVICES)
def test_compose_service_settings(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The settings a service reads from its environment and the secrets deploy/make_secrets.py makes."""
    environment = compose_environment(compose_services()[name])
    assert environment["JIP_KAFKA_PROFILE"] == "kafka"
    assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert environment["JIP_SECRETS_DIR"] == "/run/secrets"
    make_secrets(tmp_path)
    settings = settings_from(environment | {"JIP_SECRETS_DIR": str(tmp_path)}, monkeypatch)
    assert settings.kafka_profile is KafkaProfile.KAFKA
    assert settings.http_host == "0.0.0.0"
    assert settings.http_port == 8000
    assert "replicaSet=" in settings.mongodb_uri
    assert settings.mongodb_uri == (tmp_path / "jip_mongodb_uri").read_text().strip()
    security = settings.kafka_security()
    assert security["security_protocol"] == KafkaSecurityProtocol.SASL_PLAINTEXT.value
    assert security["sasl_mechanism"] == SaslMechanism.PLAIN.value
    assert security["sasl_plain_username"] == "jip"
    assert security["sasl_plain_password"] == (tmp_path / "jip_kafka_sasl_password").read_text().strip()


def test_compose_uses_only_settings_variables() -> None:
    used = set(JIP_VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))
    assert used, "the compose file sets no JIP_ variable"
    assert_settings_variables(used)


def test_compose_kafka_and_mongodb() -> None:
    services = compose_services()
    kafka, mongodb = mapping(services["kafka"], "kafka"), mapping(services["mongodb"], "mongodb")
    for name, service in (("kafka", kafka), ("mongodb", mongodb)):
        healthcheck = mapping(service.get("healthcheck"), f"{name} healthcheck")
        assert healthcheck.get("test"), f"{name} has no healthcheck"
        assert service.get("volumes"), f"{name} keeps no data volume"
    assert str(kafka["image"]).startswith("apache/kafka:")
    assert compose_environment(kafka)["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "broker,controller" in compose_environment(kafka)["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    assert str(mongodb["image"]).startswith("mongo:")
    assert "--replSet" in sequence(mongodb["command"], "mongodb command")
    assert "rs.initiate" in " ".join(map(str, mongodb["healthcheck"]["test"]))


def test_compose_images_are_pinned() -> None:
    for name, service in compose_services().items():
        if "build" in mapping(service, name):
            continue  # built here, tagged locally
        image = str(service.get("image", ""))
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: {image!r} names no image"
        assert tag not in ("", "latest"), f"{name}: pin the image's tag ({image!r})"


def test_otel_collector_configuration() -> None:
    collector = mapping(compose_services()["otel-collector"], "otel-collector")
    assert any(str(volume).startswith("./deploy/otel-collector.yaml:") for volume in collector["volumes"])
    config = load_yaml(COLLECTOR)
    protocols = mapping(config["receivers"]["otlp"]["protocols"], "otlp protocols")
    assert protocols["grpc"]["endpoint"].endswith(":4317")
    assert protocols["http"]["endpoint"].endswith(":4318")
    assert str(config["exporters"]["prometheus"]["endpoint"]).endswith(":8889")
    pipelines = mapping(config["service"]["pipelines"], "pipelines")
    assert any(name.split("/")[0] in ("otlp", "otlp_grpc") for name in pipelines["traces"]["exporters"])
    for pipeline_name, pipeline in pipelines.items():  # every component a pipeline names is declared
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                declared = config[section]
                assert component in declared, f"{pipeline_name}: {section[:-1]} {component} is not declared"


def test_prometheus_scrapes_the_collectors_metrics() -> None:
    assert mounted("prometheus", "./deploy/prometheus.yml") == "/etc/prometheus/prometheus.yml"
    exporter = load_yaml(COLLECTOR)["exporters"]["prometheus"]
    assert "namespace" not in exporter, "a namespace would prefix every name the dashboard queries"
    port = str(exporter["endpoint"]).rsplit(":", 1)[1]
    jobs = sequence(load_yaml(PROMETHEUS)["scrape_configs"], "scrape_configs")
    targets = [t for job in jobs for config in job["static_configs"] for t in config["targets"]]
    assert f"otel-collector:{port}" in targets


def dashboard() -> Doc:
    loaded: Doc = json.loads((GRAFANA / "dashboards" / "jip.json").read_text())
    return loaded


def test_grafana_provisions_the_datasources_and_the_dashboard() -> None:
    assert mounted("grafana", "./deploy/grafana/provisioning") == "/etc/grafana/provisioning"
    dashboards_dir = mounted("grafana", "./deploy/grafana/dashboards")
    providers = load_yaml(GRAFANA / "provisioning" / "dashboards" / "dashboards.yaml")["providers"]
    assert [p["options"]["path"] for p in providers] == [dashboards_dir]
    sources = load_yaml(GRAFANA / "provisioning" / "datasources" / "datasources.yaml")["datasources"]
    by_uid = {source["uid"]: source for source in sources}
    assert by_uid["prometheus"]["url"] == "http://prometheus:9090"
    assert by_uid["jaeger"]["url"] == "http://jaeger:16686"
    panels = sequence(dashboard()["panels"], "panels")
    used = {panel["datasource"]["uid"] for panel in panels} | {
        target["datasource"]["uid"] for panel in panels for target in panel["targets"]
    }
    assert used <= by_uid.keys()


def test_the_dashboard_shows_every_metric_the_platform_records() -> None:
    """Each instrument of shared/mechanics/metrics.py, under the name the collector's Prometheus exporter
    gives it, is queried by some panel; and no panel queries a jip metric that does not exist."""
    expressions = " ".join(t["expr"] for panel in dashboard()["panels"] for t in panel["targets"])
    names = {instrument.prometheus for instrument in INSTRUMENTS}
    for name in names:
        stem = name.removesuffix("_total")
        assert re.search(rf"\b{stem}(_total|_bucket|_sum|_count)?\b", expressions), f"no panel shows {name}"
    queried = set(
        re.findall(r"\b((?:jip|messaging|http)_[a-z_]+?)(?:_bucket|_sum|_count)?\b[{(\[]", expressions)
    )
    assert queried <= names, f"panels query unknown metrics: {sorted(queried - names)}"
    ids = [panel["id"] for panel in dashboard()["panels"]]
    assert len(ids) == len(set(ids))


# --- deploy/Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_installs_the_locked_dependencies_without_the_embedded_extra() -> None:
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    syncs = [run for run in runs if "uv sync" in run]
    assert syncs, "the Dockerfile does not install with uv sync"
    for sync in syncs:
        assert "--frozen" in sync, sync
        assert "--no-dev" in sync, sync
    assert "--no-editable" in syncs[-1]  # the venv must not point back at the build stage's sources
    for run in runs:
        for forbidden in ("embedded", "--all-extras", "--extra"):
            assert forbidden not in run, run


def test_dockerfile_runtime_stage() -> None:
    instructions = dockerfile_instructions()
    stages = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert len(stages) >= 2, "build and runtime stages"
    assert all(stage.startswith("python:3.11-slim") for stage in stages)
    runtime = instructions[max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM") :]
    users = [arguments for keyword, arguments in runtime if keyword == "USER"]
    assert users, "the runtime stage sets no USER"
    assert users[-1].split(":")[0] not in ("0", "root"), "the image must not run as root"
    assert "PYTHONUNBUFFERED=1" in " ".join(arguments for keyword, arguments in runtime if keyword == "ENV")
    healthcheck = " ".join(arguments for keyword, arguments in runtime if keyword == "HEALTHCHECK")
    for part in ("urllib", "JIP_HTTP_PORT", "/health"):
        assert part in healthcheck


@pytest.mark.parametrize("name", SERVICES)
def test_image_entrypoint_runs_the_named_service_module(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`docker run IMAGE <name>` must run `python -m services.<name>`: run the ENTRYPOINT's code here."""
    entrypoints = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "ENTRYPOINT"]
    entrypoint = json.loads(entrypoints[-1])
    assert entrypoint[:2] == ["python", "-c"]
    calls: list[tuple[str, dict[str, Any]]] = []

    def run_module(module: str, **options: Any) -> None:
        calls.append((module, options))

    monkeypatch.setattr(runpy, "run_module", run_module)
    monkeypatch.setattr(sys, "argv", ["-c", name])
    exec(entrypoint[2], {})
    assert calls == [(f"services.{name}", {"run_name": "__main__", "alter_sys": True})]
    assert sys.argv == ["-c"]  # the service sees no stray argument


# --- deploy/k8s ----------------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest() -> None:
    listed = {str(name) for name in sequence(load_yaml(K8S / "kustomization.yaml")["resources"], "resources")}
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize(
    ("filename", "document"),
    [pytest.param(f, doc, id=f"{f}:{doc['kind']}/{doc['metadata']['name']}") for f, doc in k8s_documents()],
)
def test_k8s_manifest_validates(filename: str, document: Doc) -> None:
    try:
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        pytest.fail(f"{filename}: {document['kind']}/{document['metadata']['name']}: {path}: {error.message}")


def test_k8s_configmap_holds_valid_settings_and_no_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    config_map = k8s_resources("ConfigMap")["jip-settings"]
    data = {str(k): str(v) for k, v in mapping(config_map["data"], "data").items()}
    assert_settings_variables({variable for variable in data if variable.startswith("JIP_")})
    assert not SECRET_VARIABLES & data.keys(), "credentials come from the jip-credentials Secret"
    settings = settings_from(data, monkeypatch)
    assert settings.kafka_profile is KafkaProfile.KAFKA
    assert settings.kafka_security_protocol is KafkaSecurityProtocol.SASL_SSL
    assert settings.kafka_sasl_mechanism is SaslMechanism.SCRAM_SHA_512
    assert settings.topic_replication_factor == 3


@pytest.mark.parametrize("name", SERVICES)
def test_k8s_deployment(name: str) -> None:
    deployment = k8s_resources("Deployment")[f"jip-{name}"]
    pod_labels = mapping(deployment["spec"]["template"]["metadata"]["labels"], "pod labels")
    selector = mapping(deployment["spec"]["selector"]["matchLabels"], "selector")
    assert selector.items() <= pod_labels.items()
    main = container(deployment)
    assert main["args"] == [name]
    http = {port["name"]: port["containerPort"] for port in main["ports"]}["http"]
    assert http == 8000
    env = {item["name"]: item.get("value") for item in main.get("env", [])}
    assert env["JIP_HTTP_PORT"] == "8000"
    assert env["JIP_HTTP_HOST"] == "0.0.0.0"
    assert_settings_variables({variable for variable in env if variable.startswith("JIP_")})
    config_maps = {source["configMapRef"]["name"] for source in main["envFrom"]}
    assert config_maps <= set(k8s_resources("ConfigMap"))
    # Readiness follows the broker and database; liveness only the process, so an outage restarts nothing.
    for probe, path in (("readinessProbe", "/health"), ("livenessProbe", "/health/live")):
        check = mapping(main.get(probe), f"{name} {probe}")["httpGet"]
        assert check["path"] == path, probe
        assert path in SERVICE_PATHS, f"{path} is not served"
        assert check["port"] in ("http", http), probe
    assert main["resources"]["requests"]
    assert main["resources"]["limits"]
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("name", SERVICES)
def test_k8s_service_and_disruption_budget(name: str) -> None:
    deployment = k8s_resources("Deployment")[f"jip-{name}"]
    pod_labels = mapping(deployment["spec"]["template"]["metadata"]["labels"], "pod labels")
    service = k8s_resources("Service")[f"jip-{name}"]
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert mapping(service["spec"]["selector"], "selector").items() <= pod_labels.items()
    [port] = service["spec"]["ports"]
    assert port["port"] == 80
    assert port["targetPort"] in ("http", 8000)
    budget = k8s_resources("PodDisruptionBudget")[f"jip-{name}"]
    assert mapping(budget["spec"]["selector"]["matchLabels"], "selector").items() <= pod_labels.items()
    assert 1 <= budget["spec"]["minAvailable"] < deployment["spec"]["replicas"]
    # A pod that is not ready does not count against the budget, so it never blocks a node's drain.
    assert budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
