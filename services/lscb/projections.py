"""The LSCB's read model: the inspections scheduled, and every inspectorate's evidence as it stands
(the board's evaluation stands on the items about the board)."""

from __future__ import annotations

from shared import evidence_items
from shared.consumer import Projection, Tx
from shared.contracts.scheduling import InspectionScheduled
from shared.envelope import Envelope

board_evidence = Projection("board-evidence", ["scheduling", "evidence"])
evidence_items.track(board_evidence)
indexes = evidence_items.indexes


@board_evidence.on(InspectionScheduled)
async def inspection_scheduled(event: InspectionScheduled, _: Envelope, tx: Tx) -> None:
    await tx.db["inspections"].replace_one(
        {"_id": event.inspection_id}, {"local_area": event.local_area}, upsert=True, session=tx.session
    )
