"""The LSCB's read model: the inspections scheduled, and evidence about the board from every inspectorate."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.consumer import Projection, Tx
from shared.contracts.evidence import EvidenceItemRecorded
from shared.contracts.scheduling import InspectionScheduled
from shared.contracts.vocabulary import Agency
from shared.envelope import Envelope
from shared.mongo import Document

board_evidence = Projection("board-evidence", ["scheduling", "evidence"])


@board_evidence.on(InspectionScheduled)
async def inspection_scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].replace_one(
        {"_id": event.inspection_id}, {"local_area": event.local_area}, upsert=True, session=tx.session
    )


@board_evidence.on(EvidenceItemRecorded)
async def evidence_item_recorded(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
    if event.agency is not Agency.LSCB:
        return
    await tx.db["board_evidence"].replace_one(
        {"_id": event.evidence_item_id},
        {
            "inspection_id": event.inspection_id,
            "inspectorate": event.inspectorate,
            "bearing": event.bearing,
            "judgement_area": event.judgement_area,
            "criterion": event.criterion,
            "summary": event.summary,
            "recorded_at": envelope.occurred_at,
        },
        upsert=True,
        session=tx.session,
    )


async def indexes(db: AsyncDatabase[Document]) -> None:
    await db["board_evidence"].create_index([("inspection_id", ASCENDING), ("recorded_at", ASCENDING)])
