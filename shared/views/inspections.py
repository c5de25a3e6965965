"""The inspection as a service that is not scheduling knows it, learnt from scheduling's events only: its
programme, area, the agencies inspected and the inspectorates taking part (as they join), whether the area
has been notified (notice has started) and whether it was cancelled.

One fold (`evolve`) that every such service calls: the evidence, judgement and lscb services keep it as a
read model with `track` and read it with `known`; reporting folds it from the events it holds (`fold`).
An inspection's events are one stream, so they come in order. Only the evidence service reads the
notifications (`track(..., notice=True)`): its published contract says so, and the others' do not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.scheduling import (
    InspectionCancelled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import Programme, catalogue
from shared.mechanics.catalogue import Event, InspectionEvent
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope, Inspectorate
from shared.mechanics.errors import InspectionNotKnown
from shared.mechanics.mongo import Document

COLLECTION = "inspections"


@dataclass(frozen=True)
class Inspection:
    """The inspection as this service knows it (the evidence service calls it its known inspection)."""

    inspection_id: str
    programme: Programme
    agencies: tuple[Agency, ...]
    inspectorates: tuple[Inspectorate, ...]
    cancelled: bool = False
    area_code: str | None = None
    local_area: str | None = None
    # The area has been told: notice has started (the first notification). Known where notifications are
    # read: the evidence service's read model, and a fold of the inspection's events.
    notified: bool = False


def evolve(inspection: Inspection | None, event: Event) -> Inspection | None:
    """The inspection after one of its events; None until it is scheduled."""
    if isinstance(event, InspectionScheduled):
        return Inspection(
            inspection_id=event.inspection_id,
            programme=catalogue()[event.programme],
            agencies=tuple(event.agencies),
            inspectorates=tuple(event.inspectorates),
            area_code=event.area_code,
            local_area=event.local_area,
        )
    if inspection is None:
        return None
    if isinstance(event, InspectorateJoined):
        # HMCPSI when triggered, HMI Prisons on request: from now on they take part too.
        return replace(
            inspection,
            agencies=tuple(dict.fromkeys([*inspection.agencies, *event.agencies])),
            inspectorates=tuple(dict.fromkeys([*inspection.inspectorates, event.inspectorate])),
        )
    if isinstance(event, NotificationRecorded):
        return replace(inspection, notified=True)
    if isinstance(event, InspectionCancelled):
        return replace(inspection, cancelled=True)
    return inspection


def fold(inspection_id: str, events: Iterable[Event]) -> Inspection | None:
    """The inspection as `events` (any of them, its own in stream order) say; None if not scheduled."""
    inspection: Inspection | None = None
    for event in events:
        if isinstance(event, InspectionEvent) and event.inspection_id == inspection_id:
            inspection = evolve(inspection, event)
    return inspection


# What the fold reads: a reader that fetches an inspection's events by type fetches these.
TRACKED: tuple[type[InspectionEvent], ...] = (
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
    InspectionCancelled,
)
Tracked = InspectionScheduled | InspectorateJoined | NotificationRecorded | InspectionCancelled


def track(projection: Projection, collection: str = COLLECTION, *, notice: bool = False) -> None:
    """Keep `collection` of inspections from scheduling's events read by `projection`: each event folded
    (`evolve`) on the inspection as stored, in the event's transaction; the notifications too if `notice`."""

    async def changed(event: Tracked, _: Envelope, tx: Tx) -> None:
        doc = await tx.db[collection].find_one({"_id": event.inspection_id}, session=tx.session)
        after = evolve(None if doc is None else of_document(event.inspection_id, doc), event)
        if after is not None:
            await tx.db[collection].replace_one(
                {"_id": event.inspection_id}, document_of(after), upsert=True, session=tx.session
            )

    projection.on(InspectionScheduled)(changed)
    projection.on(InspectorateJoined)(changed)
    projection.on(InspectionCancelled)(changed)
    if notice:
        projection.on(NotificationRecorded)(changed)


def document_of(inspection: Inspection) -> Document:
    """The inspection as its read model stores it."""
    return {
        "programme": inspection.programme.id,
        "area_code": inspection.area_code,
        "local_area": inspection.local_area,
        "agencies": list(inspection.agencies),
        "inspectorates": list(inspection.inspectorates),
        "notified": inspection.notified,
        "cancelled": inspection.cancelled,
    }


def of_document(inspection_id: str, doc: Document) -> Inspection:
    """The inspection a document holds; one kept before the read models were one (evidence's had
    `notified_at`) reads as it was."""
    return Inspection(
        inspection_id,
        catalogue()[doc["programme"]],
        tuple(Agency(a) for a in doc["agencies"]),
        tuple(Inspectorate(i) for i in doc.get("inspectorates", [])),
        doc.get("cancelled", False),
        doc.get("area_code"),
        doc.get("local_area"),
        doc.get("notified", doc.get("notified_at") is not None),
    )


async def known(
    db: AsyncDatabase[Document], service: str, inspection_id: str, collection: str = COLLECTION
) -> Inspection:
    doc = await db[collection].find_one({"_id": inspection_id})
    if doc is None:
        raise InspectionNotKnown(service, inspection_id)
    return of_document(inspection_id, doc)
