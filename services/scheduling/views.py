"""Scheduling's queries: the programmes and areas by their ids, an inspection, an inspector's diary and a
round as their streams stand, who takes part in an inspection, the area's LSCB register, and the
inspections and inspectors listed. The handlers (handlers.py) load what a decision needs through the
same readers; the listings query the event store's records, as only the read side does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.language.areas import Area, absent, as_at, find, unknown
from shared.language.contracts.scheduling import (
    InspectionScheduled,
    InspectorateJoined,
    InspectorRegistered,
    RoundPlanned,
)
from shared.language.programmes import Programme, catalogue
from shared.language.workdays import today_in_england
from shared.mechanics.decider import fold, load
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import NotFound, RuleViolation
from shared.mechanics.eventstore import EventStore, StreamStore
from shared.mechanics.mongo import Document
from shared.mechanics.runtime import Service
from shared.views import boards
from shared.views.boards import Board
from shared.views.taking_part import TakingPart

from .domain import area_calendar, inspector_diary
from .domain.inspection import Inspection, inspection_stream
from .domain.inspection import decider as inspection_decider
from .domain.round import Round, evolve_round, round_stream


def programme(programme_id: str) -> Programme:
    programmes = catalogue()
    if programme_id not in programmes:
        raise NotFound(f"unknown programme {programme_id!r}; known: {', '.join(sorted(programmes))}")
    return programmes[programme_id]


def programme_of(state: Inspection) -> Programme:
    """The programme version the inspection was scheduled under, for good."""
    assert state.scheduled is not None
    return programme(state.scheduled.programme)


def area(code_or_name: str, on: date | None = None) -> Area:
    """The area by ONS code or name, whenever it existed; given a day (fieldwork's), the area as it was
    that day: one abolished by then, or not yet created, is refused, naming the areas there that day."""
    found = find(code_or_name, on)
    if found is None:
        when = f" on {on}" if on else ""
        raise RuleViolation(
            f"{unknown(code_or_name, on)} An area is one of the {len(as_at(on or today_in_england()))} "
            f"upper-tier local authority areas of England{when}, given by its ONS code (e.g. E08000035) "
            "or exact name: `jip areas` lists them",
            area_calendar.REGISTER,
        )
    gone = absent(found, on) if on else None
    if gone:
        raise RuleViolation(
            f"{gone} An inspection is for an area as it is at fieldwork: `jip areas {found.code}` shows "
            "its dates and successors",
            area_calendar.REGISTER,
        )
    return found


async def inspection(store: StreamStore, inspection_id: str) -> tuple[Inspection, int]:
    state, version = await load(store, inspection_decider, inspection_stream(inspection_id))
    if state.scheduled is None:
        raise NotFound(f"unknown inspection {inspection_id}")
    return state, version


async def inspections(store: StreamStore, inspection_ids: Sequence[str]) -> list[tuple[Inspection, int]]:
    """Several inspections in one read, each with its stream version."""
    streams = await store.read_streams([inspection_stream(i) for i in inspection_ids])
    return [(inspection_decider.fold(s.events), s.version) for s in streams.values()]


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part in the inspection, from its own stream: they read it."""
    state, _ = await inspection(service.store, inspection_id)
    return taking_part_of(state)


def taking_part_of(state: Inspection) -> TakingPart:
    """Who takes part in the inspection (those scheduled, and those who joined): they read it."""
    assert state.scheduled is not None
    scheduled, source = state.scheduled, programme_of(state).participation.source
    return TakingPart(scheduled.inspection_id, tuple(state.inspectorates), scheduled.area_code, source)


async def board_of(db: AsyncDatabase[Document], state: Inspection) -> Board | None:
    """The LSCB register of the inspection's area, as the lscb service's events have told scheduling."""
    assert state.scheduled is not None
    return await boards.board_of(db, state.scheduled.area_code)


async def diary(store: StreamStore, inspector_id: str) -> tuple[inspector_diary.Diary, int]:
    return await load(store, inspector_diary.decider, inspector_diary.inspector_stream(inspector_id))


async def diaries(store: StreamStore, inspector_ids: Sequence[str]) -> list[inspector_diary.Diary]:
    streams = await store.read_streams([inspector_diary.inspector_stream(i) for i in inspector_ids])
    return [inspector_diary.decider.fold(s.events) for s in streams.values()]


async def round_(store: StreamStore, round_id: str) -> RoundPlanned:
    stream = await store.read(round_stream(round_id))
    planned = fold(evolve_round, Round(), stream.events).planned
    if planned is None:
        raise NotFound(f"unknown round {round_id}")
    return planned


async def taken_part_in(store: EventStore, inspectorate: Inspectorate) -> dict[str, Any]:
    """A query for the scheduling of the inspections `inspectorate` was scheduled into or joined."""
    joined = store.events.find(
        {"event_type": InspectorateJoined.event_type, "envelope.payload.inspectorate": inspectorate.value},
        {"inspection_id": 1},
    )
    ids = [doc["inspection_id"] async for doc in joined]
    return {
        "event_type": InspectionScheduled.event_type,
        "$or": [{"envelope.payload.inspectorates": inspectorate.value}, {"inspection_id": {"$in": ids}}],
    }


async def scheduled(
    store: EventStore,
    taking_part_of: Inspectorate | None,
    area_code: str | None,
    round_id: str | None,
    programme_id: str | None,
    limit: int,
    offset: int,
) -> list[tuple[Inspection, int]]:
    """The inspections scheduled, newest first: of one area, round or programme where given, and only
    those `taking_part_of` was scheduled into or joined where it is given."""
    query: dict[str, Any] = {"event_type": InspectionScheduled.event_type}
    if taking_part_of is not None:
        query = await taken_part_in(store, taking_part_of)
    if area_code is not None:
        query["envelope.payload.area_code"] = area_code
    if round_id is not None:
        query["envelope.payload.round_id"] = round_id
    if programme_id is not None:
        query["envelope.payload.programme"] = programme_id
    cursor = store.events.find(query, {"inspection_id": 1}).sort("envelope.occurred_at", -1)
    ids = [doc["inspection_id"] async for doc in cursor.skip(offset).limit(limit)]
    return await inspections(store, ids)


async def registered(
    store: EventStore, inspectorate: Inspectorate | None, limit: int, offset: int
) -> list[inspector_diary.Diary]:
    """The inspectors registered, oldest first, optionally of one inspectorate, each with their diary."""
    query: dict[str, Any] = {"event_type": InspectorRegistered.event_type}
    if inspectorate is not None:
        query["envelope.payload.inspectorate"] = inspectorate.value
    cursor = store.events.find(query, {"envelope.payload.inspector_id": 1})
    cursor = cursor.sort("envelope.occurred_at", 1).skip(offset).limit(limit)
    ids = [doc["envelope"]["payload"]["inspector_id"] async for doc in cursor]
    return await diaries(store, ids)
