"""The ports of the embedded stack: each component's loopback port, from a base (18100 by default) or from
the ports the OS reports free (the tests', beside a user's stack), and the addresses they make."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from shared.mechanics.topics import SERVICES

BUCKET = "tansu"
DEFAULT_PORT_BASE = 18100
WORKSPACE = "workspace"  # the web application: a client of the five services (services/workspace)
WORKSPACE_OFFSET = 10  # its port: base + 10, beside the services' base + 11 ... + 15
CHECKPOINTER = "checkpointer"  # signs the log's heads (audit/watch.py); it listens on no port
KEYRING = Path("keyring") / "subject-keys.json"  # the services' subject keyring, under the data directory


@dataclass(frozen=True)
class Ports:
    objectstore: int
    kafka: int
    mongodb: int
    services: dict[str, int] = field(default_factory=dict)
    workspace: int = 0  # 0 in a state file written before the workspace: base + 10 then

    def __post_init__(self) -> None:
        if not self.workspace:
            object.__setattr__(self, "workspace", self.objectstore + WORKSPACE_OFFSET)

    @classmethod
    def from_base(cls, base: int) -> Ports:
        return cls(
            objectstore=base,
            kafka=base + 1,
            mongodb=base + 2,
            services={name: base + 11 + i for i, name in enumerate(SERVICES)},
            workspace=base + WORKSPACE_OFFSET,
        )

    @classmethod
    def free(cls) -> Ports:
        """Ports the OS reports free now (for tests, which may run beside a user's stack)."""
        sockets = [socket.socket() for _ in range(4 + len(SERVICES))]
        try:
            for s in sockets:
                s.bind(("127.0.0.1", 0))
            numbers = [s.getsockname()[1] for s in sockets]
        finally:
            for s in sockets:
                s.close()
        services = dict(zip(SERVICES, numbers[3:-1], strict=True))
        return cls(numbers[0], numbers[1], numbers[2], services, workspace=numbers[-1])

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka}"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.mongodb}/?directConnection=true"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.services[name]}"

    @property
    def workspace_url(self) -> str:
        return f"http://127.0.0.1:{self.workspace}"
