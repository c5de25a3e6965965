"""Reporting's queries: letters rendered from the events it has received."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.catalogue import Event
from shared.contracts import CATALOGUE
from shared.contracts.scheduling import InspectionScheduled
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.mongo import Document

from .letter import render_findings_letter


async def events_of(db: AsyncDatabase[Document], inspection_id: str) -> list[Event]:
    """The inspection's events, then its area's LSCB register, each in stream order, which does not
    depend on the order in which the events arrived."""
    order = [("stream_id", ASCENDING), ("stream_version", ASCENDING)]
    cursor = db["sources"].find({"inspection_id": inspection_id}).sort(order)
    events = [CATALOGUE.decode(Envelope.model_validate(doc["envelope"])) async for doc in cursor]
    area = next((e.area_code for e in events if isinstance(e, InspectionScheduled)), None)
    if area is not None:
        register = db["sources"].find({"inspection_id": None, "area_code": area}).sort(order)
        events += [CATALOGUE.decode(Envelope.model_validate(doc["envelope"])) async for doc in register]
    return events


async def findings_letter(db: AsyncDatabase[Document], inspection_id: str) -> str:
    events = await events_of(db, inspection_id)
    if not events:
        raise NotFound(f"no events of inspection {inspection_id} have reached the reporting service")
    try:
        return render_findings_letter(events)
    except ValueError as exc:
        raise NotFound(f"inspection {inspection_id}: {exc}") from None
