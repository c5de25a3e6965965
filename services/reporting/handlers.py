"""Reporting's commands (commands.py), each to its handler: load what the step is decided on, decide on
the report's lifecycle stream (`report-{id}`), append, and answer where the report then stands.

Every step is decided on the report as rendered from the log now (its checksum: the steps apply to the
content alone), the day (the platform's clock), the fieldwork, and what the report lacks, as it stands and
as it was made final (`Loaded`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shared.language.contracts.reporting import ReportCorrectionOpened
from shared.language.workdays import today_in_england
from shared.mechanics.catalogue import Event
from shared.mechanics.commands import Commands, Handling, Pipeline
from shared.mechanics.decider import execute
from shared.views import boards
from shared.views.inspections import Inspection
from shared.views.taking_part import check, of_inspection

from .commands import (
    AgreeReport,
    DecideFactualAccuracyPoint,
    DraftReport,
    FinaliseReport,
    PublishReport,
    QualityAssureReport,
    ReceiveActionPlan,
    RecordActionPlanProgress,
    RecordFactualAccuracyResponse,
    RequestActionPlan,
    SendReport,
)
from .domain import lifecycle, readiness
from .reading import checksum, content_of, events_of, known, lifecycle_of
from .rendering import documents
from .rendering.documents import Format
from .views import LifecycleView, lifecycle_view


@dataclass(frozen=True)
class Loaded:
    """What a step of one report's lifecycle is decided on, as reporting holds it now."""

    inspection: Inspection
    events: list[Event]  # the inspection's, its area's LSCB register and its team's registrations
    state: lifecycle.Report
    context: lifecycle.Context


async def _load(handling: Handling, inspection_id: str) -> Loaded:
    events = await events_of(handling.db, inspection_id)
    inspection = known(inspection_id, events)
    programme = inspection.programme
    current = await lifecycle_of(handling.store, inspection_id)
    final_at = current.final_at()
    at_final = await events_of(handling.db, inspection_id, final_at) if final_at is not None else None
    ends, feedback = readiness.fieldwork(events)
    ready = readiness.Readiness(
        today=today_in_england(),
        fieldwork_ends=ends,
        feedback_on=feedback,
        missing=tuple(readiness.missing(programme, events)),
        missing_at_final=tuple(readiness.missing(programme, at_final)) if at_final is not None else (),
    )
    content = content_of(events, current.state)
    context = lifecycle.Context(
        inspection,
        handling.context.actor.inspectorate,
        checksum(documents.render_report(content, Format.MARKDOWN)),
        programme.report.kind,
        ready,
    )
    return Loaded(inspection, events, current.state, context)


async def _decide(
    handling: Handling, loaded: Loaded, decision: lifecycle.Command, expected_version: int | None
) -> LifecycleView:
    """Decide the step, append what it decided, and answer where the report then stands."""
    inspection_id = loaded.inspection.inspection_id
    await execute(
        handling.store,
        lifecycle.report,
        lifecycle.stream_id(inspection_id),
        decision,
        handling.context,
        expected_version=expected_version,
    )
    after = await lifecycle_of(handling.store, inspection_id)
    now = decision.context.checksum
    return lifecycle_view(loaded.inspection, after.state, after.stream.envelopes, after.stream.version, now)


async def draft(command: DraftReport, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    state, ctx = loaded.state, loaded.context
    decision = lifecycle.Draft(ctx, command.correction)
    if command.correction and state.final is not None:
        # A correction's draft is the report with what opened it: its document says what changed.
        opened = ReportCorrectionOpened(
            inspection_id=command.inspection_id,
            edition=state.edition + 1,
            corrects=state.final.checksum,
            reason=command.correction,
            on=ctx.ready.today,
        )
        markdown = documents.render_report([*content_of(loaded.events, state), opened], Format.MARKDOWN)
        decision = replace(
            decision, context=replace(ctx, checksum=checksum(markdown)), changed_from=ctx.checksum
        )
    return await _decide(handling, loaded, decision, command.expected_version)


async def quality_assure(command: QualityAssureReport, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    return await _decide(handling, loaded, lifecycle.QualityAssure(loaded.context), command.expected_version)


async def agree(command: AgreeReport, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    return await _decide(handling, loaded, lifecycle.Agree(loaded.context), command.expected_version)


async def send(command: SendReport, handling: Handling) -> LifecycleView:
    """To the officer the area's LSCB register (as reporting learnt it) names, or to the senior leader."""
    loaded = await _load(handling, command.inspection_id)
    decision = lifecycle.Send(loaded.context, boards.fold(loaded.events), command.addressee)
    return await _decide(handling, loaded, decision, command.expected_version)


async def record_response(command: RecordFactualAccuracyResponse, handling: Handling) -> LifecycleView:
    """An LSCB chair responds only for the reports of their own area."""
    loaded = await _load(handling, command.inspection_id)
    check(handling.principal, of_inspection(loaded.inspection))
    decision = lifecycle.ReceiveResponse(loaded.context, command.points)
    return await _decide(handling, loaded, decision, command.expected_version)


async def decide_point(command: DecideFactualAccuracyPoint, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    decision = lifecycle.DecidePoint(loaded.context, command.point, command.decision, command.reason)
    return await _decide(handling, loaded, decision, command.expected_version)


async def finalise(command: FinaliseReport, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    return await _decide(handling, loaded, lifecycle.Finalise(loaded.context), command.expected_version)


async def publish(command: PublishReport, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    return await _decide(handling, loaded, lifecycle.Publish(loaded.context), command.expected_version)


async def request_plan(command: RequestActionPlan, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    decision = lifecycle.RequestActionPlan(loaded.context, command.led_by, command.due_on)
    return await _decide(handling, loaded, decision, command.expected_version)


async def receive_plan(command: ReceiveActionPlan, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    decision = lifecycle.ReceiveActionPlan(loaded.context, command.received_on)
    return await _decide(handling, loaded, decision, command.expected_version)


async def record_progress(command: RecordActionPlanProgress, handling: Handling) -> LifecycleView:
    loaded = await _load(handling, command.inspection_id)
    decision = lifecycle.RecordProgress(loaded.context, command.on, command.note)
    return await _decide(handling, loaded, decision, command.expected_version)


COMMANDS: Commands = {
    DraftReport: draft,
    QualityAssureReport: quality_assure,
    AgreeReport: agree,
    SendReport: send,
    RecordFactualAccuracyResponse: record_response,
    DecideFactualAccuracyPoint: decide_point,
    FinaliseReport: finalise,
    PublishReport: publish,
    RequestActionPlan: request_plan,
    ReceiveActionPlan: receive_plan,
    RecordActionPlanProgress: record_progress,
}
handle = Pipeline(COMMANDS).handle
