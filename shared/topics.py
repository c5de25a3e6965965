"""Kafka topics: one per bounded context for its events, one dead-letter topic per consuming service,
all under the deployment's namespace. Created explicitly with their partition counts (an auto-created
topic gets the broker's default)."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

SERVICES = ("scheduling", "evidence", "judgement", "lscb", "reporting")
CONTEXTS = SERVICES  # each service is one bounded context and publishes one events topic
_ALREADY_EXISTS = TopicAlreadyExistsError.errno


def events_topic(namespace: str, context: str) -> str:
    return f"{namespace}.{context}.events"


def dead_letter_topic(namespace: str, service: str) -> str:
    return f"{namespace}.{service}.deadletter"


def all_topics(namespace: str) -> list[str]:
    return [events_topic(namespace, c) for c in CONTEXTS] + [
        dead_letter_topic(namespace, s) for s in SERVICES
    ]


async def ensure_topics(
    bootstrap_servers: str,
    namespace: str,
    partitions: int,
    replication_factor: int = 1,
) -> list[str]:
    """Create any of the namespace's topics that are missing; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics(namespace) if t not in existing]
        if not missing:
            return []
        response = await admin.create_topics([NewTopic(t, partitions, replication_factor) for t in missing])
        failed = [
            (t, code, msg) for t, code, msg in response.topic_errors if code not in (0, _ALREADY_EXISTS)
        ]
        if failed:
            raise RuntimeError(f"could not create topics: {failed}")
        return missing
    finally:
        await admin.close()
