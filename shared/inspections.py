"""What a service that evaluates an inspection knows of it, learnt from scheduling's events only: its
programme, area, the agencies inspected and the inspectorates taking part (as they join), and whether it
was cancelled. The judgement and lscb services keep it with `track` and read it with `known`."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from shared.consumer import Projection, Tx
from shared.contracts.scheduling import InspectionCancelled, InspectionScheduled, InspectorateJoined
from shared.contracts.vocabulary import Agency
from shared.envelope import Envelope, Inspectorate
from shared.errors import InspectionNotKnown
from shared.mongo import Document
from shared.programmes import Programme, catalogue

COLLECTION = "inspections"


@dataclass(frozen=True)
class Inspection:
    inspection_id: str
    programme: Programme
    agencies: tuple[Agency, ...]
    inspectorates: tuple[Inspectorate, ...]
    cancelled: bool = False
    area_code: str | None = None
    local_area: str | None = None


def track(projection: Projection, collection: str = COLLECTION) -> None:
    @projection.on(InspectionScheduled)
    async def scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
        await tx.db[collection].replace_one(
            {"_id": event.inspection_id},
            {
                "programme": event.programme,
                "area_code": event.area_code,
                "local_area": event.local_area,
                "agencies": list(event.agencies),
                "inspectorates": list(event.inspectorates),
                "cancelled": False,
            },
            upsert=True,
            session=tx.session,
        )

    @projection.on(InspectorateJoined)
    async def joined(event: InspectorateJoined, _: Envelope, tx: Tx) -> None:
        await tx.db[collection].update_one(
            {"_id": event.inspection_id},
            {"$addToSet": {"agencies": {"$each": list(event.agencies)}, "inspectorates": event.inspectorate}},
            session=tx.session,
        )

    @projection.on(InspectionCancelled)
    async def cancelled(event: InspectionCancelled, _: Envelope, tx: Tx) -> None:
        await tx.db[collection].update_one(
            {"_id": event.inspection_id}, {"$set": {"cancelled": True}}, session=tx.session
        )


async def known(
    db: AsyncDatabase[Document], service: str, inspection_id: str, collection: str = COLLECTION
) -> Inspection:
    doc = await db[collection].find_one({"_id": inspection_id})
    if doc is None:
        raise InspectionNotKnown(service, inspection_id)
    return Inspection(
        inspection_id,
        catalogue()[doc["programme"]],
        tuple(Agency(a) for a in doc["agencies"]),
        tuple(Inspectorate(i) for i in doc.get("inspectorates", [])),
        doc.get("cancelled", False),
        doc.get("area_code"),
        doc.get("local_area"),
    )
