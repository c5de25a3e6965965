"""What an append writes besides the envelope, the same in every event store (shared/mechanics/eventstore.py,
memory_store.py): the event as the store keeps it, and the outbox record the relay publishes it from."""

from __future__ import annotations

from shared.mechanics.envelope import Envelope
from shared.mechanics.mongo import Document


def outbox_record(topic: str, envelope: Envelope, key: str, position: int, trace: dict[str, str]) -> Document:
    """The outbox record the relay publishes the event from: to `topic`, keyed by its stream's key, after
    every record of a lower position."""
    return {
        "topic": topic,
        "key": key,
        "position": position,
        "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version,
        "event_id": envelope.event_id,
        "value": envelope.to_json(),
        "event_type": envelope.event_type,
        "schema_version": envelope.schema_version,
        "trace": trace,
    }


def event_record(envelope: Envelope, key: str, position: int) -> Document:
    """The event as the store keeps it: the envelope as published, with the stream's key and its position."""
    return {
        "_id": envelope.event_id,
        "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version,
        "key": key,
        "position": position,
        "inspection_id": envelope.inspection_id,
        "event_type": envelope.event_type,
        "envelope": envelope.model_dump(mode="json"),
    }
