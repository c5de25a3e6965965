"""The outbox relay against the real broker and database."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator

import pytest
from bson import ObjectId
from opentelemetry import trace

from shared.language.contracts import CATALOGUE
from shared.mechanics.envelope import Envelope
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Client, connect
from shared.mechanics.outbox import OutboxRelay
from shared.mechanics.settings import Settings
from tests.domain import recorded_item
from tests.event_store_suite import CONTEXT
from tests.helpers import eventually, read_topic


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    client = connect(settings.mongodb_uri, "test")
    yield client
    await client.close()


def relay(client: Client, settings: Settings, owner: str) -> OutboxRelay:
    return OutboxRelay(client, settings.database_name("evidence"), settings.producer_options(), owner)


async def test_the_relay_publishes_in_append_order_keyed_by_inspection_and_empties_the_outbox(
    settings: Settings, client: Client
) -> None:
    store = EventStore(
        client, settings.database_name("evidence"), CATALOGUE, settings.events_topic("evidence")
    )
    await store.ensure_indexes()
    with trace.get_tracer("test").start_as_current_span("command") as span:
        for n in range(1, 6):  # two inspections' streams, interleaved
            await store.append(
                "stream-a", n - 1, [recorded_item(f"item-{n}", inspection_id="insp-a")], CONTEXT
            )
            await store.append(
                "stream-b", n - 1, [recorded_item(f"item-{10 + n}", inspection_id="insp-b")], CONTEXT
            )
    trace_id = f"{span.get_span_context().trace_id:032x}"
    publisher = relay(client, settings, "relay-a")
    await publisher.start()
    try:

        async def outbox_empty() -> bool:
            return await store.outbox.count_documents({}) == 0

        await eventually(outbox_empty)
    finally:
        await publisher.stop()

    records = await read_topic(
        settings.kafka_bootstrap_servers, settings.events_topic("evidence"), at_least=10
    )
    assert len(records) == 10
    for key, stream in ((b"insp-a", "stream-a"), (b"insp-b", "stream-b")):
        mine = [Envelope.model_validate_json(r.value) for r in records if r.key == key]
        assert [(e.stream_id, e.stream_version) for e in mine] == [(stream, v) for v in range(1, 6)]
        assert len({r.partition for r in records if r.key == key}) == 1
    headers = dict(records[0].headers)
    assert headers["jip-event-type"] == b"evidence.EvidenceItemRecorded"
    assert headers["jip-schema-version"] == b"2"
    assert headers["traceparent"].decode().split("-")[1] == trace_id  # the command's trace continues


async def test_one_relay_at_a_time_holds_the_lease(settings: Settings, client: Client) -> None:
    first, second = relay(client, settings, "relay-a"), relay(client, settings, "relay-b")
    await first.start()
    try:
        await eventually(first._hold_lease)
        assert not await second._hold_lease()
    finally:
        await first.stop()  # gives the lease back
    assert await second._hold_lease()


async def test_two_replicas_with_clocks_an_hour_apart_publish_each_stream_in_version_order(
    settings: Settings, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two services share one database and one relay publishes. Each process gives the outbox records it
    writes ObjectIds with its own random prefix, so within one second the driver's ids order replica B's
    records before replica A's whatever the commit order: an amendment could be published before the
    item it amends. The relay publishes in position order instead, which follows stream_version, even
    with one replica's clock an hour ahead and the other's an hour behind: each event's position is
    after its stream's previous one, whatever the clock of the process writing it says."""
    database = settings.database_name("evidence")
    second = connect(settings.mongodb_uri, "replica-b")
    replicas = {
        b"\xff" * 5: EventStore(client, database, CATALOGUE, settings.events_topic("evidence")),
        b"\x00" * 5: EventStore(second, database, CATALOGUE, settings.events_topic("evidence")),
    }
    await replicas[b"\xff" * 5].ensure_indexes()
    monkeypatch.setattr(ObjectId, "_pid", os.getpid())
    now, hour = time.time_ns, 3_600 * 10**9
    skew = {b"\xff" * 5: hour, b"\x00" * 5: -hour}
    try:
        for version in range(1, 9):  # the stream's versions alternate between the replicas
            prefix, store = list(replicas.items())[version % 2]
            monkeypatch.setattr(ObjectId, "_ObjectId__random", prefix)
            monkeypatch.setattr(time, "time_ns", lambda offset=skew[prefix]: now() + offset)
            await store.append(
                "stream-a", version - 1, [recorded_item(f"item-{version}", inspection_id="insp-a")], CONTEXT
            )
    finally:
        monkeypatch.setattr(time, "time_ns", now)
        await second.close()
    publisher = relay(client, settings, "relay-a")
    await publisher.start()
    try:

        async def outbox_empty() -> bool:
            return await replicas[b"\xff" * 5].outbox.count_documents({}) == 0

        await eventually(outbox_empty)
    finally:
        await publisher.stop()

    records = await read_topic(
        settings.kafka_bootstrap_servers, settings.events_topic("evidence"), at_least=8
    )
    published = [Envelope.model_validate_json(r.value).stream_version for r in records]
    assert published == list(range(1, 9))
