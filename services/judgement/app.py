"""Wiring of the judgement service."""

from __future__ import annotations

from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from shared.mechanics.telemetry import Telemetry

from . import api, projections


def build(settings: Settings | None = None, telemetry: Telemetry | None = None) -> Service:
    return Service(
        "judgement",
        title="JIP judgement service",
        description="Builds each agency's strengths and weaknesses from every inspectorate's "
        "evidence; records findings, and the graded and narrative judgements of each programme, derived "
        "by its limiting rules and moderated to final, each standing on that evidence.",
        routers=[api.router],
        projections=[projections.evidence],
        indexes=projections.indexes,
        settings=settings,
        telemetry=telemetry,
    )
