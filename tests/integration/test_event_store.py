"""The event store against the real database: the shared suite (tests/event_store_suite.py), its outbox
read from the outbox collection the relay publishes from."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.contracts import CATALOGUE
from shared.eventstore import EventStore
from shared.mongo import Document, connect
from shared.settings import Settings
from tests.event_store_suite import EventStoreSuite


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
