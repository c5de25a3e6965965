"""Kafka topics: one per bounded context for its events, one dead-letter topic per consuming service.
Created explicitly with their partition counts (an auto-created topic gets the broker's default)."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

SERVICES = ("scheduling", "evidence", "judgement", "lscb", "reporting")
_ALREADY_EXISTS = TopicAlreadyExistsError.errno


def events_topic(context: str) -> str:
    return f"jip.{context}.events"


def dead_letter_topic(service: str) -> str:
    return f"jip.{service}.deadletter"


def all_topics() -> list[str]:
    return [events_topic(s) for s in SERVICES] + [dead_letter_topic(s) for s in SERVICES]


async def ensure_topics(bootstrap_servers: str, partitions: int) -> list[str]:
    """Create any missing platform topic; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in all_topics() if t not in existing]
        if not missing:
            return []
        response = await admin.create_topics([NewTopic(t, partitions, 1) for t in missing])
        failed = [(t, code, msg) for t, code, msg in response.topic_errors if code not in (0, _ALREADY_EXISTS)]
        if failed:
            raise RuntimeError(f"could not create topics: {failed}")
        return missing
    finally:
        await admin.close()
