"""The Kubernetes manifests without open doors (issue 22, point 11): the credentials come from a Secret
mounted as files in JIP_SECRETS_DIR, network policies deny everything but what the services need, and
replicas are spread over nodes and zones. The workspace (issue 20) likewise: its secrets are files, it
reaches exactly the five services, Kafka, DNS and the OIDC provider, and it is reached from anywhere on its
HTTP port only. The manifests themselves are validated against the Kubernetes schema by test_deploy.py
(kubernetes-validate, strict), these files included."""

from __future__ import annotations

import ipaddress
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest

from services.workspace.oidc import oidc_of
from services.workspace.settings import WORKSPACE_SECRETS, WorkspaceSettings
from shared.mechanics.settings import SECRET_SETTINGS, KafkaSecurityProtocol
from shared.mechanics.topics import SERVICES
from tests.deploy.manifests import (
    SECRET_VARIABLES,
    Doc,
    container,
    k8s_resources,
    mapping,
    pod_labels,
    selects,
    sequence,
    settings_from,
)

SECRET = "jip-credentials"
WORKSPACE_SECRET = "jip-workspace"
# Where MongoDB's replica set runs: its URI is in the Secret, so the policy's namespace and port are these,
# as network-policies.yaml and deploy/README.md give them.
MONGODB = ("mongodb", 27017)


def deployment(name: str) -> Doc:
    return k8s_resources("Deployment")[f"jip-{name}"]


def settings_data() -> dict[str, str]:
    config_map = k8s_resources("ConfigMap")["jip-settings"]
    return {str(k): str(v) for k, v in mapping(config_map["data"], "data").items()}


def environment(main: Doc) -> dict[str, Any]:
    return {item["name"]: item for item in sequence(main.get("env", []), "env")}


def secrets_dir(name: str) -> str:
    return str(environment(container(deployment(name)))["JIP_SECRETS_DIR"]["value"])


def policies() -> dict[str, Doc]:
    return k8s_resources("NetworkPolicy")


def policies_selecting(labels: dict[str, str]) -> dict[str, Doc]:
    return {
        name: policy
        for name, policy in policies().items()
        if selects(mapping(policy["spec"]["podSelector"], "podSelector"), labels)
    }


def service_pods() -> list[dict[str, str]]:
    return [pod_labels(deployment(name)) for name in SERVICES]


def rules(direction: str, pods: dict[str, str] | None = None) -> list[Doc]:
    """Every ingress or egress rule of the policies that select these pods, each once; by default the
    services' pods (all of them: checked below)."""
    if pods is None:
        [pods, *others] = service_pods()
        for other in others:
            assert policies_selecting(other).keys() == policies_selecting(pods).keys(), (
                "every service has the same policies"
            )
    selecting = policies_selecting(pods)
    return [rule for policy in selecting.values() for rule in policy["spec"].get(direction, [])]


def peer(entry: Doc) -> tuple[str, ...]:
    """A rule's peer as a comparable tuple: ("namespace", name, pod labels) or ("ipBlock", cidr)."""
    if "ipBlock" in entry:
        assert set(entry) == {"ipBlock"}
        return ("ipBlock", str(entry["ipBlock"]["cidr"]))
    assert set(entry) <= {"namespaceSelector", "podSelector"}, entry
    namespace = mapping(entry["namespaceSelector"]["matchLabels"], "namespaceSelector")
    pods = mapping(entry.get("podSelector", {}).get("matchLabels", {}), "podSelector")
    return (
        "namespace",
        namespace["kubernetes.io/metadata.name"],
        *sorted(f"{k}={v}" for k, v in pods.items()),
    )


def allowed(
    direction: str, pods: dict[str, str] | None = None
) -> set[tuple[tuple[str, ...], str, int | str]]:
    """(peer, protocol, port) for every rule: none may leave its peers or its ports open."""
    key = "to" if direction == "egress" else "from"
    opened = set()
    for rule in rules(direction, pods):
        peers = sequence(rule.get(key), f"an {direction} rule's {key}")
        ports = sequence(rule.get("ports"), f"an {direction} rule's ports")
        assert peers, f"an {direction} rule open to every peer"
        assert ports, f"an {direction} rule open on every port"
        for entry in peers:
            for port in ports:
                opened.add((peer(entry), str(port.get("protocol", "TCP")), port["port"]))
    return opened


def namespace_and_port(address: str, default_port: int) -> tuple[str, int]:
    """`service.namespace[.svc...]:port` as the namespace and port a policy must allow."""
    host, _, port = address.rpartition(":") if ":" in address else (address, "", str(default_port))
    parts = host.split(".")
    assert len(parts) >= 2, f"{address}: name the namespace (<service>.<namespace>) so the policy can"
    return parts[1], int(port)


# --- the credentials: a Secret mounted as files --------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_credentials_are_files_of_the_secret(name: str) -> None:
    spec = deployment(name)["spec"]["template"]["spec"]
    main = container(deployment(name))
    directory = secrets_dir(name)
    [mount] = [m for m in main["volumeMounts"] if m["mountPath"] == directory]
    assert mount["readOnly"] is True
    [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == SECRET
    # Readable by the service's group (fsGroup) and by no one else; the service's user is in that group.
    assert volume["secret"]["defaultMode"] == 0o440
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsGroup"]
    # Not in the environment: no credential variable, nor a Secret turned into variables.
    assert not SECRET_VARIABLES & environment(main).keys()
    assert all("secretRef" not in source for source in main.get("envFrom", []))


def test_the_kafka_ca_is_a_file_of_the_secret_too() -> None:
    cafile = PurePosixPath(settings_data()["JIP_KAFKA_SSL_CAFILE"])
    for name in SERVICES:
        assert str(cafile.parent) == secrets_dir(name)


def kubernetes_secret_volume(directory: Path, files: dict[str, str]) -> None:
    """A Secret's volume as the kubelet writes it: a timestamped folder, ..data linking to it, and one link
    per key."""
    data = directory / "..2026_12_03_05_15_00.000000001"
    data.mkdir(parents=True)
    for key, value in files.items():
        (data / key).write_text(value)
        (directory / key).symlink_to(f"..data/{key}")
    (directory / "..data").symlink_to(data.name)


@pytest.mark.parametrize("name", SERVICES)
def test_a_service_reads_its_settings_from_the_configmap_and_the_secret(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = "mongodb://jip:db-passw0rd@mongodb-0.mongodb-svc.mongodb.svc:27017/?replicaSet=mongodb&authSource=admin"
    mounted = tmp_path / "jip"
    kubernetes_secret_volume(
        mounted,
        {
            "jip_mongodb_uri": uri,
            "jip_kafka_sasl_username": "jip-services",
            "jip_kafka_sasl_password": "kafka-passw0rd",
            "kafka-ca.crt": "-----BEGIN CERTIFICATE-----\n",
        },
    )
    env = {key: str(item["value"]) for key, item in environment(container(deployment(name))).items()}
    settings = settings_from(settings_data() | env | {"JIP_SECRETS_DIR": str(mounted)}, monkeypatch)
    assert settings.mongodb_uri == uri
    assert settings.kafka_security_protocol is KafkaSecurityProtocol.SASL_SSL
    assert settings.kafka_sasl_username == "jip-services"
    assert settings.kafka_sasl_password is not None
    assert settings.kafka_sasl_password.get_secret_value() == "kafka-passw0rd"
    assert {f"jip_{setting}" for setting in SECRET_SETTINGS} - {"jip_subject_keys_uri"} <= {
        path.name for path in mounted.iterdir()
    }


# --- network policies ----------------------------------------------------------------------------------


def test_everything_in_the_namespace_is_denied_unless_allowed() -> None:
    deny = policies()["default-deny"]
    assert deny["metadata"]["namespace"] == "joint-inspections"
    assert deny["spec"]["podSelector"] == {}, "every pod of the namespace"
    assert sorted(deny["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny["spec"]
    assert "egress" not in deny["spec"]
    for policy in policies().values():
        assert policy["metadata"]["namespace"] == "joint-inspections"
        for direction in ("ingress", "egress"):
            if direction in policy["spec"]:
                assert direction.capitalize() in policy["spec"]["policyTypes"], policy["metadata"]["name"]


def test_services_reach_only_dns_kafka_mongodb_the_collector_and_the_token_keys() -> None:
    data = settings_data()
    kafka = {namespace_and_port(server, 9092) for server in data["JIP_KAFKA_BOOTSTRAP_SERVERS"].split(",")}
    otlp = urlsplit(data["OTEL_EXPORTER_OTLP_ENDPOINT"])
    assert otlp.hostname is not None
    collector = namespace_and_port(f"{otlp.hostname}:{otlp.port or 4318}", 4318)
    jwks = urlsplit(data["JIP_AUTH_JWKS_URL"])
    assert jwks.scheme == "https"
    oidc = {(peer, protocol, port) for peer, protocol, port in allowed("egress") if peer[0] == "ipBlock"}
    expected = {
        (("namespace", "kube-system", "k8s-app=kube-dns"), "UDP", 53),
        (("namespace", "kube-system", "k8s-app=kube-dns"), "TCP", 53),
        *((("namespace", namespace), "TCP", port) for namespace, port in kafka),
        (("namespace", MONGODB[0]), "TCP", MONGODB[1]),
        (("namespace", collector[0]), "TCP", collector[1]),
        *oidc,
    }
    assert allowed("egress") == expected
    # The OIDC provider: HTTPS only, to named addresses, never the whole internet.
    assert {(protocol, port) for _, protocol, port in oidc} == {("TCP", jwks.port or 443)}
    for (_, cidr), _, _ in oidc:
        network = ipaddress.ip_network(cidr)
        assert network.prefixlen >= 16, f"{cidr} is not the provider's addresses"


def test_services_are_reached_only_on_their_http_port_from_the_ingress_controller_and_the_workspace() -> None:
    for name in SERVICES:
        ports = {port["name"]: port["containerPort"] for port in container(deployment(name))["ports"]}
        assert set(ports) == {"http"}, f"{name} serves one port, http"
    workspace = ("namespace", "joint-inspections", "app.kubernetes.io/name=jip-workspace")
    assert allowed("ingress") == {
        (("namespace", "ingress-nginx"), "TCP", "http"),
        (workspace, "TCP", "http"),
    }
    assert pod_labels(deployment("workspace"))["app.kubernetes.io/name"] == "jip-workspace"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_is_under_the_policies(name: str) -> None:
    labels = pod_labels(deployment(name))
    selecting = policies_selecting(labels)
    assert {"default-deny", "jip-egress-dns", "jip-egress-platform", "jip-ingress-http"} <= selecting.keys()


# --- spread and disruption -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*SERVICES, "workspace"])
def test_replicas_are_spread_over_nodes_and_zones(name: str) -> None:
    spec = deployment(name)["spec"]
    assert spec["replicas"] >= 2
    labels = pod_labels(deployment(name))
    constraints = {
        constraint["topologyKey"]: constraint
        for constraint in sequence(spec["template"]["spec"]["topologySpreadConstraints"], "constraints")
    }
    assert constraints.keys() == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
    # Never two replicas on one node while another node has none; zones where the cluster has them.
    assert constraints["kubernetes.io/hostname"]["whenUnsatisfiable"] == "DoNotSchedule"
    assert constraints["topology.kubernetes.io/zone"]["whenUnsatisfiable"] == "ScheduleAnyway"
    for constraint in constraints.values():
        assert constraint["maxSkew"] == 1
        selector = mapping(constraint["labelSelector"], "labelSelector")
        assert selects(selector, labels)
        # This service's pods only, not every pod of the platform.
        assert selector["matchLabels"] == {"app.kubernetes.io/name": f"jip-{name}"}
        assert constraint["matchLabelKeys"] == ["pod-template-hash"]


# --- the workspace -------------------------------------------------------------------------------------


def test_the_workspace_reads_its_secrets_and_only_the_kafka_credentials_as_files() -> None:
    spec = deployment("workspace")["spec"]["template"]["spec"]
    main = container(deployment("workspace"))
    directory = secrets_dir("workspace")
    [mount] = [m for m in main["volumeMounts"] if m["mountPath"] == directory]
    assert mount["readOnly"] is True
    [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    assert volume["projected"]["defaultMode"] == 0o440
    assert spec["securityContext"]["fsGroup"] == spec["securityContext"]["runAsGroup"]
    files = {
        source["secret"]["name"]: {item["key"]: item["path"] for item in source["secret"]["items"]}
        for source in volume["projected"]["sources"]
    }
    assert files == {
        WORKSPACE_SECRET: {f"jip_{name}": f"jip_{name}" for name in WORKSPACE_SECRETS},
        SECRET: {
            "jip_kafka_sasl_username": "jip_kafka_sasl_username",
            "jip_kafka_sasl_password": "jip_kafka_sasl_password",
            "kafka-ca.crt": "kafka-ca.crt",
        },
    }, "its own secrets, and of the services' only Kafka's: never the MongoDB URI"
    variables = environment(main).keys()
    assert not SECRET_VARIABLES & variables
    assert not {f"JIP_{name.upper()}" for name in WORKSPACE_SECRETS} & variables
    assert all("secretRef" not in source for source in main.get("envFrom", []))


def test_the_workspace_reads_its_settings_from_the_configmap_its_env_and_the_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounted = tmp_path / "jip"
    kubernetes_secret_volume(
        mounted,
        {
            "jip_workspace_session_secret": "session-s3cret",
            "jip_workspace_oidc_client_secret": "client-s3cret",
            "jip_kafka_sasl_username": "jip-services",
            "jip_kafka_sasl_password": "kafka-passw0rd",
            "kafka-ca.crt": "-----BEGIN CERTIFICATE-----\n",
        },
    )
    env = {key: str(item["value"]) for key, item in environment(container(deployment("workspace"))).items()}
    given = settings_data() | env | {"JIP_SECRETS_DIR": str(mounted)}
    platform = settings_from(given, monkeypatch)  # the same environment: the Kafka settings it reads
    assert platform.kafka_sasl_password is not None
    assert platform.kafka_sasl_password.get_secret_value() == "kafka-passw0rd"
    assert platform.kafka_security_protocol is KafkaSecurityProtocol.SASL_SSL
    settings = WorkspaceSettings()
    assert settings.workspace_session_secret is not None
    assert settings.workspace_session_secret.get_secret_value() == "session-s3cret"
    provider = oidc_of(settings)
    assert provider is not None
    assert provider.client_secret == "client-s3cret"
    # The provider whose access tokens the services check: the same issuer, the same audience.
    assert provider.issuer == settings_data()["JIP_AUTH_ISSUER"]
    assert provider.audience == settings_data()["JIP_AUTH_AUDIENCE"]
    assert settings.workspace_signing_key_file is None, "never the stack's key"
    # Each service by its Service, whose port 80 leads to the pods' http port.
    for name, url in settings.service_urls().items():
        service = k8s_resources("Service")[f"jip-{name}"]
        assert urlsplit(url).hostname == service["metadata"]["name"]
        assert (urlsplit(url).port or 80) == service["spec"]["ports"][0]["port"]


def test_the_workspace_reaches_exactly_the_five_services_kafka_dns_and_the_oidc_provider() -> None:
    pods = pod_labels(deployment("workspace"))
    data = settings_data()
    kafka = {namespace_and_port(server, 9092) for server in data["JIP_KAFKA_BOOTSTRAP_SERVERS"].split(",")}
    service_ports = {
        container(deployment(name))["ports"][0]["containerPort"] for name in SERVICES
    }  # behind each Service's port 80
    [service_port] = service_ports
    egress = allowed("egress", pods)
    https = {(peer, protocol, port) for peer, protocol, port in egress if peer[0] == "ipBlock"}
    assert https
    assert {(protocol, port) for _, protocol, port in https} == {("TCP", 443)}
    expected = {
        (("namespace", "kube-system", "k8s-app=kube-dns"), "UDP", 53),
        (("namespace", "kube-system", "k8s-app=kube-dns"), "TCP", 53),
        *((("namespace", namespace), "TCP", port) for namespace, port in kafka),
        *(
            (("namespace", "joint-inspections", f"app.kubernetes.io/name=jip-{name}"), "TCP", service_port)
            for name in SERVICES
        ),
        *https,
    }
    assert egress == expected, "never MongoDB, nor the collector"
    for name in SERVICES:  # each peer is exactly one service's pods
        assert pod_labels(deployment(name))["app.kubernetes.io/name"] == f"jip-{name}"


def test_the_workspace_is_reached_from_anywhere_on_its_http_port_only() -> None:
    pods = pod_labels(deployment("workspace"))
    ports = {port["name"]: port["containerPort"] for port in container(deployment("workspace"))["ports"]}
    assert set(ports) == {"http"}
    [rule] = rules("ingress", pods)
    assert "from" not in rule, "the public face: from anywhere (the ingress puts it behind TLS)"
    assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]
    assert "default-deny" in policies_selecting(pods)


def test_the_workspace_keeps_one_replica_through_a_drain() -> None:
    spec = deployment("workspace")["spec"]
    budget = k8s_resources("PodDisruptionBudget")["jip-workspace"]
    assert selects(mapping(budget["spec"]["selector"], "selector"), pod_labels(deployment("workspace")))
    assert 1 <= budget["spec"]["minAvailable"] < spec["replicas"]
    service = k8s_resources("Service")["jip-workspace"]
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]
    main = container(deployment("workspace"))
    assert main["args"] == ["workspace"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert main[probe]["httpGet"]["path"] == "/health/live", "the path the workspace serves"


# --- the checkpointer ----------------------------------------------------------------------------------


def test_the_checkpointer_alone_mounts_its_key_and_reaches_kafka_and_dns_only() -> None:
    """Issue 21: the checkpoint key is a Secret no other pod mounts; the checkpointer reads Kafka only and
    nothing reaches it."""
    checkpointer = deployment("checkpointer")
    main = container(checkpointer)
    assert main["args"] == ["checkpointer"]
    assert checkpointer["spec"]["replicas"] == 1
    assert checkpointer["spec"]["strategy"] == {"type": "Recreate"}
    directory = secrets_dir("checkpointer")
    assert environment(main)["JIP_CHECKPOINT_KEY_FILE"]["value"] == f"{directory}/checkpoint-key.pem"
    [volume] = [v for v in checkpointer["spec"]["template"]["spec"]["volumes"] if v["name"] == "secrets"]
    files = {
        (source["secret"]["name"], item["key"])
        for source in volume["projected"]["sources"]
        for item in source["secret"]["items"]
    }
    assert files == {
        ("jip-checkpoint-key", "checkpoint-key.pem"),
        (SECRET, "jip_kafka_sasl_username"),
        (SECRET, "jip_kafka_sasl_password"),
        (SECRET, "kafka-ca.crt"),
    }, "never the MongoDB URI"
    for name, other in k8s_resources("Deployment").items():
        if name != "jip-checkpointer":
            assert "jip-checkpoint-key" not in str(other["spec"]["template"]["spec"].get("volumes")), name
    pods = pod_labels(checkpointer)
    kafka = {
        namespace_and_port(server, 9092)
        for server in settings_data()["JIP_KAFKA_BOOTSTRAP_SERVERS"].split(",")
    }
    assert allowed("egress", pods) == {
        (("namespace", "kube-system", "k8s-app=kube-dns"), "UDP", 53),
        (("namespace", "kube-system", "k8s-app=kube-dns"), "TCP", 53),
        *((("namespace", namespace), "TCP", port) for namespace, port in kafka),
    }
    assert rules("ingress", pods) == []
    assert "default-deny" in policies_selecting(pods)
    assert main["securityContext"]["readOnlyRootFilesystem"] is True
