"""The in-memory event store (shared/mechanics/memory_store.py) does what the MongoDB one does: the shared
suite (tests/event_store_suite.py), here without a database."""

from __future__ import annotations

import pytest

from shared.language.contracts import CATALOGUE
from shared.mechanics.errors import ConcurrencyConflict
from shared.mechanics.memory_store import MemoryEventStore
from shared.mechanics.mongo import Document
from tests.domain import recorded_item
from tests.event_store_suite import CONTEXT, EventStoreSuite

TOPIC = "jip.evidence.events"


class TestMemoryEventStore(EventStoreSuite[MemoryEventStore]):
    topic = TOPIC

    @pytest.fixture
    def store(self) -> MemoryEventStore:
        return MemoryEventStore(CATALOGUE, TOPIC)

    async def outbox(self, store: MemoryEventStore) -> list[Document]:
        return sorted(store.outbox, key=lambda o: o["position"])

    async def event_count(self, store: MemoryEventStore) -> int:
        return len(store.events)


async def test_an_append_wakes_the_relay_and_a_refused_one_does_not() -> None:
    store = MemoryEventStore(CATALOGUE, TOPIC)
    woken: list[None] = []
    store.on_append = lambda: woken.append(None)

    await store.append("stream-a", 0, [recorded_item("item-1")], CONTEXT)
    with pytest.raises(ConcurrencyConflict):
        await store.append("stream-a", 0, [recorded_item("item-2")], CONTEXT)

    assert len(woken) == 1
