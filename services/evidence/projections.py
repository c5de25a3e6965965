"""Evidence's read model of the inspections scheduling has announced: who takes part, about which
agencies, and whether the evidence window has opened (the area notified) or the inspection was cancelled.
The evidence itself is read straight from this service's own log."""

from __future__ import annotations

from shared.consumer import Projection, Tx
from shared.contracts.scheduling import (
    InspectionCancelled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
)
from shared.envelope import Envelope

inspections = Projection("inspections", ["scheduling"])


@inspections.on(InspectionScheduled)
async def inspection_scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].replace_one(
        {"_id": event.inspection_id},
        {
            "programme": event.programme,
            "local_area": event.local_area,
            "inspectorates": list(event.inspectorates),
            "agencies": list(event.agencies),
            "notified_at": None,
            "cancelled": False,
        },
        upsert=True,
        session=tx.session,
    )


@inspections.on(InspectorateJoined)
async def inspectorate_joined(event: InspectorateJoined, _: Envelope, tx: Tx) -> None:
    # HMCPSI when triggered, HMI Prisons on request: from now on they record evidence too.
    await tx.db["inspections"].update_one(
        {"_id": event.inspection_id},
        {"$addToSet": {"inspectorates": event.inspectorate, "agencies": {"$each": list(event.agencies)}}},
        session=tx.session,
    )


@inspections.on(NotificationRecorded)
async def notification_recorded(event: NotificationRecorded, _: Envelope, tx: Tx) -> None:
    # Notice starts with the first notification (the LSCB chair, or on day one when unannounced).
    await tx.db["inspections"].update_one(
        {"_id": event.inspection_id, "notified_at": None},
        {"$set": {"notified_at": event.notified_at.isoformat()}},
        session=tx.session,
    )


@inspections.on(InspectionCancelled)
async def inspection_cancelled(event: InspectionCancelled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].update_one(
        {"_id": event.inspection_id}, {"$set": {"cancelled": True}}, session=tx.session
    )
