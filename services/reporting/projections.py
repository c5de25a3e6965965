"""Reporting keeps the events its letters and reports are made of, nothing derived: they are rendered
from them."""

from __future__ import annotations

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from shared.catalogue import Event
from shared.consumer import Projection, Tx
from shared.contracts.evidence import EvidenceItemAmended, EvidenceItemRecorded, EvidenceItemWithdrawn
from shared.contracts.judgement import JUDGEMENT_EVENTS
from shared.contracts.lscb import BOARD_EVENTS, EVALUATION_EVENTS
from shared.contracts.scheduling import (
    InspectionCancelled,
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
)
from shared.envelope import Envelope
from shared.mongo import Document

letter_sources = Projection("letter-sources", ["scheduling", "evidence", "judgement", "lscb"])


async def keep(_: Event, envelope: Envelope, tx: Tx) -> None:
    await tx.db["sources"].replace_one(
        {"_id": envelope.event_id},
        {
            "inspection_id": envelope.inspection_id,
            "area_code": envelope.payload.get("area_code"),  # a board register's events name no inspection
            "stream_id": envelope.stream_id,
            "stream_version": envelope.stream_version,
            "envelope": envelope.model_dump(mode="json"),
        },
        upsert=True,
        session=tx.session,
    )


KEPT: tuple[type[Event], ...] = (
    InspectionScheduled,
    InspectionRescheduled,
    InspectionCancelled,
    InspectorateJoined,
    NotificationRecorded,
    EvidenceItemRecorded,
    EvidenceItemAmended,
    EvidenceItemWithdrawn,
    *JUDGEMENT_EVENTS,  # findings, and every judgement's proposals, moderation, flags and revisions
    *BOARD_EVENTS,  # the area's LSCB register: letters are addressed to its chair
    *EVALUATION_EVENTS,  # the shared evaluation of the board
)
for _event in KEPT:
    letter_sources.on(_event)(keep)


async def indexes(db: AsyncDatabase[Document]) -> None:
    await db["sources"].create_index(
        [("inspection_id", ASCENDING), ("stream_id", ASCENDING), ("stream_version", ASCENDING)]
    )
    await db["sources"].create_index([("area_code", ASCENDING), ("inspection_id", ASCENDING)])
