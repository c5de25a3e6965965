"""The LSCB service's commands and queries."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.decider import Decided, execute, load
from shared.errors import InspectionNotKnown
from shared.eventstore import CommandContext, EventStore
from shared.mongo import Document

from . import domain


async def _require_inspection(db: AsyncDatabase[Document], inspection_id: str) -> None:
    if await db["inspections"].find_one({"_id": inspection_id}) is None:
        raise InspectionNotKnown("LSCB", inspection_id)


async def record_evaluation(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    summary: str,
    evidence_item_ids: list[str],
    context: CommandContext,
) -> Decided[domain.Evaluation]:
    await _require_inspection(db, inspection_id)
    ids = tuple(dict.fromkeys(evidence_item_ids))
    known = {
        doc["_id"]
        async for doc in db["board_evidence"].find(
            {"_id": {"$in": list(ids)}, "inspection_id": inspection_id}, {"_id": 1}
        )
    }
    command = domain.RecordEvaluation(inspection_id, summary, ids, tuple(i for i in ids if i not in known))
    return await execute(store, domain.evaluation, domain.stream_id(inspection_id), command, context)


async def evaluation(store: EventStore, db: AsyncDatabase[Document], inspection_id: str) -> dict[str, Any]:
    """Evidence about the board by inspectorate, and the evaluation recorded from it, if any."""
    await _require_inspection(db, inspection_id)
    strengths: list[Document] = []
    weaknesses: list[Document] = []
    by_inspectorate: dict[str, int] = {}
    async for doc in (
        db["board_evidence"].find({"inspection_id": inspection_id}).sort("recorded_at", ASCENDING)
    ):
        item = {
            "evidence_item_id": doc["_id"],
            "inspectorate": doc["inspectorate"],
            "judgement_area": doc["judgement_area"],
            "criterion": doc.get("criterion"),
            "summary": doc["summary"],
        }
        (strengths if doc["bearing"] == "strength" else weaknesses).append(item)
        by_inspectorate[doc["inspectorate"]] = by_inspectorate.get(doc["inspectorate"], 0) + 1
    state, version = await load(store, domain.evaluation, domain.stream_id(inspection_id))
    recorded = state.latest.model_dump(mode="json") if state.latest else None
    return {
        "inspection_id": inspection_id,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "evidence_by_inspectorate": by_inspectorate,
        "evaluation": recorded,
        "version": version,
    }
