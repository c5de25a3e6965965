"""The event store against the real database: the shared suite (tests/event_store_suite.py), its outbox
read from the outbox collection the relay publishes from."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shared.language.contracts import CATALOGUE
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Document, connect
from shared.mechanics.settings import Settings
from tests.domain import recorded_item
from tests.event_store_suite import CONTEXT, EventStoreSuite


class TestMongoEventStore(EventStoreSuite[EventStore]):
    topic = ""  # the test's namespace's, set by the fixture

    @pytest.fixture
    async def store(self, settings: Settings) -> AsyncIterator[EventStore]:
        client = connect(settings.mongodb_uri, "test")
        self.topic = settings.events_topic("evidence")
        store = EventStore(client, settings.database_name("evidence"), CATALOGUE, self.topic)
        await store.ensure_indexes()
        yield store
        await client.close()

    async def outbox(self, store: EventStore) -> list[Document]:
        return await store.outbox.find().sort([("position", 1), ("_id", 1)]).to_list()

    async def event_count(self, store: EventStore) -> int:
        return await store.events.count_documents({})


async def test_appends_that_arrive_together_share_one_transaction(settings: Settings) -> None:
    """Group commit (issue 24 §3): what arrives while a transaction commits is committed together in the
    next, so 40 appends at once take far fewer than 40 transactions, and each is answered for itself."""
    client = connect(settings.mongodb_uri, "test")
    store = EventStore(
        client, settings.database_name("evidence"), CATALOGUE, settings.events_topic("evidence")
    )
    await store.ensure_indexes()
    try:
        answers = await asyncio.gather(
            *(store.append(f"together-{n}", 0, [recorded_item(f"item-{n}")], CONTEXT) for n in range(40))
        )
        assert [[(e.stream_id, e.stream_version) for e in a] for a in answers] == [
            [(f"together-{n}", 1)] for n in range(40)
        ]
        assert store.transactions <= 5, store.transactions
        assert await store.events.count_documents({"stream_id": {"$regex": "^together-"}}) == 40
    finally:
        await client.close()
