"""Wiring of the scheduling service."""

from __future__ import annotations

from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry

from . import api, projections


def build(settings: Settings | None = None, telemetry: Telemetry | None = None) -> Service:
    return Service(
        "scheduling",
        title="JIP scheduling service",
        description="Schedules inspections, computes notice dates in working days and records "
        "who was notified, in which order: the LSCB's chair first, or its business manager in the chair's "
        "absence, as the lscb service's board register says.",
        routers=[api.router],
        projections=[projections.board_registers],
        settings=settings,
        telemetry=telemetry,
    )
