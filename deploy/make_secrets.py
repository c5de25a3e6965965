"""Makes the secrets of the compose stack (docker-compose.yml, `secrets:`): one file each in deploy/secrets/.

    python3 deploy/make_secrets.py            # before the first `docker compose up`
    python3 deploy/make_secrets.py --dir DIR

A file that exists is kept: MongoDB creates its users, and Grafana its admin, from these files on the first
start of their data volumes only, so a new password would no longer match. The workspace's OIDC client secret
is the identity provider's to give: it is made empty, for the operator to fill. To change one, delete its file
and the volume that remembers it (`docker compose down -v` drops them all). The Kafka broker's JAAS file is
always rewritten from jip_kafka_sasl_password: the broker reads it at every start.

The folder is its owner's alone (0700) and ignored by git (its own .gitignore). The files in it are 0644:
compose mounts them as they are into containers that run as other users (the services as 10001, MongoDB as
999, Kafka as 1000, Grafana as 472), which must read them; the folder keeps everyone else on this machine out.
Standard library only, so it runs before anything is installed."""

from __future__ import annotations

import argparse
import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / "secrets"
MONGODB_USER = "jip"  # the services' MongoDB user, made by deploy/mongodb/create-users.js
KAFKA_USER = "jip"  # the services' Kafka user: JIP_KAFKA_SASL_USERNAME in docker-compose.yml


def password() -> str:
    """32 random bytes, URL-safe: no character needs quoting in a URI, a JAAS file or a shell."""
    return secrets.token_urlsafe(32)


def mongodb_uri(user_password: str) -> str:
    return f"mongodb://{MONGODB_USER}:{user_password}@mongodb:27017/?replicaSet=rs0&authSource=admin"


def kafka_jaas(user_password: str) -> str:
    """The broker's JAAS file: the users its SASL/PLAIN listeners accept (user_<name>="<password>")."""
    return (
        "KafkaServer {\n"
        "    org.apache.kafka.common.security.plain.PlainLoginModule required\n"
        f'    user_{KAFKA_USER}="{user_password}";\n'
        "};\n"
    )


def mongodb_keyfile() -> str:
    """The replica set's internal key: 6 to 1024 base64 characters (MongoDB's keyFile)."""
    return base64.b64encode(secrets.token_bytes(756)).decode("ascii") + "\n"


# The files docker-compose.yml names, each with what makes it when it is missing.
MADE_ONCE: dict[str, Callable[[], str]] = {
    "jip_mongodb_uri": lambda: mongodb_uri(password()) + "\n",
    "jip_kafka_sasl_password": lambda: password() + "\n",
    "mongodb_root_password": lambda: password() + "\n",
    "mongodb_keyfile": mongodb_keyfile,
    "grafana_admin_password": lambda: password() + "\n",
    "jip_workspace_session_secret": lambda: password() + "\n",  # signs the workspace's session cookies
    # The identity provider gives this one, with the workspace's client registration: write it in the file.
    # Made empty, so compose can start; empty, the workspace is a public client (PKCE alone).
    "jip_workspace_oidc_client_secret": lambda: "",
}
DERIVED = ("kafka_jaas",)
FILES = (*MADE_ONCE, *DERIVED)


def write(path: Path, text: str) -> None:
    """Replace the file whole, with its mode set before any secret is in it."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        os.fchmod(file.fileno(), 0o644)
        file.write(text)
    temporary.replace(path)


def make(directory: Path) -> list[str]:
    """Write the missing secrets in `directory`; returns the names of the files it wrote."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# made by deploy/make_secrets.py: never committed\n*\n", encoding="ascii")
    written = []
    for name, made in MADE_ONCE.items():
        path = directory / name
        if not path.exists():
            write(path, made())
            written.append(name)
    kafka_password = (directory / "jip_kafka_sasl_password").read_text(encoding="ascii").strip()
    write(directory / "kafka_jaas", kafka_jaas(kafka_password))
    written.append("kafka_jaas")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help=f"where (default: {DEFAULT_DIR})")
    arguments = parser.parse_args(argv)
    written = make(arguments.dir)
    kept = [name for name in FILES if name not in written]
    print(f"{arguments.dir}: wrote {', '.join(written)}" + (f"; kept {', '.join(kept)}" if kept else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
