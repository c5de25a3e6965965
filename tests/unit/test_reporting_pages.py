"""Reporting's `sources` in pages (services/reporting/projections.py, reading.py): a rebuild folds the events
of a key (the inspection, the event type, the area, the round, the inspector registered) onto pages of many,
written when full or, the largest first, when too many events wait; the live projection writes a page of
one. Reading keeps each event once whichever pages hold it (the live copy, with its trace, first), only
those that occurred by the time asked, in stream order, and selects an inspection's events, its area's
register and its team's registrations as it did when every event was a document of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from pymongo.asynchronous.database import AsyncDatabase

from services.reporting.projections import SOURCES, Pages, page_key, source
from services.reporting.reading import events_of, folded
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import BoardOfficerAppointed, Office
from shared.language.contracts.scheduling import InspectionScheduled, InspectorAssigned, InspectorRegistered
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.mongo import Document

INSPECTION = "insp-1"
AREA = "E08000036"
START = datetime(2027, 3, 1, 9, tzinfo=UTC)
JTAI = catalogue()["jtai-2015"]


def envelope(stream_id: str, version: int, event: Event, minutes: int) -> Envelope:
    return Envelope(
        event_id=f"{stream_id}-{version}",
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=stream_id,
        stream_version=version,
        inspection_id=getattr(event, "inspection_id", None),
        occurred_at=START + timedelta(minutes=minutes),
        actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="u-1"),
        correlation_id="corr-1",
        payload=event.model_dump(mode="json"),
    )


def finding(n: int, inspection_id: str = INSPECTION) -> FindingRecorded:
    return FindingRecorded(
        inspection_id=inspection_id,
        finding_id=f"f-{n}",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=Agency.PARTNERSHIP,
        text=f"Finding {n}.",
        evidence_item_ids=["ev-1"],
    )


def findings(count: int, inspection_id: str = INSPECTION) -> list[Envelope]:
    return [
        envelope(f"findings-{inspection_id}", n, finding(n, inspection_id), n) for n in range(1, count + 1)
    ]


def scheduled() -> InspectionScheduled:
    starts = date(2027, 3, 8)
    return InspectionScheduled(
        inspection_id=INSPECTION,
        programme=JTAI.id,
        area_code=AREA,
        local_area="Wakefield",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=starts,
        fieldwork_ends=starts + timedelta(days=4),
        notice_date=starts,
        inspectorates=list(JTAI.participation.inspectorates),
        agencies=JTAI.agency_inspectorates(),
    )


def fold(envelopes: Iterable[Envelope], pages: Pages) -> list[Document]:
    """Every page a rebuild writes of these events, as it writes them."""
    written: list[Document] = []
    for each in envelopes:
        written += pages.add(each, each.to_json())
        assert pages.count <= pages.bound
    return written + pages.rest()


def test_a_rebuild_folds_each_key_onto_pages_of_at_most_the_page_size() -> None:
    ours, theirs = findings(5), findings(3, "insp-2")
    written = fold([*ours, *theirs], Pages(size=2))
    assert [len(p["events"]) for p in written] == [2, 2, 2, 1, 1]
    for page in written:
        held = [Envelope.model_validate_json(e) for e in page["events"]]
        assert {page_key(e) for e in held} == {
            (
                page["inspection_id"],
                page["event_type"],
                page["area_code"],
                page["round_id"],
                page["inspector_id"],
            )
        }
    assert sorted(e.event_id for e in [*ours, *theirs]) == sorted(
        Envelope.model_validate_json(e).event_id for p in written for e in p["events"]
    )


def test_too_many_waiting_events_write_the_largest_pages_first() -> None:
    pages = Pages(size=100, pending=4)
    for each in [*findings(3), *findings(1, "insp-2")]:
        assert pages.add(each, each.to_json()) == []
    board = envelope(
        f"board-{AREA}",
        1,
        BoardOfficerAppointed(area_code=AREA, local_area="W", office=Office.CHAIR, name="Jo"),
        9,
    )
    due = pages.add(board, board.to_json())  # a fifth waiting: the largest page goes, two are left
    assert [(p["inspection_id"], len(p["events"])) for p in due] == [(INSPECTION, 3)]
    assert pages.count == 2
    assert sorted(len(p["events"]) for p in pages.rest()) == [1, 1]
    assert pages.count == 0
    assert pages.rest() == []


def test_a_page_is_written_before_its_envelopes_pass_the_byte_bound() -> None:
    each = findings(3)
    pages = Pages(page_bytes=2 * len(each[0].to_json()))
    assert pages.add(each[0], each[0].to_json()) == []  # one is under the bound, two reach it
    assert [len(p["events"]) for p in pages.add(each[1], each[1].to_json())] == [2]
    assert pages.add(each[2], each[2].to_json()) == []


def live(each: Envelope, trace: dict[str, str] | None = None) -> Document:
    """A page of one, as the live projection keeps an event."""
    return source(each) | {"trace": trace or {}}


def test_reading_keeps_each_event_once_in_stream_order_and_as_at_a_time() -> None:
    events = findings(6)
    rebuilt = fold(reversed(events[:4]), Pages(size=3))  # pages of a rebuild, out of order
    traced = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    pages = [live(events[5]), *rebuilt, live(events[2], traced), live(events[4]), live(events[0])]
    read = folded(pages)
    assert [k.envelope.event_id for k in read] == [e.event_id for e in events]
    assert [k.trace for k in read if k.trace] == [traced]  # the live copy of an event a page holds too
    as_at = events[3].occurred_at
    assert [k.envelope.event_id for k in folded(pages, as_at)] == [e.event_id for e in events[:4]]
    assert folded(pages, START) == []
    naive = as_at.astimezone(UTC).replace(tzinfo=None)  # read as the local time, as stamp() reads it
    assert len(folded(pages, naive)) == len(folded(pages, naive.astimezone(UTC)))


class Found:
    """What `find` answers: the pages (no order asked)."""

    def __init__(self, docs: list[Document]) -> None:
        self.docs = docs

    async def __aiter__(self) -> AsyncIterator[Document]:
        for doc in self.docs:
            yield doc


class Sources:
    """`sources` in memory: equality on fields and dotted paths, `$in`, `$or`."""

    def __init__(self, docs: list[Document]) -> None:
        self.docs = docs

    def find(self, query: Document) -> Found:
        return Found([d for d in self.docs if _matches(d, query)])


def _matches(doc: Document, query: Document) -> bool:
    def at(path: str) -> Any:
        value: Any = doc
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def holds(path: str, wanted: Any) -> bool:
        if path == "$or":
            return any(_matches(doc, q) for q in wanted)
        if isinstance(wanted, dict):
            assert set(wanted) == {"$in"}, f"reporting's reading asks what this stand-in cannot: {wanted}"
            return at(path) in wanted["$in"]
        return bool(at(path) == wanted)

    return all(holds(k, v) for k, v in query.items())


async def test_an_inspection_reads_the_same_from_rebuilt_pages_and_from_pages_of_one() -> None:
    team = [
        envelope(f"inspection-{INSPECTION}", 1, scheduled(), 0),
        envelope(
            f"inspection-{INSPECTION}",
            2,
            InspectorAssigned(
                inspection_id=INSPECTION,
                inspector_id="i-1",
                inspectorate=Inspectorate.OFSTED,
                weeks=[1],
                on_site=[],
            ),
            1,
        ),
    ]
    registered = [
        envelope(
            f"inspector-{i}",
            1,
            InspectorRegistered(inspector_id=i, inspectorate=Inspectorate.OFSTED, name=n),
            2,
        )
        for i, n in (("i-1", "Ann Lee"), ("i-2", "Bo Chan"))
    ]
    board = [
        envelope(
            f"board-{area}",
            1,
            BoardOfficerAppointed(area_code=area, local_area="W", office=Office.CHAIR, name="Jo"),
            3,
        )
        for area in (AREA, "E09000001")
    ]
    everything = [*findings(4), *team, *registered, *board, *findings(2, "insp-2")]
    one_by_one = cast(AsyncDatabase[Document], {SOURCES: Sources([live(e) for e in everything])})
    rebuilt = fold(everything, Pages(size=2))
    paged = cast(AsyncDatabase[Document], {SOURCES: Sources([*rebuilt, live(everything[0])])})
    expected = [*findings(4), *team]
    expected.sort(key=lambda e: (e.stream_id, e.stream_version))
    expected += [board[0], registered[0]]  # the area's register, then the team's names
    for db in (one_by_one, paged):
        read = await events_of(db, INSPECTION)
        assert [type(e).__name__ for e in read] == [e.event_type.split(".")[1] for e in expected]
        assert read == await events_of(db, INSPECTION, datetime(2099, 1, 1, tzinfo=UTC))
        early = await events_of(db, INSPECTION, START + timedelta(minutes=2))
        assert [type(e).__name__ for e in early] == [
            "FindingRecorded",
            "FindingRecorded",
            "InspectionScheduled",
            "InspectorAssigned",
            "InspectorRegistered",
        ]
