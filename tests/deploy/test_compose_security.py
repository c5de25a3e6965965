"""The compose stack without open doors (issue 22, point 12): Kafka and MongoDB ask for a password and are not
published beyond this machine, every password is a compose secret, Grafana asks everyone to sign in,
Jaeger is v2, the collector limits its memory, and topics keep min.insync.replicas within what the broker
count and replication factor allow. Parsed with PyYAML, and validated by `docker compose config` (or
Debian's `docker-compose config`) where the machine has one; neither needs a Docker engine."""

from __future__ import annotations

import base64
import json
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from services.workspace.oidc import oidc_of
from services.workspace.settings import WORKSPACE_SECRETS, WorkspaceSettings
from shared.mechanics.settings import SaslMechanism, Settings
from shared.mechanics.topics import SERVICES
from tests.deploy.manifests import (
    COLLECTOR,
    COMPOSE,
    MONGODB_USERS,
    PASSWORD_VARIABLES,
    ROOT,
    Doc,
    compose,
    compose_environment,
    compose_secrets,
    compose_service,
    compose_services,
    load_yaml,
    make_secrets,
    mapping,
    mounted,
    published_ports,
    sequence,
    settings_from,
)

LOOPBACK = "127.0.0.1"
INFRASTRUCTURE = ("kafka", "mongodb", "otel-collector", "jaeger", "prometheus", "grafana")
SECRET_FILES = "./deploy/secrets/"
MADE_ELSEWHERE = {"jip_token_public_key": "./deploy/auth/public-key.pem"}  # `jip token --data-dir deploy`
NODE = shutil.which("node")


def secret_file(name: str) -> str:
    return str(mapping(mapping(compose()["secrets"], "secrets")[name], name)["file"])


def kafka_listeners(environment: dict[str, str]) -> dict[str, tuple[str, int]]:
    """KAFKA_LISTENERS as {name: (host, port)}; an empty host means every interface."""
    listeners = {}
    for listener in environment["KAFKA_LISTENERS"].split(","):
        name, address = listener.split("://")
        host, port = address.rsplit(":", 1)
        listeners[name] = (host, int(port))
    return listeners


def kafka_protocols(environment: dict[str, str]) -> dict[str, str]:
    return dict(pair.split(":") for pair in environment["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))


def megabytes(limit: str) -> float:
    """A compose memory limit ("512m", "1g", bytes) in MiB."""
    number, unit = re.fullmatch(r"(\d+)([bkmg]?)", limit.lower()).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit] / 1024**2


def run_node(script: str, *arguments: str) -> Any:
    """Run JavaScript under Node.js (mongosh runs the same language), returning what it printed as JSON."""
    assert NODE is not None, "Node.js is needed to run the MongoDB scripts' JavaScript (Debian: nodejs)"
    done = subprocess.run(
        [NODE, "-e", script, "--", *arguments], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


# --- nothing published beyond this machine but the services' APIs --------------------------------------


def assert_loopback_only(services: Doc) -> None:
    for name in INFRASTRUCTURE:
        for host, published, _ in published_ports(mapping(services[name], name)):
            assert host == LOOPBACK, f"{name} publishes {published} on every interface: bind it to {LOOPBACK}"
    for name, service in services.items():
        for host, published, _ in published_ports(mapping(service, name)):
            if host != LOOPBACK:
                assert name in SERVICES, f"{name} publishes {published} beyond this machine"


def test_only_the_services_apis_are_published_beyond_this_machine() -> None:
    """Kafka and MongoDB (and the unauthenticated tools) are reachable from this machine only; each
    service's API, which asks every request for a bearer token, from anywhere."""
    assert_loopback_only(compose_services())
    assert published_ports(compose_service("mongodb")) == [(LOOPBACK, "27017", "27017")]
    assert published_ports(compose_service("kafka")) == [(LOOPBACK, "9094", "9094")]


# --- every credential a compose secret -----------------------------------------------------------------


def test_no_credential_is_a_value_in_the_compose_file() -> None:
    for name, service in compose_services().items():
        environment = compose_environment(mapping(service, name))
        assert not PASSWORD_VARIABLES & environment.keys(), f"{name}: passwords are secret files"
        for variable in environment:
            if re.search(r"PASSWORD|SECRET", variable) and variable != "JIP_SECRETS_DIR":
                assert variable.endswith("_FILE"), f"{name}: {variable} holds a password: give it as a file"
                assert environment[variable] in compose_secrets(service).values(), f"{name}: {variable}"


def test_every_secret_is_a_file_made_outside_git() -> None:
    declared = mapping(compose()["secrets"], "secrets")
    for name, service in compose_services().items():
        assert compose_secrets(mapping(service, name)).keys() <= declared.keys(), name
    from_script = {name for name in declared if secret_file(name).startswith(SECRET_FILES)}
    assert from_script | MADE_ELSEWHERE.keys() == declared.keys()
    for name, path in MADE_ELSEWHERE.items():
        assert secret_file(name) == path
    for name in from_script:
        assert secret_file(name) == f"{SECRET_FILES}{name}", "each file is named as its secret"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "deploy/auth/public-key.pem"], cwd=ROOT, check=False, timeout=30
    )
    assert ignored.returncode == 0, "deploy/auth/ must stay out of git"


@pytest.mark.parametrize("name", SERVICES)
def test_services_read_their_credentials_from_secret_files(name: str) -> None:
    service = compose_service(name)
    secrets_dir = compose_environment(service)["JIP_SECRETS_DIR"]
    mounted_secrets = compose_secrets(service)
    for setting in ("jip_mongodb_uri", "jip_kafka_sasl_password"):
        assert mounted_secrets.get(setting) == f"{secrets_dir}/{setting}", f"{name} does not mount {setting}"


def test_make_secrets_writes_every_secret_once(tmp_path: Path) -> None:
    directory = tmp_path / "secrets"
    make_secrets(directory)
    declared = {name for name in mapping(compose()["secrets"], "secrets") if name not in MADE_ELSEWHERE}
    written = {path.name for path in directory.iterdir()} - {".gitignore"}
    assert written == declared
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700, "the folder is its owner's alone"
    for name in written:
        # readable by the containers' own users (compose mounts the file as it is); the folder guards it
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o644, name
    assert (directory / ".gitignore").read_text().splitlines()[-1] == "*"
    before = {name: (directory / name).read_text() for name in written}
    output = make_secrets(directory)
    assert {name: (directory / name).read_text() for name in written} == before, (
        "a second run changes nothing"
    )
    assert "kept jip_mongodb_uri" in output


def test_make_secrets_passwords_and_key(tmp_path: Path) -> None:
    make_secrets(tmp_path)
    for name in ("jip_kafka_sasl_password", "mongodb_root_password", "grafana_admin_password"):
        password = (tmp_path / name).read_text().strip()
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", password), f"{name}: 32 random bytes, URL-safe"
    uri = urlsplit((tmp_path / "jip_mongodb_uri").read_text().strip())
    assert uri.username == "jip"
    assert uri.password
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", uri.password)
    assert (uri.hostname, uri.port) == ("mongodb", 27017)
    assert parse_qs(uri.query) == {"replicaSet": ["rs0"], "authSource": ["admin"]}
    passwords = {(tmp_path / n).read_text() for n in ("jip_kafka_sasl_password", "mongodb_root_password")}
    assert len(passwords | {uri.password}) == 3, "each password is its own"
    key = (tmp_path / "mongodb_keyfile").read_text().strip()
    assert 6 <= len(key) <= 1024, "MongoDB takes a key file of 6 to 1024 base64 characters"
    assert len(base64.b64decode(key, validate=True)) == 756


# --- MongoDB -------------------------------------------------------------------------------------------


def test_mongodb_requires_authentication() -> None:
    mongodb = compose_service("mongodb")
    environment = compose_environment(mongodb)
    secrets = compose_secrets(mongodb)
    assert environment["MONGO_INITDB_ROOT_USERNAME"] == "root"
    assert "MONGO_INITDB_ROOT_PASSWORD" not in environment
    assert environment["MONGO_INITDB_ROOT_PASSWORD_FILE"] == secrets["mongodb_root_password"]
    # A replica set with access control needs its key file, mongod's own and owner-only.
    command = sequence(mongodb["command"], "mongodb command")
    assert command[:3] == ["mongod", "--replSet", "rs0"]
    keyfile = command[command.index("--keyFile") + 1]
    [shell, option, script, _] = sequence(mongodb["entrypoint"], "mongodb entrypoint")
    assert (shell, option) == ("bash", "-c")
    assert f"install -o mongodb -g mongodb -m 0400 {secrets['mongodb_keyfile']} {keyfile}" in script
    assert script.endswith('&& exec docker-entrypoint.sh "$$@"'), "then the image's own entrypoint, as before"
    # The services' user is made on the first start, from the URI the services are given.
    target = mounted("mongodb", "./deploy/mongodb/create-users.js")
    assert target.startswith("/docker-entrypoint-initdb.d/")
    assert secrets["jip_mongodb_uri"] in MONGODB_USERS.read_text()


def create_users_databases() -> list[str]:
    match = re.search(r"^const DATABASES = (\[.*\]);$", MONGODB_USERS.read_text(), re.MULTILINE)
    assert match, "create-users.js lists its databases on one line: const DATABASES = [...];"
    databases: list[str] = json.loads(match.group(1))
    return databases


def test_the_services_user_may_use_exactly_the_platforms_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = compose_environment(compose_service("scheduling"))
    settings = settings_from(environment | {"JIP_SECRETS_DIR": ""}, monkeypatch)  # the names only
    expected = [settings.database_name(service) for service in SERVICES]
    expected += [settings.subject_keys()[1], settings.platform_database()]
    assert create_users_databases() == expected


# create-users.js, run as mongosh would on the first start, against a stand-in for the database.
CREATE_USERS = """
const fs = require("fs");
const vm = require("vm");
const [script, uriFile] = process.argv.slice(1);
const created = [];
const sandbox = {
  URL,
  require: (name) => ({
    readFileSync: (path, encoding) => {
      if (name !== "fs" || path !== "/run/secrets/jip_mongodb_uri") throw new Error(`read ${path}`);
      return fs.readFileSync(uriFile, encoding);
    },
  }),
  db: { getSiblingDB: (database) => ({ createUser: (user) => created.push({ database, ...user }) }) },
  print: () => {},
};
vm.runInNewContext(fs.readFileSync(script, "utf8"), sandbox);
console.log(JSON.stringify(created));
"""


def test_create_users_makes_the_services_user_from_their_uri(tmp_path: Path) -> None:
    make_secrets(tmp_path)
    uri = urlsplit((tmp_path / "jip_mongodb_uri").read_text().strip())
    [created] = run_node(CREATE_USERS, str(MONGODB_USERS), str(tmp_path / "jip_mongodb_uri"))
    assert created["database"] == "admin"  # the URI's authSource
    assert (created["user"], created["pwd"]) == (uri.username, uri.password)
    assert created["roles"] == [{"role": "readWrite", "db": name} for name in create_users_databases()]


# The health check's JavaScript, against a stand-in replica set that is not yet initiated.
HEALTHCHECK = """
const fs = require("fs");
const vm = require("vm");
const [script, passwordFile] = process.argv.slice(1);
const calls = [];
let initiated = false;
const sandbox = {
  require: (name) => ({
    readFileSync: (path, encoding) => {
      if (name !== "fs" || path !== "/run/secrets/mongodb_root_password") throw new Error(`read ${path}`);
      return fs.readFileSync(passwordFile, encoding);
    },
  }),
  db: {
    getSiblingDB: (database) => ({ auth: (user, pwd) => calls.push(["auth", database, user, pwd]) }),
    hello: () => ({ isWritablePrimary: initiated }),
  },
  rs: {
    status: () => { if (!initiated) throw new Error("no replset config has been received"); return {}; },
    initiate: (config) => { initiated = true; calls.push(["initiate", config]); },
  },
  quit: (code) => calls.push(["quit", code]),
};
vm.runInNewContext(script, sandbox);
vm.runInNewContext(script, sandbox);
console.log(JSON.stringify(calls));
"""


def test_mongodb_health_check_signs_in_then_initiates_the_replica_set_once(tmp_path: Path) -> None:
    make_secrets(tmp_path)
    password = (tmp_path / "mongodb_root_password").read_text().strip()
    test = sequence(mapping(compose_service("mongodb")["healthcheck"], "healthcheck")["test"], "test")
    assert test[:4] == ["CMD", "mongosh", "--quiet", "--eval"]
    calls = run_node(HEALTHCHECK, str(test[4]), str(tmp_path / "mongodb_root_password"))
    auth = ["auth", "admin", "root", password]
    initiate = ["initiate", {"_id": "rs0", "members": [{"_id": 0, "host": "mongodb:27017"}]}]
    assert calls == [auth, initiate, ["quit", 0], auth, ["quit", 0]]


# --- Kafka ---------------------------------------------------------------------------------------------


def test_kafka_asks_every_client_beyond_its_container_for_a_password(tmp_path: Path) -> None:
    kafka = compose_service("kafka")
    environment = compose_environment(kafka)
    listeners = kafka_listeners(environment)
    protocols = kafka_protocols(environment)
    assert listeners.keys() == protocols.keys()
    for name, (host, _) in listeners.items():
        if host not in ("localhost", LOOPBACK):
            assert protocols[name].startswith("SASL_"), f"{name} is reachable without a password"
    # The services' listener (kafka:9092) and the host's (published on loopback) are both SASL.
    services = compose_environment(compose_service("scheduling"))
    bootstrap_port = int(services["JIP_KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[1])
    [clients] = [name for name, (_, port) in listeners.items() if port == bootstrap_port]
    assert protocols[clients] == services["JIP_KAFKA_SECURITY_PROTOCOL"]
    [(_, host_port, _)] = published_ports(kafka)
    [host_listener] = [name for name, (_, port) in listeners.items() if port == int(host_port)]
    assert protocols[host_listener].startswith("SASL_")
    # What stays in the container: the broker's own connections, the controller, the health check.
    internal = environment["KAFKA_INTER_BROKER_LISTENER_NAME"]
    assert listeners[internal][0] == "localhost"
    assert listeners[environment["KAFKA_CONTROLLER_LISTENER_NAMES"]][0] == "localhost"
    healthcheck = sequence(mapping(kafka["healthcheck"], "healthcheck")["test"], "test")
    assert f"localhost:{listeners[internal][1]}" in healthcheck
    # The mechanism the services use, with the users of the JAAS file, a secret.
    assert services["JIP_KAFKA_SASL_MECHANISM"] in environment["KAFKA_SASL_ENABLED_MECHANISMS"].split(",")
    assert SaslMechanism(services["JIP_KAFKA_SASL_MECHANISM"]) is SaslMechanism.PLAIN
    jaas = environment["KAFKA_OPTS"].removeprefix("-Djava.security.auth.login.config=")
    assert jaas == compose_secrets(kafka)["kafka_jaas"]
    make_secrets(tmp_path)
    password = (tmp_path / "jip_kafka_sasl_password").read_text().strip()
    user = services["JIP_KAFKA_SASL_USERNAME"]
    assert f'user_{user}="{password}";' in (tmp_path / "kafka_jaas").read_text()


def test_topics_keep_min_insync_replicas_suited_to_their_replication_factor(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With acks=all (the services' producers), a write is acknowledged once min.insync.replicas replicas
    have it: at least 2 where there are 3 or more replicas, fewer than the replicas so that one broker may
    be down, and never more than the broker count."""
    brokers = [
        name
        for name, service in compose_services().items()
        if str(mapping(service, name).get("image", "")).startswith("apache/kafka:")
    ]
    environment = compose_environment(compose_service("kafka"))
    assert "broker" in environment["KAFKA_PROCESS_ROLES"].split(",")
    make_secrets(tmp_path)
    services = compose_environment(compose_service("scheduling")) | {"JIP_SECRETS_DIR": str(tmp_path)}
    settings = settings_from(services, monkeypatch)
    replicas = settings.topic_replication_factor
    min_insync = int(environment["KAFKA_MIN_INSYNC_REPLICAS"])  # the topics the services create take it
    assert replicas <= len(brokers)
    assert min_insync == (1 if replicas < 3 else replicas - 1)
    assert settings.producer_options()["acks"] == "all"
    assert int(environment["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]) <= int(
        environment["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"]
    )


# --- Grafana, Jaeger, the collector --------------------------------------------------------------------


def test_grafana_asks_everyone_to_sign_in() -> None:
    grafana = compose_service("grafana")
    environment = compose_environment(grafana)
    assert environment["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert "GF_AUTH_ANONYMOUS_ORG_ROLE" not in environment
    assert environment["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert "GF_SECURITY_ADMIN_PASSWORD" not in environment, "not the default admin password, nor any value"
    assert (
        environment["GF_SECURITY_ADMIN_PASSWORD__FILE"] == compose_secrets(grafana)["grafana_admin_password"]
    )


def test_jaeger_is_v2_and_still_fed_and_read() -> None:
    jaeger = compose_service("jaeger")
    repository, _, tag = str(jaeger["image"]).rpartition(":")
    assert repository == "jaegertracing/jaeger", "jaegertracing/all-in-one is Jaeger v1, end of life"
    assert int(tag.split(".")[0]) == 2
    exporters = mapping(load_yaml(COLLECTOR)["exporters"], "exporters")
    assert exporters["otlp_grpc/jaeger"]["endpoint"] == "jaeger:4317"  # v2's OTLP receiver
    assert [port for _, _, port in published_ports(jaeger)] == ["16686"]  # its UI and query API
    sources = load_yaml(ROOT / "deploy/grafana/provisioning/datasources/datasources.yaml")["datasources"]
    assert {source["uid"]: source["url"] for source in sources}["jaeger"] == "http://jaeger:16686"


def test_the_collector_limits_its_memory_first_in_every_pipeline() -> None:
    config = load_yaml(COLLECTOR)
    limiter = mapping(config["processors"]["memory_limiter"], "memory_limiter")
    for name, pipeline in mapping(config["service"]["pipelines"], "pipelines").items():
        assert pipeline["processors"][0] == "memory_limiter", f"{name}: memory_limiter must come first"
    container_limit = megabytes(str(compose_service("otel-collector")["mem_limit"]))
    assert 0 < limiter["spike_limit_mib"] < limiter["limit_mib"] < container_limit
    assert limiter["check_interval"] == "1s"


# --- docker compose config -----------------------------------------------------------------------------


def compose_cli() -> list[str] | None:
    """`docker compose` (the CLI plugin) or Debian's `docker-compose`; neither needs an engine for config."""
    docker = shutil.which("docker")
    if docker is not None:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, check=False, timeout=60)
        if probe.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone is not None else None


def test_docker_compose_config_accepts_the_file_and_resolves_it_as_read_here() -> None:
    cli = compose_cli()
    assert cli is not None, (
        "no compose CLI here: the docker client has no `compose` plugin and `docker-compose` is not "
        "installed (`bin/jip test` installs Debian's docker-compose when run as root)"
    )
    done = subprocess.run(
        [*cli, "--file", str(COMPOSE), "--project-directory", str(ROOT), "config"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, f"{' '.join(cli)} config refused the file:\n{done.stderr}"
    resolved = mapping(yaml.safe_load(done.stdout), "docker compose config")
    services = mapping(resolved["services"], "services")
    assert set(services) == set(compose_services())
    assert_loopback_only(services)  # the same, after compose's own reading of anchors and port forms
    for name in SERVICES:
        environment = compose_environment(mapping(services[name], name))
        assert not PASSWORD_VARIABLES & environment.keys()
        assert environment["JIP_SECRETS_DIR"] == "/run/secrets"


def test_compose_settings_refuse_a_uri_in_the_environment_beside_its_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were JIP_MONGODB_URI put back in the compose file, the services would not start on a URI other than
    their secret's: the precedence of shared/mechanics/settings.py, as the compose stack gives the
    settings."""
    make_secrets(tmp_path)
    environment = compose_environment(compose_service("evidence")) | {"JIP_SECRETS_DIR": str(tmp_path)}
    with pytest.raises(ValueError, match="JIP_MONGODB_URI"):
        settings_from(
            environment | {"JIP_MONGODB_URI": "mongodb://mongodb:27017/?replicaSet=rs0"}, monkeypatch
        )
    assert isinstance(settings_from(environment, monkeypatch), Settings)


# --- the workspace -------------------------------------------------------------------------------------


def test_the_workspace_is_published_on_this_machine_only() -> None:
    """Put a TLS proxy in front of it to reach it from elsewhere (deploy/README.md)."""
    assert published_ports(compose_service("workspace")) == [(LOOPBACK, "8100", "8000")]


def test_the_workspace_reads_its_secrets_and_only_the_kafka_password_as_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = compose_service("workspace")
    environment = compose_environment(workspace)
    mounted_secrets = compose_secrets(workspace)
    secrets_dir = environment["JIP_SECRETS_DIR"]
    expected = [f"jip_{name}" for name in WORKSPACE_SECRETS] + ["jip_kafka_sasl_password"]
    assert mounted_secrets == {name: f"{secrets_dir}/{name}" for name in expected}, (
        "never the MongoDB URI (it reads no database), nor the stack's token key"
    )
    assert not {f"JIP_{name.upper()}" for name in WORKSPACE_SECRETS} & environment.keys()
    assert "JIP_WORKSPACE_SIGNING_KEY_FILE" not in environment
    # As the workspace reads them, from the files deploy/make_secrets.py makes.
    make_secrets(tmp_path)
    given = environment | {"JIP_SECRETS_DIR": str(tmp_path)}
    platform = settings_from(given, monkeypatch)
    security = platform.kafka_security()
    assert security["sasl_plain_password"] == (tmp_path / "jip_kafka_sasl_password").read_text().strip()
    services = compose_environment(compose_service("scheduling"))
    for variable in ("BOOTSTRAP_SERVERS", "SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "PROFILE"):
        assert environment[f"JIP_KAFKA_{variable}"] == services[f"JIP_KAFKA_{variable}"], variable
    settings = WorkspaceSettings()
    assert settings.workspace_session_secret is not None
    session_secret = settings.workspace_session_secret.get_secret_value()
    assert session_secret == (tmp_path / "jip_workspace_session_secret").read_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", session_secret), "32 random bytes, URL-safe"
    provider = oidc_of(settings)
    assert provider is not None
    assert provider.client_secret is None, "made empty, for the operator to fill from the provider"
    (tmp_path / "jip_workspace_oidc_client_secret").write_text("from-the-provider\n")
    provider = oidc_of(WorkspaceSettings())
    assert provider is not None
    assert provider.client_secret == "from-the-provider"


def test_make_secrets_keeps_the_client_secret_the_operator_wrote(tmp_path: Path) -> None:
    make_secrets(tmp_path)
    (tmp_path / "jip_workspace_oidc_client_secret").write_text("from-the-provider\n")
    output = make_secrets(tmp_path)
    assert (tmp_path / "jip_workspace_oidc_client_secret").read_text() == "from-the-provider\n"
    assert "kept" in output
    assert "jip_workspace_oidc_client_secret" in output.split("kept", 1)[1]


def test_the_workspace_calls_the_five_services_on_the_compose_network() -> None:
    environment = compose_environment(compose_service("workspace"))
    for name in SERVICES:
        assert environment[f"JIP_{name.upper()}_URL"] == f"http://{name}:8000"
        assert compose_service(name)["command"] == [name]
    workspace = compose_service("workspace")
    assert workspace["command"] == ["workspace"]
    health = " ".join(sequence(mapping(workspace["healthcheck"], "healthcheck")["test"], "test"))
    assert "/health/live" in health, "the path the workspace serves (the image's check asks for /health)"


# --- the checkpointer ----------------------------------------------------------------------------------


def test_the_checkpointer_keeps_its_key_on_a_volume_no_other_container_mounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: the key that signs the log's checkpoints is kept apart from the log and from every other
    process; the checkpointer reads Kafka only, and publishes no port."""
    checkpointer = compose_service("checkpointer")
    assert checkpointer["command"] == ["checkpointer"]
    assert "ports" not in checkpointer
    environment = compose_environment(checkpointer)
    key_dir = mounted("checkpointer", "checkpoint-key")
    assert environment["JIP_CHECKPOINT_KEY_FILE"] == f"{key_dir}/checkpoint-key.pem"
    assert environment["JIP_CHECKPOINT_MAKE_KEY"] == "true"
    assert "checkpoint-key" in mapping(compose()["volumes"], "volumes")
    for name, service in compose_services().items():
        if name != "checkpointer":
            volumes = [str(v) for v in service.get("volumes", [])]
            assert not any(v.startswith("checkpoint-key:") for v in volumes), f"{name} mounts the key"
    assert compose_secrets(checkpointer) == {
        "jip_kafka_sasl_password": "/run/secrets/jip_kafka_sasl_password"
    }
    services = compose_environment(compose_service("scheduling"))
    for variable in ("BOOTSTRAP_SERVERS", "SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "PROFILE"):
        assert environment[f"JIP_KAFKA_{variable}"] == services[f"JIP_KAFKA_{variable}"], variable
    make_secrets(tmp_path)
    settings = settings_from(environment | {"JIP_SECRETS_DIR": str(tmp_path)}, monkeypatch)
    assert settings.kafka_security()["sasl_plain_password"] == (
        (tmp_path / "jip_kafka_sasl_password").read_text().strip()
    )
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert f"-m 0700 /var/lib/jip/keyring {key_dir}" in dockerfile, "the image makes the volume owner-only"
