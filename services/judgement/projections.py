"""Judgement's read models: the inspections scheduled, and the evidence recorded for them as it stands."""

from __future__ import annotations

from shared import evidence_items
from shared.consumer import Projection, Tx
from shared.contracts.scheduling import InspectionScheduled, InspectorateJoined
from shared.envelope import Envelope

evidence = Projection("evidence", ["scheduling", "evidence"])
evidence_items.track(evidence)
indexes = evidence_items.indexes


@evidence.on(InspectionScheduled)
async def inspection_scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].replace_one(
        {"_id": event.inspection_id},
        {"programme": event.programme, "local_area": event.local_area, "agencies": list(event.agencies)},
        upsert=True,
        session=tx.session,
    )


@evidence.on(InspectorateJoined)
async def inspectorate_joined(event: InspectorateJoined, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].update_one(
        {"_id": event.inspection_id},
        {"$addToSet": {"agencies": {"$each": list(event.agencies)}}},
        session=tx.session,
    )
