"""Wiring of the scheduling service."""

from __future__ import annotations

from shared.runtime import Service
from shared.settings import Settings

from . import api


def build(settings: Settings | None = None) -> Service:
    return Service(
        "scheduling",
        title="JIP scheduling service",
        description="Schedules inspections, computes notice dates in working days and records "
        "who was notified, in which order.",
        routers=[api.router],
        settings=settings,
    )
