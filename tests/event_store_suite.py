"""What every event store does (shared/mechanics/eventstore.py's StreamStore), as one suite: appended events
read back in order with their outbox records, each chained to its stream's previous event; a stale write
refused with ConcurrencyConflict and nothing written; of racing writers exactly one wins; an append to several
streams all or nothing; a stream's events all keyed alike; each stream published in version order.

A store's test class subclasses EventStoreSuite, gives a fresh `store` fixture and says how to read its
outbox: tests/unit/test_memory_store.py (MemoryEventStore), tests/integration/test_event_store.py
(EventStore, on the real database)."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

import pytest

from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.language.contracts.scheduling import AreaBooked
from shared.mechanics.envelope import Actor, Inspectorate
from shared.mechanics.errors import ConcurrencyConflict
from shared.mechanics.eventstore import CommandContext, StreamStore, Write
from shared.mechanics.mongo import Document
from tests.domain import recorded_item

CONTEXT = CommandContext(Actor(inspectorate=Inspectorate.CQC, role="inspector", user="u-1"), "corr-1")
S = TypeVar("S", bound=StreamStore)


def booked(area_code: str, inspection_id: str = "insp-a") -> AreaBooked:
    return AreaBooked(
        inspection_id=inspection_id,
        area_code=area_code,
        period={"starts": "2031-03-10", "ends": "2031-03-14"},
    )


class EventStoreSuite(Generic[S]):
    """The behaviour every event store shares. A subclass named Test… gives the `store` fixture (a fresh,
    empty store) and the two ways into its own records below."""

    topic: str

    async def outbox(self, store: S) -> list[Document]:
        """The store's outbox records, in publish order (by position)."""
        raise NotImplementedError

    async def event_count(self, store: S) -> int:
        """How many events the store holds, in every stream."""
        raise NotImplementedError

    async def test_appended_events_read_back_in_order_with_their_outbox_records(self, store: S) -> None:
        envelopes = await store.append(
            "stream-a", 0, [recorded_item("item-1"), recorded_item("item-2")], CONTEXT
        )

        stream = await store.read("stream-a")
        assert stream.version == 2
        assert stream.events == [recorded_item("item-1"), recorded_item("item-2")]
        assert [e.stream_version for e in stream.envelopes] == [1, 2]
        assert stream.envelopes == envelopes
        outbox = await self.outbox(store)
        assert [(o["topic"], o["key"]) for o in outbox] == [(self.topic, "insp-1")] * 2
        assert [o["value"] for o in outbox] == [e.to_json() for e in envelopes]

    async def test_each_event_names_the_digest_of_its_stream_s_previous_event(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-1"), recorded_item("item-2")], CONTEXT)
        await store.append("stream-b", 0, [recorded_item("item-9")], CONTEXT)
        await store.append("stream-a", 2, [recorded_item("item-3")], CONTEXT)

        stream = await store.read("stream-a")
        assert stream.envelopes[0].previous_hash is None
        for before, after in zip(stream.envelopes, stream.envelopes[1:], strict=False):
            assert after.previous_hash == before.digest()
        assert (await store.read("stream-b")).envelopes[0].previous_hash is None

    async def test_a_stale_write_is_rejected_and_writes_nothing(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-1")], CONTEXT)

        with pytest.raises(
            ConcurrencyConflict, match=r"expected at version 0 but has version 1.*nothing was written"
        ):
            await store.append("stream-a", 0, [recorded_item("item-2"), recorded_item("item-3")], CONTEXT)
        with pytest.raises(ConcurrencyConflict, match="expected at version 5 but has version 1"):
            await store.append("stream-a", 5, [recorded_item("item-4")], CONTEXT)
        with pytest.raises(
            ConcurrencyConflict, match="stream stream-new was expected at version 1 but has version 0"
        ):
            await store.append("stream-new", 1, [recorded_item("item-5")], CONTEXT)

        assert await self.event_count(store) == 1
        assert len(await self.outbox(store)) == 1
        assert (await store.read("stream-a")).events == [recorded_item("item-1")]

    async def test_of_racing_writers_exactly_one_wins(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-0")], CONTEXT)

        results = await asyncio.gather(
            *(store.append("stream-a", 1, [recorded_item(f"item-{n}")], CONTEXT) for n in range(1, 6)),
            return_exceptions=True,
        )

        winners = [r for r in results if not isinstance(r, BaseException)]
        assert len(winners) == 1
        assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, BaseException))
        assert (await store.read("stream-a")).version == 2
        assert len(await self.outbox(store)) == 2

    async def test_appends_arriving_together_are_each_checked_and_answered_alone(self, store: S) -> None:
        """However the store commits appends that arrive together (EventStore: in one transaction), each
        has its own version check and its own answer: the stale ones are refused, the others written."""
        await store.append("stream-a", 0, [recorded_item("item-0")], CONTEXT)
        appends = [
            *(store.append(f"stream-{n}", 0, [recorded_item(f"item-{n}")], CONTEXT) for n in range(1, 9)),
            store.append("stream-a", 0, [recorded_item("item-stale")], CONTEXT),  # stream-a exists
            store.append("stream-a", 1, [recorded_item("item-a2")], CONTEXT),
            store.append("stream-a", 1, [recorded_item("item-a2-again")], CONTEXT),  # after the one before
            store.append("stream-3", 0, [recorded_item("item-3-again")], CONTEXT),  # made just before
        ]

        results = await asyncio.gather(*appends, return_exceptions=True)

        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(refused) == 3, refused
        assert all(isinstance(r, ConcurrencyConflict) for r in refused), refused
        assert isinstance(results[8], ConcurrencyConflict)  # stream-a existed
        assert isinstance(results[11], ConcurrencyConflict)  # stream-3 was made by an append before it
        written = [r for r in results if not isinstance(r, BaseException)]
        assert sorted((e.stream_id, e.stream_version) for [e] in written) == sorted(
            [*((f"stream-{n}", 1) for n in range(1, 9)), ("stream-a", 2)]
        )
        assert await self.event_count(store) == 10
        assert len(await self.outbox(store)) == 10

    async def test_an_append_to_several_streams_is_all_or_nothing(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-1")], CONTEXT)
        both = [
            Write("stream-a", 1, [recorded_item("item-2")]),
            Write("stream-b", 0, [recorded_item("item-3", inspection_id="insp-2")]),
        ]
        written = await store.append_streams(both, CONTEXT)
        assert [(e.stream_id, e.stream_version) for e in written] == [("stream-a", 2), ("stream-b", 1)]

        stale = [
            Write("stream-c", 0, [recorded_item("item-4")]),
            Write("stream-a", 1, [recorded_item("item-5")]),
        ]
        with pytest.raises(ConcurrencyConflict) as refused:
            await store.append_streams(stale, CONTEXT)

        assert (refused.value.stream_id, refused.value.expected, refused.value.actual) == ("stream-a", 1, 2)
        assert (await store.read("stream-c")).version == 0
        assert await self.event_count(store) == 3
        assert len(await self.outbox(store)) == 3
        assert await store.append_streams([Write("stream-d", 0, [])], CONTEXT) == []

    async def test_each_stream_is_published_in_version_order(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-1"), recorded_item("item-2")], CONTEXT)
        await store.append_streams(
            [
                Write("stream-b", 0, [recorded_item("item-3", inspection_id="insp-2")]),
                Write("stream-a", 2, [recorded_item("item-4")]),
            ],
            CONTEXT,
        )
        await store.append("stream-b", 1, [recorded_item("item-5", inspection_id="insp-2")], CONTEXT)

        outbox = await self.outbox(store)
        published = [(o["stream_id"], o["stream_version"]) for o in outbox]
        assert published == [
            ("stream-a", 1),
            ("stream-a", 2),
            ("stream-b", 1),
            ("stream-a", 3),
            ("stream-b", 2),
        ]
        positions = [o["position"] for o in outbox]
        assert positions == sorted(set(positions))

    async def test_streams_are_independent(self, store: S) -> None:
        await store.append("stream-a", 0, [recorded_item("item-1")], CONTEXT)
        await store.append("stream-b", 0, [recorded_item("item-2", inspection_id="insp-2")], CONTEXT)

        assert (await store.read("stream-b")).events == [recorded_item("item-2", inspection_id="insp-2")]
        [only] = await store.of_inspection("insp-1", [EvidenceItemRecorded.event_type])
        assert (only.stream_id, only.events) == ("stream-a", [recorded_item("item-1")])
        streams = await store.read_streams(["stream-b", "nowhere", "stream-a"])
        assert [(s.stream_id, s.version) for s in streams.values()] == [
            ("stream-b", 1),
            ("nowhere", 0),
            ("stream-a", 1),
        ]

    async def test_an_inspection_s_streams_come_oldest_first_with_the_asked_types_only(
        self, store: S
    ) -> None:
        await store.append("stream-z", 0, [recorded_item("item-1")], CONTEXT)
        await asyncio.sleep(0.002)  # a later millisecond: envelopes are stamped to the millisecond
        await store.append("stream-a", 0, [recorded_item("item-2")], CONTEXT)
        await store.append("area-E08000036", 0, [booked("E08000036", "insp-1")], CONTEXT)

        found = await store.of_inspection("insp-1", [EvidenceItemRecorded.event_type])
        assert [(s.stream_id, s.events) for s in found] == [
            ("stream-z", [recorded_item("item-1")]),
            ("stream-a", [recorded_item("item-2")]),
        ]
        assert await store.of_inspection("insp-2", [EvidenceItemRecorded.event_type]) == []

    async def test_events_of_one_type_come_oldest_first_a_page_at_a_time(self, store: S) -> None:
        for number in range(1, 5):
            await store.append(f"stream-{5 - number}", 0, [recorded_item(f"item-{number}")], CONTEXT)
            await asyncio.sleep(0.002)
        await store.append("area-E08000036", 0, [booked("E08000036")], CONTEXT)

        assert await store.of_type(EvidenceItemRecorded.event_type) == [
            recorded_item(f"item-{n}") for n in range(1, 5)
        ]
        assert await store.of_type(EvidenceItemRecorded.event_type, offset=1, limit=2) == [
            recorded_item("item-2"),
            recorded_item("item-3"),
        ]
        assert await store.of_type(AreaBooked.event_type) == [booked("E08000036")]

    async def test_every_event_of_a_stream_keeps_the_stream_s_kafka_key(self, store: S) -> None:
        """A stream is keyed once, by its first event; an event that would be keyed otherwise is refused
        loudly (it would land on another partition, out of order), and nothing is written."""
        await store.append("stream-x", 0, [recorded_item("item-1", inspection_id="insp-a")], CONTEXT)
        with pytest.raises(ValueError, match="stream stream-x is keyed by insp-a"):
            await store.append("stream-x", 1, [recorded_item("item-2", inspection_id="insp-b")], CONTEXT)
        assert (await store.read("stream-x")).version == 1
        await store.append("area-E08000036", 0, [booked("E08000036")], CONTEXT)  # about no one inspection
        keys = {o["stream_id"]: o["key"] for o in await self.outbox(store)}
        assert keys == {"stream-x": "insp-a", "area-E08000036": "area-E08000036"}
