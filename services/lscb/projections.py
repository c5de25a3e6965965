"""The LSCB service's read models: the inspections scheduled, every inspectorate's evidence as it stands
(the board's evaluation draws on the items about the board and those tagged with its criteria), and the
board registers, for listing (one register is read from its own stream)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from shared.mechanics.consumer import Projection
from shared.mechanics.mongo import Document
from shared.views import boards, evidence_items, inspections

board_evidence = Projection("board-evidence", ["scheduling", "evidence"])
evidence_items.track(board_evidence)
inspections.track(board_evidence)

registers = Projection("registers", ["lscb"])
boards.track(registers)


async def indexes(db: AsyncDatabase[Document]) -> None:
    await evidence_items.indexes(db)
