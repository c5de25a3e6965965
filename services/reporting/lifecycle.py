"""An inspection's report through its lifecycle (001 Proposal four): drafted by the lead inspectorate →
quality-assured by Ofsted → agreed by every inspectorate taking part → sent to the chair of the LSCB →
one coordinated factual-accuracy response, decided point by point → final → published by each
inspectorate → the post-inspection action plan requested, received and tracked (001). Pure functions.

Every step before the draft goes out applies to the content as drafted: if the events it is rendered
from changed since (a new finding, a withdrawn item), the step is refused until it is drafted again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from shared.boards import Board
from shared.catalogue import Event
from shared.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    Point,
    ReportAgreed,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentToLscb,
)
from shared.contracts.vocabulary import Agency
from shared.decider import Decider
from shared.envelope import Inspectorate
from shared.errors import Forbidden, RuleViolation
from shared.inspections import Inspection

RULE = "001 Proposal four"  # QA by Ofsted, agreed by all, one factual-accuracy response, published by each
ACTION_PLAN_RULE = "001 Post inspection action plan"
CANCELLED_RULE = "scheduling: a cancelled inspection makes no judgements"


class Status(StrEnum):
    """Where the report stands, in order."""

    LIVE = "live"  # not drafted: rendered from the log as it stands
    DRAFTED = "drafted"
    QUALITY_ASSURED = "quality_assured"
    AGREED = "agreed"  # by every inspectorate taking part
    SENT_TO_LSCB = "sent_to_lscb"
    RESPONSE_RECEIVED = "response_received"
    FINAL = "final"
    PUBLISHED = "published"  # by every inspectorate taking part


@dataclass(frozen=True)
class Report:
    draft: ReportDrafted | None = None
    quality_assured: bool = False
    agreed: tuple[Inspectorate, ...] = ()
    sent: ReportSentToLscb | None = None
    response: FactualAccuracyResponseReceived | None = None
    decisions: Mapping[int, FactualAccuracyPointDecided] = field(default_factory=dict)
    final: ReportFinalised | None = None
    published: tuple[ReportPublished, ...] = ()
    action_plan: ActionPlanRequested | None = None
    plan_received: ActionPlanReceived | None = None
    progress: tuple[ActionPlanProgressRecorded, ...] = ()

    def status(self, inspectorates: tuple[Inspectorate, ...]) -> Status:
        if self.final is not None:
            everyone = {p.inspectorate for p in self.published} >= set(inspectorates)
            return Status.PUBLISHED if everyone and self.published else Status.FINAL
        if self.response is not None:
            return Status.RESPONSE_RECEIVED
        if self.sent is not None:
            return Status.SENT_TO_LSCB
        if self.draft is None:
            return Status.LIVE
        if not self.quality_assured:
            return Status.DRAFTED
        return Status.AGREED if set(self.agreed) >= set(inspectorates) else Status.QUALITY_ASSURED

    def undecided(self) -> list[int]:
        points = self.response.points if self.response else []
        return [p.point for p in points if p.point not in self.decisions]


def evolve(state: Report, event: Event) -> Report:
    match event:
        case ReportDrafted():
            return replace(state, draft=event, quality_assured=False, agreed=())
        case ReportQualityAssured():
            return replace(state, quality_assured=True)
        case ReportAgreed():
            return replace(state, agreed=(*state.agreed, event.inspectorate))
        case ReportSentToLscb():
            return replace(state, sent=event)
        case FactualAccuracyResponseReceived():
            return replace(state, response=event)
        case FactualAccuracyPointDecided():
            return replace(state, decisions={**state.decisions, event.point: event})
        case ReportFinalised():
            return replace(state, final=event)
        case ReportPublished():
            return replace(state, published=(*state.published, event))
        case ActionPlanRequested():
            return replace(state, action_plan=event)
        case ActionPlanReceived():
            return replace(state, plan_received=event)
        case ActionPlanProgressRecorded():
            return replace(state, progress=(*state.progress, event))
    return state


@dataclass(frozen=True)
class Context:
    """What a step is decided on: the inspection, who acts, and the report's content now."""

    inspection: Inspection
    by: Inspectorate | None  # None for the LSCB chair, who acts for the partnership
    checksum: str  # of the Markdown rendered from the log now
    kind: str


@dataclass(frozen=True)
class Draft:
    context: Context


@dataclass(frozen=True)
class QualityAssure:
    context: Context


@dataclass(frozen=True)
class Agree:
    context: Context


@dataclass(frozen=True)
class SendToLscb:
    context: Context
    board: Board | None  # the area's register, as reporting learnt it
    today: date


@dataclass(frozen=True)
class ReceiveResponse:
    context: Context
    points: tuple[Point, ...]


@dataclass(frozen=True)
class DecidePoint:
    context: Context
    point: int
    decision: Decision
    reason: str


@dataclass(frozen=True)
class Finalise:
    context: Context


@dataclass(frozen=True)
class Publish:
    context: Context


@dataclass(frozen=True)
class RequestActionPlan:
    context: Context
    led_by: Agency
    due_on: date
    today: date


@dataclass(frozen=True)
class ReceiveActionPlan:
    context: Context
    received_on: date


@dataclass(frozen=True)
class RecordProgress:
    context: Context
    on: date
    note: str


Command = (
    Draft
    | QualityAssure
    | Agree
    | SendToLscb
    | ReceiveResponse
    | DecidePoint
    | Finalise
    | Publish
    | RequestActionPlan
    | ReceiveActionPlan
    | RecordProgress
)


def decide(state: Report, command: Command) -> list[Event]:
    c = command.context
    inspection = c.inspection
    iid = inspection.inspection_id
    lead = inspection.programme.participation.lead_inspectorate
    if inspection.cancelled:
        raise RuleViolation("the inspection is cancelled: it has no report", CANCELLED_RULE)
    if isinstance(command, ReceiveResponse) and c.by is not None:
        raise Forbidden("the chair of the LSCB submits the partnership's factual-accuracy response", RULE)
    if not isinstance(command, ReceiveResponse) and c.by not in inspection.inspectorates:
        raise Forbidden(f"{c.by} does not take part in this inspection", RULE)

    def by_lead(what: str) -> None:
        if c.by is not lead:
            raise Forbidden(f"{what} is for the lead inspectorate, {lead}", RULE)

    def as_drafted(draft: ReportDrafted) -> None:
        if c.checksum != draft.checksum:
            raise RuleViolation(
                f"the report has changed since draft {draft.draft} (its events moved on): draft it again",
                RULE,
            )

    match command:
        case Draft():
            by_lead("drafting the report")
            if state.sent is not None:
                raise RuleViolation(
                    "the draft is with the LSCB: corrections follow its factual-accuracy response", RULE
                )
            number = state.draft.draft + 1 if state.draft else 1
            return [ReportDrafted(inspection_id=iid, draft=number, kind=c.kind, checksum=c.checksum)]
        case QualityAssure():
            by_lead("quality assurance")
            draft = _drafted(state)
            if state.quality_assured:
                raise RuleViolation(f"draft {draft.draft} is already quality-assured", RULE)
            if state.sent is not None:
                raise RuleViolation("the draft has been sent to the LSCB", RULE)
            as_drafted(draft)
            return [ReportQualityAssured(inspection_id=iid, draft=draft.draft, checksum=c.checksum)]
        case Agree():
            draft = _drafted(state)
            if not state.quality_assured:
                raise RuleViolation(f"draft {draft.draft} is agreed once Ofsted has quality-assured it", RULE)
            if c.by in state.agreed:
                raise RuleViolation(f"{c.by} has already agreed draft {draft.draft}", RULE)
            as_drafted(draft)
            return [
                ReportAgreed(inspection_id=iid, draft=draft.draft, inspectorate=c.by, checksum=c.checksum)
            ]
        case SendToLscb():
            by_lead("sending the draft to the LSCB")
            draft = _drafted(state)
            if state.sent is not None:
                raise RuleViolation("the draft has already been sent to the LSCB", RULE)
            waiting = (
                [i for i in inspection.inspectorates if i not in state.agreed]
                if state.quality_assured
                else []
            )
            if not state.quality_assured or waiting:
                who = f"the agreement of {', '.join(waiting)}" if waiting else "Ofsted's quality assurance"
                raise RuleViolation(f"draft {draft.draft} awaits {who} before it goes to the LSCB", RULE)
            as_drafted(draft)
            contact = command.board.first_to_notify(command.today) if command.board else None
            if contact is None:
                raise RuleViolation(
                    f"the register of the {inspection.local_area} LSCB names no chair or business manager "
                    "available today: record who is (jip lscb appoint)",
                    RULE,
                )
            return [
                ReportSentToLscb(
                    inspection_id=iid,
                    draft=draft.draft,
                    addressee=contact.name,
                    office=contact.office.value,
                    checksum=c.checksum,
                )
            ]
        case ReceiveResponse():
            if state.sent is None:
                raise RuleViolation("no draft has been sent to the LSCB for its response", RULE)
            if state.response is not None:
                raise RuleViolation(
                    "the partnership's factual-accuracy response is already recorded: there is one, "
                    "coordinated by the chair of the LSCB",
                    RULE,
                )
            numbers = [p.point for p in command.points]
            if len(set(numbers)) != len(numbers):
                raise RuleViolation("each point of the response has its own number", RULE)
            return [
                FactualAccuracyResponseReceived(
                    inspection_id=iid, responder=state.sent.addressee, points=list(command.points)
                )
            ]
        case DecidePoint():
            by_lead("deciding the factual-accuracy points")
            if state.response is None:
                raise RuleViolation("no factual-accuracy response has been received", RULE)
            if command.point not in {p.point for p in state.response.points}:
                raise RuleViolation(f"the response has no point {command.point}", RULE)
            if command.point in state.decisions or state.final is not None:
                raise RuleViolation(f"point {command.point} is already decided", RULE)
            return [
                FactualAccuracyPointDecided(
                    inspection_id=iid, point=command.point, decision=command.decision, reason=command.reason
                )
            ]
        case Finalise():
            by_lead("making the report final")
            if state.final is not None:
                raise RuleViolation("the report is already final", RULE)
            if state.response is None:
                raise RuleViolation("the report is final after the LSCB's factual-accuracy response", RULE)
            undecided = state.undecided()
            if undecided:
                raise RuleViolation(f"decide point(s) {', '.join(map(str, undecided))} first", RULE)
            return [ReportFinalised(inspection_id=iid, checksum=c.checksum)]
        case Publish():
            if state.final is None:
                raise RuleViolation("only the final report is published", RULE)
            if any(p.inspectorate is c.by for p in state.published):
                raise RuleViolation(f"{c.by} has already published the report", RULE)
            return [ReportPublished(inspection_id=iid, inspectorate=c.by, checksum=state.final.checksum)]
        case RequestActionPlan():
            by_lead("deciding who leads the action plan")
            if not inspection.programme.report.action_plan:
                raise RuleViolation(f"{inspection.programme.id} tracks no action plan", ACTION_PLAN_RULE)
            if state.final is None:
                raise RuleViolation("the action plan responds to the final report", ACTION_PLAN_RULE)
            if state.action_plan is not None:
                raise RuleViolation("the action plan has already been requested", ACTION_PLAN_RULE)
            if command.led_by not in inspection.agencies:
                raise RuleViolation(f"{command.led_by} is not an agency inspected here", ACTION_PLAN_RULE)
            if command.due_on <= command.today:
                raise RuleViolation("the action plan is due after today", ACTION_PLAN_RULE)
            return [ActionPlanRequested(inspection_id=iid, led_by=command.led_by, due_on=command.due_on)]
        case ReceiveActionPlan():
            by_lead("recording the action plan")
            if state.action_plan is None:
                raise RuleViolation("no action plan has been requested", ACTION_PLAN_RULE)
            if state.plan_received is not None:
                raise RuleViolation("the action plan has already been received", ACTION_PLAN_RULE)
            return [ActionPlanReceived(inspection_id=iid, received_on=command.received_on)]
        case RecordProgress():
            by_lead("tracking the action plan")
            if state.plan_received is None:
                raise RuleViolation("progress is tracked once the action plan is received", ACTION_PLAN_RULE)
            return [ActionPlanProgressRecorded(inspection_id=iid, on=command.on, note=command.note)]
    raise AssertionError(command)


def _drafted(state: Report) -> ReportDrafted:
    if state.draft is None:
        raise RuleViolation("the report has not been drafted", RULE)
    return state.draft


def stream_id(inspection_id: str) -> str:
    return f"report-{inspection_id}"


report = Decider[Report, Command](Report(), evolve, decide)
