"""An inspection's report through its lifecycle, as its programme states it (`report` in the programme's
file): drafted by the lead inspectorate once fieldwork is over and every judgement it reports is final →
quality-assured by the lead → agreed by every inspectorate taking part → sent to whoever coordinates the
one factual-accuracy response (the chair of the LSCB in a JTAI, 001 Proposal four; the local authority's
senior leader in a CLA inspection, 003) → the response, decided point by point → final → published by each
inspectorate → the post-inspection action plan requested, received and tracked where the programme has
one. A published report corrected later (a judgement revised) is drafted again as its next edition, agreed
by every inspectorate, made final and published again; the edition it corrects stays as it was.

Every refusal cites the paragraph of the inspection's own programme that states the rule. Every step
applies to the content it names by checksum: a step before sending to the content as drafted; finalising
to the content every inspectorate agreed and sent, or as corrected by an accepted point, or as every
inspectorate agreed it again. Pure functions."""

from __future__ import annotations

from shared.language.programmes.citations import CANCELLED_RULE
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.errors import RuleViolation

from .decisions import (
    Agree,
    Command,
    Context,
    DecidePoint,
    Draft,
    Finalise,
    Publish,
    QualityAssure,
    ReceiveActionPlan,
    ReceiveResponse,
    RecordProgress,
    RequestActionPlan,
    Send,
)
from .standing import Edition, Report, Sent, Status, evolve
from .steps import Steps

__all__ = [
    "Agree",
    "Command",
    "Context",
    "DecidePoint",
    "Draft",
    "Edition",
    "Finalise",
    "Publish",
    "QualityAssure",
    "ReceiveActionPlan",
    "ReceiveResponse",
    "RecordProgress",
    "Report",
    "RequestActionPlan",
    "Send",
    "Sent",
    "Status",
    "decide",
    "evolve",
    "report",
    "stream_id",
]


def decide(state: Report, command: Command) -> list[Event]:
    c = command.context
    inspection = c.inspection
    if inspection.cancelled:
        raise RuleViolation("the inspection is cancelled: it has no report", CANCELLED_RULE)
    steps = Steps(state, c)
    match command:
        case Draft():
            return steps.draft(command.correction, command.changed_from)
        case QualityAssure():
            return steps.quality_assure()
        case Agree():
            return steps.agree()
        case Send():
            return steps.send(command.board, command.addressee)
        case ReceiveResponse():
            return steps.receive_response(command.points)
        case DecidePoint():
            return steps.decide_point(command.point, command.decision, command.reason)
        case Finalise():
            return steps.finalise()
        case Publish():
            return steps.publish()
        case RequestActionPlan() | ReceiveActionPlan() | RecordProgress():
            return steps.action_plan(command)
    raise AssertionError(command)


def stream_id(inspection_id: str) -> str:
    return f"report-{inspection_id}"


report = Decider[Report, Command](Report(), evolve, decide)
