"""Judgement's commands and queries."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from shared import evidence_items
from shared.contracts.evidence import Bearing
from shared.contracts.judgement import FindingKind, FindingRecorded
from shared.contracts.vocabulary import Agency
from shared.decider import Decided, execute, load
from shared.errors import InspectionNotKnown, NotFound
from shared.eventstore import CommandContext, EventStore
from shared.mongo import Document
from shared.programmes import Programme, catalogue

from . import domain


async def inspection(db: AsyncDatabase[Document], inspection_id: str) -> tuple[Programme, tuple[Agency, ...]]:
    doc = await db["inspections"].find_one({"_id": inspection_id})
    if doc is None:
        raise InspectionNotKnown("judgement", inspection_id)
    return catalogue()[doc["programme"]], tuple(Agency(a) for a in doc["agencies"])


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
    _, agencies = await inspection(db, inspection_id)
    seen = {
        doc["_id"]: Bearing(doc["bearing"])
        async for doc in db[evidence_items.COLLECTION].find(
            {"_id": {"$in": evidence_item_ids}, "inspection_id": inspection_id, "withdrawn": False},
            {"bearing": 1},
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


async def evidence_profile(db: AsyncDatabase[Document], inspection_id: str) -> evidence_items.Triangulation:
    """The live evidence profile: per agency, area and criterion, the strengths, weaknesses and areas for
    improvement from every inspectorate, and their corroboration."""
    programme, agencies = await inspection(db, inspection_id)
    items = await evidence_items.items_of(db, inspection_id)
    return evidence_items.triangulate(inspection_id, programme, agencies, items)


async def evidence_item(
    db: AsyncDatabase[Document], inspection_id: str, evidence_item_id: str
) -> evidence_items.ItemView:
    found = await evidence_items.items_of(db, inspection_id, withdrawn=True, _id=evidence_item_id)
    if not found:
        raise NotFound(f"evidence item {evidence_item_id} has not reached the judgement service")
    return found[0]
