"""The LSCB service's commands and queries."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared import evidence_items
from shared.contracts.evidence import Bearing
from shared.contracts.vocabulary import Agency
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
    about_board = await evidence_items.items_of(db, inspection_id, agency=Agency.LSCB, _id={"$in": list(ids)})
    known = {i.evidence_item_id for i in about_board}
    command = domain.RecordEvaluation(inspection_id, summary, ids, tuple(i for i in ids if i not in known))
    return await execute(store, domain.evaluation, domain.stream_id(inspection_id), command, context)


async def evaluation(store: EventStore, db: AsyncDatabase[Document], inspection_id: str) -> dict[str, Any]:
    """Evidence about the board by inspectorate, and the evaluation recorded from it, if any."""
    await _require_inspection(db, inspection_id)
    items = await evidence_items.items_of(db, inspection_id, agency=Agency.LSCB)
    strengths: list[dict[str, Any]] = []
    weaknesses: list[dict[str, Any]] = []  # and areas for improvement
    for i in items:
        item = {
            "evidence_item_id": i.evidence_item_id,
            "inspectorate": i.inspectorate,
            "judgement_area": i.judgement_area,
            "criteria": i.criteria,
            "bearing": i.bearing,
            "summary": i.summary,
        }
        (strengths if i.bearing is Bearing.STRENGTH else weaknesses).append(item)
    by_inspectorate = dict(Counter(str(i.inspectorate) for i in items))
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
