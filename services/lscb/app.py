"""Wiring of the LSCB service."""

from __future__ import annotations

from shared.runtime import Service
from shared.settings import Settings

from . import api, projections


def build(settings: Settings | None = None) -> Service:
    return Service(
        "lscb",
        title="JIP LSCB service",
        description="Gathers every inspectorate's evidence about the Local Safeguarding Children "
        "Board and records the inspectorates' evaluation of its effectiveness.",
        routers=[api.router],
        projections=[projections.board_evidence],
        indexes=projections.indexes,
        settings=settings,
    )
