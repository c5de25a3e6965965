"""Evidence's commands and queries."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from shared.contracts.evidence import EvidenceItemRecorded
from shared.contracts.vocabulary import Agency
from shared.decider import Decided, execute
from shared.envelope import Inspectorate
from shared.errors import InspectionNotKnown
from shared.eventstore import CommandContext, EventStore
from shared.mongo import Document
from shared.programmes import catalogue

from . import domain


async def known_inspection(db: AsyncDatabase[Document], inspection_id: str) -> domain.KnownInspection:
    doc = await db["inspections"].find_one({"_id": inspection_id})
    if doc is None:
        raise InspectionNotKnown("evidence", inspection_id)
    return domain.KnownInspection(
        inspection_id,
        catalogue()[doc["programme"]],
        tuple(Inspectorate(i) for i in doc["inspectorates"]),
        tuple(Agency(a) for a in doc["agencies"]),
    )


async def record(
    store: EventStore, command: domain.RecordEvidenceItem, context: CommandContext
) -> Decided[domain.EvidenceItem]:
    return await execute(
        store,
        domain.evidence_item,
        domain.stream_id(command.evidence_item_id),
        command,
        context,
        expected_version=0,
    )


async def items_of(store: EventStore, inspection_id: str) -> list[EvidenceItemRecorded]:
    events = await store.of_inspection(inspection_id, EvidenceItemRecorded.event_type)
    return [e for e in events if isinstance(e, EvidenceItemRecorded)]
