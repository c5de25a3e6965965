"""One fold of an evidence item as it stands (shared/views/evidence_items.py), and one of the inspection as a
service knows it (shared/views/inspections.py): every reader calls it, and it gives the same result whatever
order of arrival it tolerates. An item's own events come in its stream's order; its case's erasure is on
the evidence file's stream, and another item's events on their own, so they may come anywhere among them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import permutations
from typing import Any

import pytest

from services.evidence.domain.evidence_item import evidence_item
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    CaseErased,
    ErasureBasis,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
)
from shared.language.contracts.scheduling import (
    InspectionCancelled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from shared.language.subjects import ERASED
from shared.mechanics.catalogue import Event
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.views import evidence_items, inspections
from tests.memory_db import Database

CQC, HMIC = Inspectorate.CQC, Inspectorate.HMIC
T0 = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)
CASE = "WKF-0001"


def recorded(item_id: str, case: str | None = CASE, by: Inspectorate = CQC) -> EvidenceItemRecorded:
    return EvidenceItemRecorded(
        inspection_id="insp-1",
        evidence_item_id=item_id,
        inspectorate=by,
        inspector="inspector-7",
        agency=Agency.HEALTH,
        activity=Activity.CASE_SAMPLING if case else Activity.PERFORMANCE_DATA,
        judgement_area="help_and_protection",
        criteria=["68q"],
        bearing=Bearing.WEAKNESS,
        case_reference=case,
        summary=f"Evidence {item_id}.",
    )


AMENDED = EvidenceItemAmended(
    **{
        **recorded("ev-1").model_dump(),
        "bearing": Bearing.STRENGTH,
        "summary": "Followed up the same day.",
        "reason": "the wrong bearing",
    }
)
WITHDRAWN = EvidenceItemWithdrawn(
    inspection_id="insp-1",
    evidence_item_id="ev-1",
    inspectorate=CQC,
    inspector="inspector-7",
    reason="not this inspection's",
)
ERASURE = CaseErased(
    inspection_id="insp-1",
    case_reference=CASE,
    erased_by=Inspectorate.OFSTED,
    basis=ErasureBasis.SUBJECT_REQUEST,
)


def envelope(event: Event, stream_id: str, version: int, minutes: int) -> Envelope:
    return Envelope(
        event_id=f"event-{stream_id}-{version}",
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=stream_id,
        stream_version=version,
        inspection_id="insp-1",
        occurred_at=T0 + timedelta(minutes=minutes),
        actor=Actor(inspectorate=CQC, role="inspector", user="inspector-7"),
        correlation_id=f"corr-{minutes}",
        payload=event.model_dump(mode="json"),
    )


def streams(*ev1: Event) -> list[list[tuple[Event, Envelope]]]:
    """Item ev-1's stream, the evidence file with the erasure of its case, and item ev-2 (another case)
    and ev-3 (the same case) on streams of their own: each in its own order, with its envelopes."""
    minute = iter(range(100))

    def stream(stream_id: str, events: Sequence[Event]) -> list[tuple[Event, Envelope]]:
        return [(e, envelope(e, stream_id, v, next(minute))) for v, e in enumerate(events, 1)]

    return [
        stream("evidence-item-ev-1", ev1),
        stream("evidence-file-insp-1", [ERASURE]),
        stream("evidence-item-ev-2", [recorded("ev-2", case="WKF-0002", by=HMIC)]),
        stream("evidence-item-ev-3", [recorded("ev-3")]),
    ]


def arrivals(log: list[list[tuple[Event, Envelope]]]) -> Iterator[list[tuple[Event, Envelope]]]:
    """Every order of arrival that keeps each stream's own order."""
    tagged = [(s, pair) for s, stream in enumerate(log) for pair in stream]
    for order in permutations(tagged):
        if all([p for s, p in order if s == n] == stream for n, stream in enumerate(log)):
            yield [p for _, p in order]


HISTORIES: dict[str, list[Event]] = {
    "recorded": [recorded("ev-1")],
    "amended": [recorded("ev-1"), AMENDED],
    "withdrawn": [recorded("ev-1"), AMENDED, WITHDRAWN],
}


@pytest.mark.parametrize("history", HISTORIES.values(), ids=HISTORIES.keys())
def test_the_fold_gives_the_same_items_whatever_order_the_streams_arrive_in(history: list[Event]) -> None:
    log = streams(*history)
    in_log_order = [pair for stream in log for pair in stream]
    expected = evidence_items.fold(in_log_order)
    orders = list(arrivals(log))
    assert len(orders) > 10
    for order in orders:
        assert evidence_items.fold(order) == expected
        assert evidence_items.standing_items(e for e, _ in order) == evidence_items.standing_items(
            e for e, _ in in_log_order
        )
    # The case's erasure reaches every item about it, and no other; what the item says otherwise stands.
    assert {i: v.summary for i, v in expected.items()} == {
        "ev-1": ERASED,
        "ev-2": "Evidence ev-2.",
        "ev-3": ERASED,
    }
    ev1 = expected["ev-1"]
    assert (ev1.version, ev1.recorded_at, ev1.withdrawn) == (len(history), T0, len(history) == 3)
    assert ev1.bearing is (Bearing.WEAKNESS if len(history) == 1 else Bearing.STRENGTH)
    assert ev1.correction == (None, "the wrong bearing", "not this inspection's")[len(history) - 1]


def test_the_decider_the_views_and_reporting_fold_an_item_alike() -> None:
    history: list[Event] = [recorded("ev-1"), AMENDED]
    state = evidence_item.fold(history)  # the evidence service, deciding on the item
    [(item_id, view)] = evidence_items.fold(
        (e, envelope(e, "evidence-item-ev-1", v, v)) for v, e in enumerate(history, 1)
    ).items()
    assert state == evidence_items.as_they_stand(history)[item_id]
    assert evidence_items.item_of(view) == state
    assert evidence_items.standing_items(history) == {"ev-1": state.current}
    assert evidence_items.standing_items([*history, WITHDRAWN]) == {}


# --- the read model: the same fold on the stored document ---------------------------------------------


def projected(projection: Projection, order: Sequence[tuple[Event, Envelope]]) -> Database:
    db = Database()
    tx: Any = Tx(db=db, session=None, store=None)  # type: ignore[arg-type]

    async def apply() -> None:
        for event, env in order:
            handler = projection.handlers.get(event.event_type)
            if handler is not None:
                await handler(event, env, tx)

    asyncio.run(apply())
    return db


def test_the_read_model_folds_each_event_on_the_stored_item_whatever_order_the_streams_arrive_in() -> None:
    projection = Projection("evidence", ["evidence"])
    evidence_items.track(projection)
    log = streams(*HISTORIES["amended"])
    expected = evidence_items.fold(pair for stream in log for pair in stream)
    for order in arrivals(log):
        stored = projected(projection, order)[evidence_items.COLLECTION].docs
        views = {
            i: evidence_items.ItemView.model_validate({**doc, "evidence_item_id": i})
            for i, doc in stored.items()
        }
        assert views == expected


# --- the inspection as a service knows it -------------------------------------------------------------

INTEGRATED = catalogue()["integrated-2014"]
SCHEDULED = InspectionScheduled(
    inspection_id="insp-1",
    programme=INTEGRATED.id,
    area_code="E08000036",
    local_area="Wakefield",
    deep_dive_theme=None,
    announced=False,
    fieldwork_starts=date(2026, 5, 18),
    fieldwork_ends=date(2026, 6, 5),
    notice_date=date(2026, 5, 18),
    inspectorates=[Inspectorate.OFSTED, CQC, HMIC, Inspectorate.HMI_PROBATION],
    agencies={Agency.LOCAL_AUTHORITY: Inspectorate.OFSTED, Agency.HEALTH: CQC, Agency.POLICE: HMIC},
)
SCHEDULING = [
    SCHEDULED,
    NotificationRecorded(
        inspection_id="insp-1",
        recipient=Recipient.LSCB_CHAIR,
        agency=None,
        notified_by=Inspectorate.OFSTED,
        notified_at=T0,
        addressee=None,
    ),
    InspectorateJoined(
        inspection_id="insp-1",
        inspectorate=Inspectorate.HMI_PRISONS,
        condition="requested",
        reason="custody in the area",
        agencies=[Agency.CUSTODY],
    ),
    InspectionCancelled(inspection_id="insp-1", reason="withdrawn by the lead"),
]


def test_the_inspection_folds_alike_in_memory_and_in_the_read_model() -> None:
    projection = Projection("inspections", ["scheduling"])
    inspections.track(projection, notice=True)  # as the evidence service keeps it
    for upto in range(1, len(SCHEDULING) + 1):
        events = SCHEDULING[:upto]
        folded = inspections.fold("insp-1", events)
        stored = projected(
            projection, [(e, envelope(e, "inspection-insp-1", v, v)) for v, e in enumerate(events, 1)]
        )
        [(inspection_id, doc)] = stored[inspections.COLLECTION].docs.items()
        assert inspections.of_document(inspection_id, doc) == folded
    assert folded == inspections.Inspection(
        inspection_id="insp-1",
        programme=INTEGRATED,
        agencies=(Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.CUSTODY),
        inspectorates=(Inspectorate.OFSTED, CQC, HMIC, Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS),
        cancelled=True,
        area_code="E08000036",
        local_area="Wakefield",
        notified=True,
    )


def test_a_service_that_reads_no_notifications_keeps_the_rest_of_the_inspection_alike() -> None:
    projection = Projection("evidence", ["scheduling", "evidence"])  # as judgement and lscb keep it
    inspections.track(projection)
    assert NotificationRecorded.event_type not in projection.handlers
    stored = projected(
        projection, [(e, envelope(e, "inspection-insp-1", v, v)) for v, e in enumerate(SCHEDULING, 1)]
    )
    [(inspection_id, doc)] = stored[inspections.COLLECTION].docs.items()
    folded = inspections.fold("insp-1", SCHEDULING)
    assert folded is not None
    assert inspections.of_document(inspection_id, doc) == replace(folded, notified=False)


def test_an_inspection_is_known_only_once_scheduled_and_a_document_kept_before_reads_as_it_was() -> None:
    assert inspections.fold("insp-1", SCHEDULING[1:]) is None
    assert inspections.fold("insp-2", SCHEDULING) is None
    # The evidence service's document from before the read models were one: notice started at a time.
    before = {
        "programme": INTEGRATED.id,
        "local_area": "Wakefield",
        "inspectorates": ["ofsted"],
        "agencies": ["local_authority"],
        "notified_at": T0.isoformat(),
        "cancelled": False,
    }
    known = inspections.of_document("insp-1", before)
    assert (known.notified, known.area_code) == (True, None)
    assert not inspections.of_document("insp-1", {**before, "notified_at": None}).notified
