"""Wiring of the reporting service."""

from __future__ import annotations

from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry

from . import api, projections


def build(settings: Settings | None = None, telemetry: Telemetry | None = None) -> Service:
    return Service(
        "reporting",
        title="JIP reporting service",
        description="Rebuilds findings letters and reports from the event log alone.",
        routers=[api.router],
        projections=[projections.letter_sources],
        indexes=projections.indexes,
        settings=settings,
        telemetry=telemetry,
    )
