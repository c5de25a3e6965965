"""Reporting keeps the events its letters and reports are made of, nothing derived: they are rendered
from them."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.contracts.evidence import (
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
)
from shared.language.contracts.judgement import JUDGEMENT_EVENTS
from shared.language.contracts.lscb import BOARD_EVENTS, EVALUATION_EVENTS
from shared.language.contracts.scheduling import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorRegistered,
    InspectorReleased,
    MeetingScheduled,
    NotificationRecorded,
    RoundPlanned,
)
from shared.mechanics.catalogue import Event
from shared.mechanics.consumer import Projection, Tx
from shared.mechanics.envelope import Envelope
from shared.mechanics.mongo import Document
from shared.mechanics.telemetry import current_carrier

SOURCES = "sources"
letter_sources = Projection("letter-sources", ["scheduling", "evidence", "judgement", "lscb"])


def source(envelope: Envelope) -> Document:
    """How a kept event is stored: the envelope, and the fields documents are found by."""
    return {
        "_id": envelope.event_id,
        "inspection_id": envelope.inspection_id,
        "event_type": envelope.event_type,
        "area_code": envelope.payload.get("area_code"),  # a board register's events name no inspection
        "round_id": envelope.payload.get("round_id"),  # an inspection scheduled in a round
        "stream_id": envelope.stream_id,
        "stream_version": envelope.stream_version,
        "envelope": envelope.model_dump(mode="json"),
    }


async def keep(_: Event, envelope: Envelope, tx: Tx) -> None:
    # With the trace that brought it, so a document rendered later links to what last changed it.
    kept = source(envelope) | {"trace": current_carrier()}
    await tx.db[SOURCES].replace_one({"_id": envelope.event_id}, kept, upsert=True, session=tx.session)


KEPT: tuple[type[Event], ...] = (
    InspectionScheduled,
    InspectionRescheduled,
    InspectionCancelled,
    InspectorateJoined,
    NotificationRecorded,
    InspectorAssigned,  # the team: each inspectorate's lead inspector signs its documents
    InspectorReleased,
    InspectorRegistered,  # an inspector's name, as they sign
    MeetingScheduled,  # the joint feedback meeting: a report is drafted after it (001 Proposal three)
    RoundPlanned,  # a round's name heads its overview (001 Proposal four)
    EvidenceItemRecorded,
    EvidenceItemAmended,
    EvidenceItemWithdrawn,
    *JUDGEMENT_EVENTS,  # findings, and every judgement's proposals, moderation, flags and revisions
    *BOARD_EVENTS,  # the area's LSCB register: letters are addressed to its chair
    *EVALUATION_EVENTS,  # the shared evaluation of the board
)
KEPT_TYPES = frozenset(e.event_type for e in KEPT)
for _event in KEPT:
    letter_sources.on(_event)(keep)


async def indexes(db: AsyncDatabase[Document]) -> None:
    await db[SOURCES].create_index(
        [("inspection_id", ASCENDING), ("stream_id", ASCENDING), ("stream_version", ASCENDING)]
    )
    await db[SOURCES].create_index([("area_code", ASCENDING), ("inspection_id", ASCENDING)])
    await db[SOURCES].create_index([("event_type", ASCENDING), ("round_id", ASCENDING)])
