"""Scheduling's commands: read the streams a command touches, decide, append them together.

A write lost to a concurrent one (another assignment of the same inspector, another booking of the
same area) is decided again on fresh state, so a rule that spans streams is never broken by a race."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from pymongo.asynchronous.database import AsyncDatabase

from shared import boards
from shared.areas import Area, absent, as_at, find, unknown
from shared.boards import Board
from shared.catalogue import Event
from shared.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    InspectorRegistered,
    InspectorUnavailable,
    RoundPlanned,
)
from shared.decider import fold, until_written
from shared.envelope import Inspectorate
from shared.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.eventstore import CommandContext, EventStore, Write
from shared.mongo import Document
from shared.programmes import Programme, catalogue
from shared.runtime import Service
from shared.taking_part import TakingPart
from shared.workdays import today_in_england

from .domain import area_calendar, inspector_diary
from .domain.inspection import Changes, Inspection, ScheduleInspection, evolve, inspection_stream
from .domain.inspection import schedule as decide_schedule  # `schedule` below appends what it decides
from .domain.round import PlanRound, Round, evolve_round, plan, round_stream


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


async def inspection(store: EventStore, inspection_id: str) -> tuple[Inspection, int]:
    stream = await store.read(inspection_stream(inspection_id))
    state = fold(evolve, Inspection(), stream.events)
    if state.scheduled is None:
        raise NotFound(f"unknown inspection {inspection_id}")
    return state, stream.version


async def taking_part(service: Service, inspection_id: str) -> TakingPart:
    """Who takes part in the inspection, from its own stream: they read it."""
    state, _ = await inspection(service.store, inspection_id)
    return taking_part_of(state)


def taking_part_of(state: Inspection) -> TakingPart:
    """Who takes part in the inspection (those scheduled, and those who joined): they read it."""
    assert state.scheduled is not None
    scheduled, source = state.scheduled, programme_of(state).participation.source
    return TakingPart(scheduled.inspection_id, tuple(state.inspectorates), scheduled.area_code, source)


async def taken_part_in(store: EventStore, inspectorate: Inspectorate) -> dict[str, object]:
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


async def board_of(db: AsyncDatabase[Document], state: Inspection) -> Board | None:
    """The LSCB register of the inspection's area, as the lscb service's events have told scheduling."""
    assert state.scheduled is not None
    return await boards.board_of(db, state.scheduled.area_code)


async def inspections(store: EventStore, inspection_ids: Sequence[str]) -> list[tuple[Inspection, int]]:
    """Several inspections in one read, each with its stream version."""
    streams = await store.read_streams([inspection_stream(i) for i in inspection_ids])
    return [(fold(evolve, Inspection(), s.events), s.version) for s in streams.values()]


async def diaries(store: EventStore, inspector_ids: Sequence[str]) -> list[inspector_diary.Diary]:
    streams = await store.read_streams([inspector_diary.inspector_stream(i) for i in inspector_ids])
    return [fold(inspector_diary.evolve_diary, inspector_diary.Diary(), s.events) for s in streams.values()]


async def diary(store: EventStore, inspector_id: str) -> tuple[inspector_diary.Diary, int]:
    stream = await store.read(inspector_diary.inspector_stream(inspector_id))
    return fold(inspector_diary.evolve_diary, inspector_diary.Diary(), stream.events), stream.version


async def round_(store: EventStore, round_id: str) -> RoundPlanned:
    stream = await store.read(round_stream(round_id))
    planned = fold(evolve_round, Round(), stream.events).planned
    if planned is None:
        raise NotFound(f"unknown round {round_id}")
    return planned


async def schedule(
    store: EventStore, command: ScheduleInspection, context: CommandContext
) -> tuple[Inspection, int]:
    async def attempt() -> tuple[Inspection, int]:
        calendar = await store.read(area_calendar.area_stream(command.area.code))
        state = fold(area_calendar.evolve_calendar, area_calendar.Calendar(), calendar.events)
        changes = decide_schedule(state, command)
        at_fieldwork(command.area, changes.inspection)
        await store.append_streams(
            [
                Write(inspection_stream(command.inspection_id), 0, changes.inspection),
                Write(calendar.stream_id, calendar.version, changes.area),
            ],
            context,
        )
        return fold(evolve, Inspection(), changes.inspection), len(changes.inspection)

    return await until_written(attempt)


def at_fieldwork(scheduled_area: Area, events: Iterable[Event]) -> None:
    """Refuse fieldwork that falls, in whole or in part, when the area does not exist (the register)."""
    for event in events:
        if isinstance(event, (InspectionScheduled, InspectionRescheduled)):
            for day in (event.fieldwork_starts, event.fieldwork_ends):
                area(scheduled_area.code, on=day)


async def on_inspection(
    store: EventStore,
    inspection_id: str,
    decide: Callable[[Inspection], list[Event]],
    context: CommandContext,
    expected_version: int | None,
) -> tuple[Inspection, int]:
    """A command on the inspection's stream alone (notify, join)."""

    async def attempt() -> tuple[Inspection, int]:
        state, version = await inspection(store, inspection_id)
        _expect(inspection_id, expected_version, version)
        events = decide(state)
        await store.append(inspection_stream(inspection_id), version, events, context)
        return fold(evolve, state, events), version + len(events)

    return await until_written(attempt, expected_version)


def team(state: Inspection) -> list[str]:
    return [m.inspector_id for m in state.team]


async def across(
    store: EventStore,
    inspection_id: str,
    decide: Callable[[Inspection, area_calendar.Calendar, dict[str, inspector_diary.Diary]], Changes],
    context: CommandContext,
    expected_version: int | None,
    diaries_of: Callable[[Inspection], Iterable[str]] = lambda state: (),
) -> tuple[Inspection, int]:
    """A command on the inspection and the streams it reaches: the area's calendar and the diaries of
    the inspectors `diaries_of` names (the one joining or leaving, or the whole team)."""

    async def attempt() -> tuple[Inspection, int]:
        state, version = await inspection(store, inspection_id)
        _expect(inspection_id, expected_version, version)
        assert state.scheduled is not None
        calendar_stream = await store.read(area_calendar.area_stream(state.scheduled.area_code))
        calendar = fold(area_calendar.evolve_calendar, area_calendar.Calendar(), calendar_stream.events)
        diaries: dict[str, tuple[inspector_diary.Diary, int]] = {}
        for inspector_id in set(diaries_of(state)):
            diaries[inspector_id] = await diary(store, inspector_id)
        decided = decide(state, calendar, {k: d for k, (d, _) in diaries.items()})
        await store.append_streams(
            [
                Write(inspection_stream(inspection_id), version, decided.inspection),
                Write(calendar_stream.stream_id, calendar_stream.version, decided.area),
                *(
                    Write(inspector_diary.inspector_stream(k), diaries[k][1], events)
                    for k, events in sorted(decided.diaries.items())
                ),
            ],
            context,
        )
        return fold(evolve, state, decided.inspection), version + len(decided.inspection)

    return await until_written(attempt, expected_version)


def _expect(inspection_id: str, expected: int | None, actual: int) -> None:
    if expected is not None and expected != actual:
        raise ConcurrencyConflict(inspection_stream(inspection_id), expected, actual)


async def register_inspector(
    store: EventStore, registered: InspectorRegistered, context: CommandContext
) -> inspector_diary.Diary:
    events = inspector_diary.register_inspector(inspector_diary.Diary(), registered, context.inspectorate)
    await store.append(inspector_diary.inspector_stream(registered.inspector_id), 0, events, context)
    return fold(inspector_diary.evolve_diary, inspector_diary.Diary(), events)


async def declare_unavailable(
    store: EventStore, absence: InspectorUnavailable, context: CommandContext
) -> inspector_diary.Diary:
    async def attempt() -> inspector_diary.Diary:
        state, version = await diary(store, absence.inspector_id)
        if state.registered is None:
            raise NotFound(f"unknown inspector {absence.inspector_id}")
        events = inspector_diary.declare_unavailable(state, absence, context.inspectorate)
        await store.append(inspector_diary.inspector_stream(absence.inspector_id), version, events, context)
        return fold(inspector_diary.evolve_diary, state, events)

    return await until_written(attempt)


async def plan_round(store: EventStore, command: PlanRound, context: CommandContext) -> RoundPlanned:
    if context.inspectorate is not command.programme.participation.lead_inspectorate:
        raise Forbidden(
            f"rounds of {command.programme.id} are planned by the lead inspectorate, "
            f"{command.programme.participation.lead_inspectorate}",
            command.programme.participation.source,
        )
    today = today_in_england()  # a round offers the areas existing when it is planned
    for code in [*command.returning_after_inadequate, *(x.area_code for x in command.concerns)]:
        area(code, on=today)  # an abolished area is refused, naming its successors
    planned = plan(as_at(today), command)
    await store.append(round_stream(command.round_id), 0, [planned], context)
    return planned
