"""Scheduling's read model of what other services decide: each area's LSCB board register, learnt from
the lscb service's events, which says who is notified first (001 Proposal two)."""

from __future__ import annotations

from shared.mechanics.consumer import Projection
from shared.views import boards

board_registers = Projection("board-registers", ["lscb"])
boards.track(board_registers)
