"""Judgement's read models: the inspections scheduled and the evidence recorded for them."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.consumer import Projection, Tx
from shared.contracts.evidence import EvidenceItemRecorded
from shared.contracts.scheduling import InspectionScheduled
from shared.envelope import Envelope
from shared.mongo import Document

evidence = Projection("evidence", ["scheduling", "evidence"])


@evidence.on(InspectionScheduled)
async def inspection_scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].replace_one(
        {"_id": event.inspection_id},
        {"programme": event.programme, "local_area": event.local_area, "agencies": list(event.agencies)},
        upsert=True,
        session=tx.session,
    )


@evidence.on(EvidenceItemRecorded)
async def evidence_item_recorded(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
    await tx.db["evidence_items"].replace_one(
        {"_id": event.evidence_item_id},
        {**event.model_dump(mode="json", exclude={"evidence_item_id"}), "recorded_at": envelope.occurred_at},
        upsert=True,
        session=tx.session,
    )


async def indexes(db: AsyncDatabase[Document]) -> None:
    await db["evidence_items"].create_index([("inspection_id", ASCENDING), ("recorded_at", ASCENDING)])
