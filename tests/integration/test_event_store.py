"""The event store against the real database: optimistic concurrency and the transactional outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shared.contracts import CATALOGUE
from shared.contracts.evidence import EvidenceItemRecorded
from shared.contracts.scheduling import AreaBooked
from shared.envelope import Actor, Inspectorate
from shared.errors import ConcurrencyConflict
from shared.eventstore import CommandContext, EventStore
from shared.mongo import connect
from shared.settings import Settings

CONTEXT = CommandContext(Actor(inspectorate=Inspectorate.CQC, role="inspector", user="u-1"), "corr-1")


def item(number: int, inspection_id: str = "insp-1") -> EvidenceItemRecorded:
    return EvidenceItemRecorded(
        inspection_id=inspection_id,
        evidence_item_id=f"item-{number}",
        inspectorate=Inspectorate.CQC,
        inspector="u-1",
        agency="health",
        activity="case_tracking",
        judgement_area="deep_dive",
        bearing="strength",
        case_reference="CASE-0001",
        summary=f"evidence {number}",
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[EventStore]:
    client = connect(settings.mongodb_uri, "test")
    store = EventStore(
        client, settings.database_name("evidence"), CATALOGUE, settings.events_topic("evidence")
    )
    await store.ensure_indexes()
    yield store
    await client.close()


async def test_appended_events_read_back_in_order_with_their_outbox_records(store: EventStore) -> None:
    envelopes = await store.append("stream-a", 0, [item(1), item(2)], CONTEXT)

    stream = await store.read("stream-a")
    assert stream.version == 2
    assert stream.events == [item(1), item(2)]
    assert [e.stream_version for e in stream.envelopes] == [1, 2]
    assert stream.envelopes == envelopes
    outbox = await store.outbox.find().sort("_id", 1).to_list()
    assert [(o["topic"], o["key"]) for o in outbox] == [(store.topic, "insp-1")] * 2
    assert [o["value"] for o in outbox] == [e.to_json() for e in envelopes]


async def test_a_stale_write_is_rejected_and_writes_nothing(store: EventStore) -> None:
    await store.append("stream-a", 0, [item(1)], CONTEXT)

    with pytest.raises(
        ConcurrencyConflict, match=r"expected at version 0 but has version 1.*nothing was written"
    ):
        await store.append("stream-a", 0, [item(2), item(3)], CONTEXT)
    with pytest.raises(ConcurrencyConflict):
        await store.append("stream-a", 5, [item(4)], CONTEXT)

    assert await store.events.count_documents({}) == 1
    assert await store.outbox.count_documents({}) == 1
    assert (await store.read("stream-a")).events == [item(1)]


async def test_of_racing_writers_exactly_one_wins(store: EventStore) -> None:
    await store.append("stream-a", 0, [item(0)], CONTEXT)

    results = await asyncio.gather(
        *(store.append("stream-a", 1, [item(n)], CONTEXT) for n in range(1, 6)), return_exceptions=True
    )

    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, BaseException))
    assert (await store.read("stream-a")).version == 2
    assert await store.outbox.count_documents({}) == 2


async def test_streams_are_independent(store: EventStore) -> None:
    await store.append("stream-a", 0, [item(1)], CONTEXT)
    await store.append("stream-b", 0, [item(2, "insp-2")], CONTEXT)

    assert (await store.read("stream-b")).events == [item(2, "insp-2")]
    [only] = await store.of_inspection("insp-1", [EvidenceItemRecorded.event_type])
    assert (only.stream_id, only.events) == ("stream-a", [item(1)])


async def test_every_event_of_a_stream_keeps_the_stream_s_kafka_key(store: EventStore) -> None:
    """A stream is keyed once, by its first event; an event that would be keyed otherwise is refused
    loudly (it would land on another partition, out of order), and nothing is written."""
    await store.append("stream-x", 0, [item(1, "insp-a")], CONTEXT)
    with pytest.raises(ValueError, match="stream stream-x is keyed by insp-a"):
        await store.append("stream-x", 1, [item(2, "insp-b")], CONTEXT)
    assert (await store.read("stream-x")).version == 1
    booked = AreaBooked(
        inspection_id="insp-a", area_code="E08000036", period={"starts": "2031-03-10", "ends": "2031-03-14"}
    )
    await store.append("area-E08000036", 0, [booked], CONTEXT)  # about no one inspection: its own key
    keys = {doc["stream_id"]: doc["key"] async for doc in store.outbox.find()}
    assert keys == {"stream-x": "insp-a", "area-E08000036": "area-E08000036"}
