"""Scheduling's commands, run against the inspection's stream."""

from __future__ import annotations

from shared.decider import Decided, execute, load
from shared.errors import NotFound
from shared.eventstore import CommandContext, EventStore
from shared.programmes import Programme, catalogue

from . import domain


def programme(programme_id: str) -> Programme:
    programmes = catalogue()
    if programme_id not in programmes:
        raise NotFound(f"unknown programme {programme_id!r}; known: {', '.join(sorted(programmes))}")
    return programmes[programme_id]


async def schedule(
    store: EventStore, command: domain.ScheduleInspection, context: CommandContext
) -> Decided[domain.Inspection]:
    return await execute(
        store,
        domain.inspection,
        domain.stream_id(command.inspection_id),
        command,
        context,
        expected_version=0,
    )


async def inspection(store: EventStore, inspection_id: str) -> tuple[domain.Inspection, int]:
    state, version = await load(store, domain.inspection, domain.stream_id(inspection_id))
    if state.scheduled is None:
        raise NotFound(f"unknown inspection {inspection_id}")
    return state, version


async def notify(
    store: EventStore,
    inspection_id: str,
    command: domain.RecordNotification,
    context: CommandContext,
    expected_version: int | None,
) -> Decided[domain.Inspection]:
    return await execute(
        store,
        domain.inspection,
        domain.stream_id(inspection_id),
        command,
        context,
        expected_version=expected_version,
    )
