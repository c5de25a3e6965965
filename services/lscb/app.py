"""Wiring of the LSCB service."""

from __future__ import annotations

from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry

from . import api, projections


def build(settings: Settings | None = None, telemetry: Telemetry | None = None) -> Service:
    return Service(
        "lscb",
        title="JIP LSCB service",
        description="Keeps each area's board register (chair, business manager, their absences, the "
        "statutory partners), gathers every inspectorate's evidence about the Local Safeguarding "
        "Children Board, and records the inspectorates' shared evaluation of its effectiveness: findings "
        "per criterion attributed to partners, a proposed judgement, each inspectorate's sign-off or "
        "disagreement, and the final judgement.",
        routers=[api.router],
        projections=[projections.board_evidence, projections.registers],
        indexes=projections.indexes,
        settings=settings,
        telemetry=telemetry,
    )
