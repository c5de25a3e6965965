"""Scheduling's handlers, run through its pipeline (services/scheduling/handlers.handle) against the
in-memory event store: a command on an inspection appends to every stream it reaches (the inspection,
its area's calendar, the inspectors' diaries) together, each at the version it read; a refusal - a rule
spanning streams, a stale If-Match, an unknown inspection or inspector - writes nothing; and a write lost
to a concurrent one is decided again on fresh state, so the race cannot break the rule. None of these
commands reads a read model: the handling's database and keys here fail the test if touched."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from typing import cast

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.scheduling import handlers
from services.scheduling.commands import (
    AssignInspector,
    CancelInspection,
    DeclareUnavailable,
    RegisterInspector,
    ScheduleInspection,
)
from services.scheduling.domain.area_calendar import Calendar, area_stream, evolve_calendar
from services.scheduling.domain.inspection import inspection_stream
from services.scheduling.domain.inspector_diary import ONE_INSPECTION_PER_INSPECTOR, inspector_stream
from shared.language.contracts import CATALOGUE
from shared.language.contracts.scheduling import (
    AreaBooked,
    AreaReleased,
    InspectionCancelled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorBooked,
    InspectorBookingReleased,
    InspectorRegistered,
    Period,
)
from shared.language.programmes import catalogue
from shared.language.subjects import SubjectKeys
from shared.mechanics.commands import Handling
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.errors import ConcurrencyConflict, NotFound, RuleViolation
from shared.mechanics.eventstore import CommandContext, Write
from shared.mechanics.memory_store import MemoryEventStore
from shared.mechanics.mongo import Document

TOPIC = "jip.scheduling.events"
TODAY = date(2026, 1, 5)
MONDAY = date(2026, 3, 2)  # no bank holiday in the four weeks from here
WAKEFIELD = "E08000036"
LEEDS = "E08000035"
JTAI_THEME = catalogue()["jtai-2015"].deep_dive_themes[0].id


class Untouched:
    """A read model or key store these commands must not use."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"a scheduling handler read {name!r} beyond its streams")

    def __getitem__(self, name: str) -> object:
        raise AssertionError(f"a scheduling handler read the {name!r} collection")


def handling(store: MemoryEventStore) -> Handling:
    lead = CommandContext(
        Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="u-1"), "corr-1"
    )
    return Handling(store, cast(AsyncDatabase[Document], Untouched()), cast(SubjectKeys, Untouched()), lead)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers, "today_in_england", lambda: TODAY)


@pytest.fixture
def store() -> MemoryEventStore:
    return MemoryEventStore(CATALOGUE, TOPIC)


async def _two_clashing_inspections(store: MemoryEventStore) -> None:
    """MACP in Wakefield on site 2-13 March; a JTAI in Leeds from 9 March; two Ofsted inspectors."""
    h = handling(store)
    await handlers.handle(ScheduleInspection("macp-1", "macp-2012", "Wakefield", None, MONDAY), h)
    await handlers.handle(
        ScheduleInspection("jtai-1", "jtai-2015", LEEDS, JTAI_THEME, MONDAY + timedelta(weeks=1)), h
    )
    for inspector_id in ("ofsted-1", "ofsted-2"):
        await handlers.handle(RegisterInspector(inspector_id, f"Inspector {inspector_id}"), h)


async def test_scheduling_writes_the_inspection_and_books_its_area_together(store: MemoryEventStore) -> None:
    decided = await handlers.handle(
        ScheduleInspection("macp-1", "macp-2012", "Wakefield", None, MONDAY), handling(store)
    )

    assert decided.state.scheduled is not None
    assert decided.state.scheduled.area_code == WAKEFIELD
    inspection = await store.read(inspection_stream("macp-1"))
    assert decided.version == inspection.version == len(inspection.events)
    assert isinstance(inspection.events[0], InspectionScheduled)
    calendar = await store.read(area_stream(WAKEFIELD))
    assert [e.event_type for e in calendar.events] == [AreaBooked.event_type]
    assert fold(evolve_calendar, Calendar(), calendar.events).bookings == {
        "macp-1": Period(starts=MONDAY, ends=MONDAY + timedelta(days=11))
    }
    assert [e.stream_id for e in decided.envelopes] == [
        *[inspection_stream("macp-1")] * inspection.version,
        area_stream(WAKEFIELD),
    ]
    assert [o["event_id"] for o in store.outbox] == [e.event_id for e in decided.envelopes]


async def test_an_inspector_on_two_clashing_inspections_is_refused_and_nothing_written(
    store: MemoryEventStore,
) -> None:
    await _two_clashing_inspections(store)
    h = handling(store)
    first = await handlers.handle(AssignInspector("macp-1", "ofsted-1", (1, 2)), h)
    assert [m.inspector_id for m in first.state.team] == ["ofsted-1"]
    diary = await store.read(inspector_stream("ofsted-1"))
    assert [e.event_type for e in diary.events] == [
        InspectorRegistered.event_type,
        InspectorBooked.event_type,
    ]
    before = list(store.events), list(store.outbox)

    with pytest.raises(RuleViolation) as caught:
        await handlers.handle(AssignInspector("jtai-1", "ofsted-1", (1,)), h)

    assert caught.value.rule == ONE_INSPECTION_PER_INSPECTOR
    assert "already on inspection macp-1 from 2026-03-09 to 2026-03-13" in caught.value.message
    assert (list(store.events), list(store.outbox)) == before  # neither the inspection nor the diary
    # Free in that week, the other inspector is booked on both streams at once.
    decided = await handlers.handle(AssignInspector("jtai-1", "ofsted-2", (1,)), h)
    assert {e.stream_id for e in decided.envelopes} == {
        inspection_stream("jtai-1"),
        inspector_stream("ofsted-2"),
    }


async def test_a_concurrent_booking_is_decided_again_and_the_rule_holds(store: MemoryEventStore) -> None:
    """Another assignment of the same inspector lands between this one's read and its append: the append
    is refused as stale, the command is decided again on the diary as it now stands, and refused."""
    await _two_clashing_inspections(store)
    h = handling(store)
    racing = RacingStore(store, lambda: handlers.handle(AssignInspector("macp-1", "ofsted-1", (1, 2)), h))

    with pytest.raises(RuleViolation, match="already on inspection macp-1"):
        await handlers.handle(
            AssignInspector("jtai-1", "ofsted-1", (1,)), Handling(racing, h.db, h.keys, h.context)
        )

    assert racing.raced
    bookings = [
        e for e in (await store.read(inspector_stream("ofsted-1"))).events if isinstance(e, InspectorBooked)
    ]
    assert [b.inspection_id for b in bookings] == ["macp-1"]
    assert not [
        e for e in (await store.read(inspection_stream("jtai-1"))).events if isinstance(e, InspectorAssigned)
    ]


async def test_cancelling_releases_the_area_and_the_team_s_diaries_with_it(store: MemoryEventStore) -> None:
    await _two_clashing_inspections(store)
    h = handling(store)
    await handlers.handle(AssignInspector("macp-1", "ofsted-1", (1, 2)), h)
    assigned = await handlers.handle(AssignInspector("macp-1", "ofsted-2", (1,)), h)

    cancelled = await handlers.handle(
        CancelInspection("macp-1", "the area was reorganised", expected_version=assigned.version), h
    )

    assert cancelled.version == assigned.version + 1
    assert cancelled.state.cancelled is not None
    assert cancelled.state.team == ()
    written = [(e.stream_id, e.event_type) for e in cancelled.envelopes]
    assert written == [
        (inspection_stream("macp-1"), InspectionCancelled.event_type),
        (area_stream(WAKEFIELD), AreaReleased.event_type),
        (inspector_stream("ofsted-1"), InspectorBookingReleased.event_type),
        (inspector_stream("ofsted-2"), InspectorBookingReleased.event_type),
    ]
    # The inspector is free again for the JTAI's week.
    await handlers.handle(AssignInspector("jtai-1", "ofsted-1", (1,)), h)


async def test_a_stale_version_is_a_conflict_and_writes_nothing(store: MemoryEventStore) -> None:
    await _two_clashing_inspections(store)
    h = handling(store)
    read = (await store.read(inspection_stream("macp-1"))).version
    await handlers.handle(AssignInspector("macp-1", "ofsted-1", (1,)), h)
    before = len(store.events)

    with pytest.raises(ConcurrencyConflict):
        await handlers.handle(AssignInspector("macp-1", "ofsted-2", (1,), expected_version=read), h)

    assert len(store.events) == before


async def test_an_unknown_inspection_or_inspector_is_not_found(store: MemoryEventStore) -> None:
    h = handling(store)
    with pytest.raises(NotFound, match="unknown inspection nowhere"):
        await handlers.handle(AssignInspector("nowhere", "ofsted-1", (1,)), h)
    with pytest.raises(NotFound, match="unknown inspection nowhere"):  # whatever version the caller read
        await handlers.handle(CancelInspection("nowhere", "never scheduled", expected_version=3), h)
    with pytest.raises(NotFound, match="unknown inspector ofsted-9"):
        await handlers.handle(DeclareUnavailable("ofsted-9", MONDAY, MONDAY, "annual leave"), h)
    assert store.events == []


async def test_an_inspector_is_registered_once(store: MemoryEventStore) -> None:
    h = handling(store)
    diary = await handlers.handle(RegisterInspector("ofsted-1", "Ann Inspector"), h)
    assert diary.registered is not None
    assert diary.registered.inspectorate is Inspectorate.OFSTED

    with pytest.raises(ConcurrencyConflict):
        await handlers.handle(RegisterInspector("ofsted-1", "Someone Else"), h)

    assert [e.event_type for e in (await store.read(inspector_stream("ofsted-1"))).events] == [
        InspectorRegistered.event_type
    ]


class RacingStore(MemoryEventStore):
    """The store, seen by a command that another command races: the first append it is asked for runs
    `race` first (on the same streams), then is tried as asked."""

    def __init__(self, store: MemoryEventStore, race: Callable[[], Awaitable[object]]) -> None:
        super().__init__(store.catalogue, store.topic)
        self.events, self.outbox = store.events, store.outbox
        self.race: Callable[[], Awaitable[object]] | None = race
        self.raced = False

    async def append_streams(self, writes: Sequence[Write], context: CommandContext) -> list[Envelope]:
        if self.race is not None:
            race, self.race = self.race, None
            await race()
            self.raced = True
        return await super().append_streams(writes, context)
