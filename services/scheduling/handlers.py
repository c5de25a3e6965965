"""Scheduling's commands (commands.py), each to its handler: load what the decision needs, decide, append.

A command on an inspection reads, through one `Streams` (shared/mechanics/decider.py), its stream and the
streams the decision reaches - the area's calendar, the diaries of the inspectors it books or releases - and
appends what the domain decided to all of them at once, each at the version it read. A write lost to a
concurrent one (another assignment of the same inspector, another booking of the same area) is decided
again on fresh state (`across`), so a rule that spans streams is never broken by a race."""

from __future__ import annotations

from collections.abc import Iterable

from shared.language.areas import Area, as_at
from shared.language.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorRegistered,
    InspectorUnavailable,
    Period,
    RoundPlanned,
)
from shared.language.workdays import today_in_england
from shared.mechanics.catalogue import Event
from shared.mechanics.commands import Commands, Handling, Pipeline
from shared.mechanics.decider import Decided, Streams, across, execute, fold
from shared.mechanics.envelope import utc_now
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound
from shared.mechanics.eventstore import CommandContext

from .commands import (
    AssignInspector,
    CancelInspection,
    DeclareUnavailable,
    JoinInspection,
    PlanRound,
    RecordNotification,
    RegisterInspector,
    ReleaseInspector,
    RescheduleInspection,
    ScheduleInspection,
)
from .domain import area_calendar, inspection, inspector_diary, notice, team
from .domain import round as rounds
from .domain.inspection import Changes, Inspection, inspection_stream
from .views import area, board_of, programme, programme_of, round_


def at_fieldwork(scheduled_area: Area, events: Iterable[Event]) -> None:
    """Refuse fieldwork that falls, in whole or in part, when the area does not exist (the register)."""
    for event in events:
        if isinstance(event, (InspectionScheduled, InspectionRescheduled)):
            for day in (event.fieldwork_starts, event.fieldwork_ends):
                area(scheduled_area.code, on=day)


async def _inspection(streams: Streams, inspection_id: str, expected_version: int | None) -> Inspection:
    """The inspection as its stream stands, at the version the caller read where it names one."""
    try:
        state = await streams.fold(inspection.decider, inspection_stream(inspection_id), expected_version)
    except ConcurrencyConflict as conflict:
        if conflict.actual != 0:
            raise
        state = inspection.decider.initial  # a version of an inspection never scheduled: unknown
    if state.scheduled is None:
        raise NotFound(f"unknown inspection {inspection_id}")
    return state


async def _diaries(streams: Streams, inspector_ids: Iterable[str]) -> dict[str, inspector_diary.Diary]:
    """The diaries of the inspectors a command books or releases, read to be written with it."""
    return {
        i: await streams.fold(inspector_diary.decider, inspector_diary.inspector_stream(i))
        for i in sorted(set(inspector_ids))
    }


async def _written(
    streams: Streams,
    state: Inspection,
    inspection_id: str,
    area_code: str,
    changes: Changes,
    context: CommandContext,
) -> Decided[Inspection]:
    """Append the events decided for each stream together; the inspection as they leave it."""
    envelopes = await streams.append(changes.by_stream(inspection_id, area_code), context)
    version = streams.read_at.get(inspection_stream(inspection_id), 0) + len(changes.inspection)
    return Decided(fold(inspection.evolve, state, changes.inspection), version, envelopes)


async def plan_round(command: PlanRound, handling: Handling) -> RoundPlanned:
    today = today_in_england()  # a round offers the areas existing when it is planned
    decision = rounds.PlanRound(
        round_id=command.round_id,
        programme=programme(command.programme),
        name=command.name,
        size=command.size,
        deep_dive_theme=command.deep_dive_theme,
        seed=command.seed,
        returning_after_inadequate=tuple(area(a, on=today).code for a in command.returning_after_inadequate),
        concerns=command.concerns,
    )
    lead = decision.programme.participation.lead_inspectorate
    if handling.context.inspectorate is not lead:
        raise Forbidden(
            f"rounds of {decision.programme.id} are planned by the lead inspectorate, {lead}",
            decision.programme.participation.source,
        )
    for code in [*decision.returning_after_inadequate, *(x.area_code for x in decision.concerns)]:
        area(code, on=today)  # an abolished area is refused, naming its successors
    planned = rounds.plan(as_at(today), decision)
    await handling.store.append(rounds.round_stream(command.round_id), 0, [planned], handling.context)
    return planned


async def schedule(command: ScheduleInspection, handling: Handling) -> Decided[Inspection]:
    decision = inspection.ScheduleInspection(
        inspection_id=command.inspection_id,
        programme=programme(command.programme),
        area=area(command.area, on=command.fieldwork_starts),
        deep_dive_theme=command.deep_dive_theme,
        fieldwork_starts=command.fieldwork_starts,
        scheduled_by=handling.context.inspectorate,
        today=today_in_england(),
        round=await round_(handling.store, command.round_id) if command.round_id else None,
    )
    code = decision.area.code

    async def attempt(streams: Streams) -> Decided[Inspection]:
        calendar = await streams.fold(area_calendar.decider, area_calendar.area_stream(code))
        changes = inspection.schedule(calendar, decision)
        at_fieldwork(decision.area, changes.inspection)
        return await _written(streams, Inspection(), command.inspection_id, code, changes, handling.context)

    return await across(handling.store, attempt)


async def join(command: JoinInspection, handling: Handling) -> Decided[Inspection]:
    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        decision = inspection.JoinInspection(
            programme=programme_of(state),
            inspectorate=command.inspectorate,
            condition=command.condition,
            reason=command.reason,
            by=handling.context.inspectorate,
        )
        changes = Changes(list(inspection.decider.decide(state, decision)))
        return await _written(
            streams, state, command.inspection_id, state.scheduled.area_code, changes, handling.context
        )

    return await across(handling.store, attempt, command.expected_version)


async def notify(command: RecordNotification, handling: Handling) -> Decided[Inspection]:
    now = utc_now()  # the platform's clock (shared/mechanics/clock.py): a rehearsal's moved time

    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        decision = notice.RecordNotification(
            programme=programme_of(state),
            recipient=command.recipient,
            agency=command.agency,
            notified_by=handling.context.inspectorate,
            notified_at=command.notified_at or now,
            now=now,
            board=await board_of(handling.db, state),
        )
        changes = Changes(notice.notify(state, decision))
        return await _written(
            streams, state, command.inspection_id, state.scheduled.area_code, changes, handling.context
        )

    return await across(handling.store, attempt, command.expected_version)


async def reschedule(command: RescheduleInspection, handling: Handling) -> Decided[Inspection]:
    """New fieldwork dates: the area is booked for them, and the team released from its diaries."""

    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        code = state.scheduled.area_code
        calendar = await streams.fold(area_calendar.decider, area_calendar.area_stream(code))
        await _diaries(streams, (m.inspector_id for m in state.team))
        decision = inspection.Reschedule(
            programme=programme_of(state),
            area=area(code, on=command.fieldwork_starts),
            fieldwork_starts=command.fieldwork_starts,
            reason=command.reason,
            by=handling.context.inspectorate,
            today=today_in_england(),
        )
        changes = inspection.reschedule(state, calendar, decision)
        at_fieldwork(decision.area, changes.inspection)  # the area exists through the new dates
        return await _written(streams, state, command.inspection_id, code, changes, handling.context)

    return await across(handling.store, attempt, command.expected_version)


async def cancel(command: CancelInspection, handling: Handling) -> Decided[Inspection]:
    """The inspection is cancelled: the area's calendar and the team's diaries are released."""

    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        code = state.scheduled.area_code
        await streams.fold(area_calendar.decider, area_calendar.area_stream(code))
        await _diaries(streams, (m.inspector_id for m in state.team))
        decision = inspection.Cancel(
            programme=programme_of(state),
            reason=command.reason,
            by=handling.context.inspectorate,
            today=today_in_england(),
        )
        changes = inspection.cancel(state, decision)
        return await _written(streams, state, command.inspection_id, code, changes, handling.context)

    return await across(handling.store, attempt, command.expected_version)


async def assign(command: AssignInspector, handling: Handling) -> Decided[Inspection]:
    """The inspector joins the team and is booked in their diary, together or not at all."""

    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        diaries = await _diaries(streams, [command.inspector_id])
        decision = team.Assign(
            programme=programme_of(state),
            inspector_id=command.inspector_id,
            weeks=command.weeks,
            by=handling.context.inspectorate,
        )
        changes = team.assign(state, diaries[command.inspector_id], decision)
        return await _written(
            streams, state, command.inspection_id, state.scheduled.area_code, changes, handling.context
        )

    return await across(handling.store, attempt, command.expected_version)


async def release(command: ReleaseInspector, handling: Handling) -> Decided[Inspection]:
    async def attempt(streams: Streams) -> Decided[Inspection]:
        state = await _inspection(streams, command.inspection_id, command.expected_version)
        assert state.scheduled is not None
        await _diaries(streams, [command.inspector_id])
        decision = team.Release(
            inspector_id=command.inspector_id,
            reason=command.reason,
            by=handling.context.inspectorate,
            programme=programme_of(state),
        )
        changes = team.release(state, decision)
        return await _written(
            streams, state, command.inspection_id, state.scheduled.area_code, changes, handling.context
        )

    return await across(handling.store, attempt, command.expected_version)


async def register_inspector(command: RegisterInspector, handling: Handling) -> inspector_diary.Diary:
    """A new diary: refused (ConcurrencyConflict) if the inspector is already registered."""
    by = handling.context.inspectorate
    registered = InspectorRegistered(inspector_id=command.inspector_id, inspectorate=by, name=command.name)
    decided = await execute(
        handling.store,
        inspector_diary.decider,
        inspector_diary.inspector_stream(command.inspector_id),
        inspector_diary.RegisterInspector(registered, by),
        handling.context,
        creating=True,
    )
    return decided.state


async def declare_unavailable(command: DeclareUnavailable, handling: Handling) -> inspector_diary.Diary:
    absence = InspectorUnavailable(
        inspector_id=command.inspector_id,
        period=Period(starts=command.starts, ends=command.ends),
        reason=command.reason,
    )
    stream = inspector_diary.inspector_stream(command.inspector_id)

    async def attempt(streams: Streams) -> inspector_diary.Diary:
        state = await streams.fold(inspector_diary.decider, stream)
        if state.registered is None:
            raise NotFound(f"unknown inspector {command.inspector_id}")
        decision = inspector_diary.DeclareUnavailable(absence, handling.context.inspectorate)
        events = inspector_diary.decider.decide(state, decision)
        await streams.append({stream: events}, handling.context)
        return fold(inspector_diary.decider.evolve, state, events)

    return await across(handling.store, attempt)


COMMANDS: Commands = {
    PlanRound: plan_round,
    ScheduleInspection: schedule,
    JoinInspection: join,
    RecordNotification: notify,
    RescheduleInspection: reschedule,
    CancelInspection: cancel,
    AssignInspector: assign,
    ReleaseInspector: release,
    RegisterInspector: register_inspector,
    DeclareUnavailable: declare_unavailable,
}
handle = Pipeline(COMMANDS).handle
