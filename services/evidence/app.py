"""Wiring of the evidence service."""

from __future__ import annotations

from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry

from . import api, projections


def build(settings: Settings | None = None, telemetry: Telemetry | None = None) -> Service:
    return Service(
        "evidence",
        title="JIP evidence service",
        description="Records evidence items from every inspectorate: case tracking and sampling, "
        "observations, discussions, audits and data, each about an agency and an area.",
        routers=[api.router],
        projections=[projections.inspections],
        settings=settings,
        telemetry=telemetry,
    )
