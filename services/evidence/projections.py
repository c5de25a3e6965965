"""Evidence's read model of the inspections scheduling has announced."""

from __future__ import annotations

from shared.consumer import Projection, Tx
from shared.contracts.scheduling import InspectionScheduled, InspectorateJoined
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
