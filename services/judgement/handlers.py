"""Judgement's commands and queries."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.contracts.evidence import Bearing
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.vocabulary import Agency
from shared.decider import Decided, execute, load
from shared.errors import InspectionNotKnown, NotFound
from shared.eventstore import CommandContext, EventStore
from shared.mongo import Document

from . import domain


async def inspection_agencies(db: AsyncDatabase[Document], inspection_id: str) -> tuple[Agency, ...]:
    doc = await db["inspections"].find_one({"_id": inspection_id})
    if doc is None:
        raise InspectionNotKnown("judgement", inspection_id)
    return tuple(Agency(a) for a in doc["agencies"])


async def record_finding(
    store: EventStore,
    db: AsyncDatabase[Document],
    inspection_id: str,
    finding_id: str,
    kind: FindingKind,
    addressed_to: Agency,
    text: str,
    evidence_item_ids: list[str],
    context: CommandContext,
) -> Decided[domain.Findings]:
    agencies = await inspection_agencies(db, inspection_id)
    seen = {
        doc["_id"]: Bearing(doc["bearing"])
        async for doc in db["evidence_items"].find(
            {"_id": {"$in": evidence_item_ids}, "inspection_id": inspection_id}, {"bearing": 1}
        )
    }
    ids = list(dict.fromkeys(evidence_item_ids))  # cited once each, in the order given
    command = domain.RecordFinding(
        inspection_id=inspection_id,
        finding_id=finding_id,
        kind=kind,
        addressed_to=addressed_to,
        text=text,
        cited=tuple(domain.CitedItem(i, seen[i]) for i in ids if i in seen),
        unknown=tuple(i for i in ids if i not in seen),
        agencies=agencies,
    )
    return await execute(store, domain.findings, domain.stream_id(inspection_id), command, context)


async def findings_of(store: EventStore, inspection_id: str) -> list[FindingRecorded]:
    state, _ = await load(store, domain.findings, domain.stream_id(inspection_id))
    return list(state.recorded)


async def evidence_profile(
    db: AsyncDatabase[Document], inspection_id: str
) -> dict[str, dict[str, list[Any]]]:
    """Strengths and weaknesses per agency, from the evidence recorded by every inspectorate."""
    await inspection_agencies(db, inspection_id)
    profile: dict[str, dict[str, list[Any]]] = {}
    cursor = db["evidence_items"].find({"inspection_id": inspection_id}).sort("recorded_at", ASCENDING)
    async for doc in cursor:
        side = "strengths" if doc["bearing"] == Bearing.STRENGTH else "weaknesses"
        entry = profile.setdefault(doc["agency"], {"strengths": [], "weaknesses": []})
        entry[side].append(
            {
                "evidence_item_id": doc["_id"],
                "inspectorate": doc["inspectorate"],
                "judgement_area": doc["judgement_area"],
                "criterion": doc.get("criterion"),
                "activity": doc["activity"],
                "case_reference": doc.get("case_reference"),
            }
        )
    return profile


async def evidence_item(db: AsyncDatabase[Document], inspection_id: str, evidence_item_id: str) -> Document:
    doc = await db["evidence_items"].find_one({"_id": evidence_item_id, "inspection_id": inspection_id})
    if doc is None:
        raise NotFound(f"evidence item {evidence_item_id} has not reached the judgement service")
    return {"evidence_item_id": doc.pop("_id"), **doc}
