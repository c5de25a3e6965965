"""The inspectorates' shared evaluation of the Local Safeguarding Children Board (004 §26, §112-118; in a
JTAI, part of the leadership and management scope, in narrative: 001 Proposal one). Pure functions.

Every inspectorate taking part contributes findings, against the board's criteria where the programme
has them (004 §115 a-l), each attributed to the partner where the strength or weakness lies (004 §113:
"the contribution of partners"). The lead inspectorate proposes the shared judgement; it is final only
when every inspectorate taking part has signed off the current proposal, and a recorded disagreement
blocks it until resolved. A final graded judgement carries the programme's descriptor of its grade
(004 §115-118). Every refusal cites the programme's own rule: its `[lscb]` section or its `[rules]`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.lscb import (
    LscbDisputeResolved,
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import Programme
from shared.language.programmes.citations import CANCELLED_RULE
from shared.language.programmes.rules import Lscb
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.cited_evidence import CitedItem, check_inadequate, check_standing, contrary
from shared.views.inspections import Inspection


def lscb_criteria(programme: Programme) -> dict[str, str]:
    """The board's criteria (004 §115 a-l) by id, with their text; none in most programmes."""
    return {c.id: c.text for c in programme.criteria if c.agency is Agency.LSCB}


def criteria_rule(programme: Programme, lscb: Lscb) -> str:
    """Where the programme states the board's criteria ("004 §115 a-l"); its evaluation where it has none."""
    criteria = [c for c in programme.criteria if c.agency is Agency.LSCB]
    if not criteria:
        return lscb.source
    first, last = criteria[0].source, criteria[-1].source
    return first if first == last else f"{first}-{last.rsplit(' ', 1)[-1]}"


def evidence_rule(programme: Programme, lscb: Lscb) -> str:
    return programme.rules.lscb_evidence or lscb.source


def agreement_rule(programme: Programme, lscb: Lscb) -> str:
    return programme.rules.lscb_agreement or lscb.source


@dataclass(frozen=True)
class Contribute:
    inspection: Inspection
    contribution_id: str
    by: Inspectorate
    criterion: str | None
    bearing: Bearing
    attributed_to: Agency
    text: str
    cited: tuple[CitedItem, ...]
    unknown: tuple[str, ...]  # cited ids not recorded for the inspection, or withdrawn


@dataclass(frozen=True)
class Propose:
    inspection: Inspection
    by: Inspectorate
    grade: Grade | None
    text: str
    cited: tuple[CitedItem, ...]
    unknown: tuple[str, ...]


@dataclass(frozen=True)
class SignOff:
    inspection: Inspection
    by: Inspectorate


@dataclass(frozen=True)
class Dispute:
    inspection: Inspection
    by: Inspectorate
    reasons: str


@dataclass(frozen=True)
class Resolve:
    inspection: Inspection
    by: Inspectorate
    resolution: str


@dataclass(frozen=True)
class Finalise:
    inspection: Inspection
    by: Inspectorate


Command = Contribute | Propose | SignOff | Dispute | Resolve | Finalise


@dataclass(frozen=True)
class Evaluation:
    contributions: tuple[LscbFindingContributed, ...] = ()
    proposal: LscbJudgementProposed | None = None
    signed_off: tuple[Inspectorate, ...] = ()  # of the current proposal, in order
    disputes: Mapping[Inspectorate, LscbJudgementDisputed] = field(default_factory=dict)  # open ones
    final: LscbJudgementFinalised | LscbEvaluationRecorded | None = None

    def awaiting(self, inspection: Inspection) -> list[Inspectorate]:
        return [i for i in inspection.inspectorates if i not in self.signed_off]


def evolve(state: Evaluation, event: Event) -> Evaluation:
    match event:
        case LscbFindingContributed():
            return replace(state, contributions=(*state.contributions, event))
        case LscbJudgementProposed():
            return replace(state, proposal=event, signed_off=(), disputes={})
        case LscbJudgementSignedOff():
            return replace(state, signed_off=(*state.signed_off, event.inspectorate))
        case LscbJudgementDisputed():
            return replace(state, disputes={**state.disputes, event.inspectorate: event})
        case LscbDisputeResolved():
            return replace(
                state, disputes={k: v for k, v in state.disputes.items() if k is not event.inspectorate}
            )
        case LscbJudgementFinalised() | LscbEvaluationRecorded():
            return replace(state, final=event)
    return state


def decide(state: Evaluation, command: Command) -> list[Event]:
    inspection = command.inspection
    lscb = evaluated(inspection)
    if inspection.cancelled:
        raise RuleViolation("the inspection is cancelled: the board is not evaluated", CANCELLED_RULE)
    if command.by not in inspection.inspectorates:
        raise Forbidden(
            f"{command.by} does not take part in this inspection: only those taking part evaluate the board "
            "and sign off its judgement",
            lscb.source,
        )
    if state.final is not None:
        raise RuleViolation("the board's judgement is final: the evaluation is closed", lscb.source)
    match command:
        case Contribute():
            return [_contribute(command, lscb)]
        case Propose():
            return [_propose(state, command, lscb)]
    proposal = state.proposal
    if proposal is None:
        raise RuleViolation("no judgement of the board has been proposed yet", lscb.source)
    by, number = command.by, proposal.proposal
    where = {"inspection_id": inspection.inspection_id, "inspectorate": by, "proposal": number}
    agreed = agreement_rule(inspection.programme, lscb)
    match command:
        case SignOff():
            if by in state.disputes:
                raise RuleViolation(f"{by} disputes proposal {number}: resolve the dispute first", agreed)
            if by in state.signed_off:
                raise RuleViolation(f"{by} has already signed off proposal {number}", agreed)
            return [LscbJudgementSignedOff(**where)]
        case Dispute():
            if by in state.signed_off:
                raise RuleViolation(f"{by} has signed off proposal {number}", agreed)
            if by in state.disputes:
                raise RuleViolation(f"{by} already disputes proposal {number}", agreed)
            return [LscbJudgementDisputed(**where, reasons=command.reasons)]
        case Resolve():
            if by not in state.disputes:
                raise RuleViolation(f"{by} has no open dispute of proposal {number}", agreed)
            return [LscbDisputeResolved(**where, resolution=command.resolution)]
        case Finalise():
            return [_finalise(state, command, lscb, proposal)]
    raise AssertionError(command)


def evaluated(inspection: Inspection) -> Lscb:
    lscb = inspection.programme.lscb
    if lscb is None:
        raise RuleViolation(
            f"{inspection.programme.id} does not evaluate the LSCB", inspection.programme.judgements.source
        )
    return lscb


def _check_cited(
    c: Contribute | Propose, relevant: frozenset[Agency], criteria: Mapping[str, str], rule: str
) -> None:
    check_standing(c.unknown, c.inspection.inspection_id, rule)
    elsewhere = [
        i.evidence_item_id
        for i in c.cited
        if i.agency not in relevant and not set(i.criteria) & set(criteria)
    ]
    if elsewhere:
        raise RuleViolation(
            f"{', '.join(elsewhere)} are neither about the board ({', '.join(sorted(relevant))}) nor tagged "
            "with one of its criteria",
            rule,
        )


def _contribute(c: Contribute, lscb: Lscb) -> Event:
    programme = c.inspection.programme
    criteria = lscb_criteria(programme)
    if c.criterion is not None and c.criterion not in criteria:
        allowed = (
            f"one of {', '.join(criteria)}" if criteria else "none: this programme has no board criteria"
        )
        raise RuleViolation(
            f"criterion {c.criterion} is not one of the board's criteria ({allowed})",
            criteria_rule(programme, lscb),
        )
    partners = (*c.inspection.agencies, Agency.LSCB, Agency.PARTNERSHIP)
    if c.attributed_to not in partners:
        raise RuleViolation(
            f"a finding is attributed to the board, the partnership or a partner inspected "
            f"({', '.join(partners)}), not {c.attributed_to}",
            programme.rules.lscb_accountability or lscb.source,
        )
    rule = evidence_rule(programme, lscb)
    _check_cited(c, frozenset({Agency.LSCB, Agency.PARTNERSHIP, c.attributed_to}), criteria, rule)
    opposite = contrary(c.cited, c.bearing)
    if opposite:
        raise RuleViolation(
            f"a finding of {c.bearing.value.replace('_', ' ')} cannot stand on {', '.join(opposite)}, which "
            "show the opposite",
            rule,
        )
    return LscbFindingContributed(
        inspection_id=c.inspection.inspection_id,
        contribution_id=c.contribution_id,
        inspectorate=c.by,
        criterion=c.criterion,
        bearing=c.bearing,
        attributed_to=c.attributed_to,
        text=c.text,
        evidence_item_ids=[i.evidence_item_id for i in c.cited],
    )


def _propose(state: Evaluation, c: Propose, lscb: Lscb) -> Event:
    programme = c.inspection.programme
    lead = programme.participation.lead_inspectorate
    if c.by is not lead:
        raise Forbidden(
            f"the board's shared judgement is proposed by the lead inspectorate, {lead}",
            programme.rules.lead_inspectorate,
        )
    scale = programme.judgements.scale
    if lscb.evaluation == "narrative" and c.grade is not None:
        raise RuleViolation(
            f"{programme.id} reports the board's effectiveness in narrative: it gives no grade", lscb.source
        )
    if lscb.evaluation == "graded" and c.grade not in scale:
        given = f"{c.grade} is not on" if c.grade else "a grade is needed from"
        raise RuleViolation(f"{given} the scale for the board: {', '.join(scale)}", lscb.source)
    rule = evidence_rule(programme, lscb)
    _check_cited(c, frozenset({Agency.LSCB, Agency.PARTNERSHIP}), lscb_criteria(programme), rule)
    check_inadequate(c.grade, c.cited, rule)
    return LscbJudgementProposed(
        inspection_id=c.inspection.inspection_id,
        proposal=(state.proposal.proposal if state.proposal else 0) + 1,
        grade=c.grade,
        text=c.text,
        evidence_item_ids=[i.evidence_item_id for i in c.cited],
    )


def _finalise(state: Evaluation, c: Finalise, lscb: Lscb, proposal: LscbJudgementProposed) -> Event:
    programme = c.inspection.programme
    lead = programme.participation.lead_inspectorate
    if c.by is not lead:
        raise Forbidden(
            f"the board's shared judgement is finalised by the lead inspectorate, {lead}",
            programme.rules.lead_inspectorate,
        )
    agreed = agreement_rule(programme, lscb)
    if state.disputes:
        open_disputes = "; ".join(f"{i}: {d.reasons}" for i, d in state.disputes.items())
        raise RuleViolation(f"proposal {proposal.proposal} is disputed ({open_disputes})", agreed)
    awaiting = state.awaiting(c.inspection)
    if awaiting:
        raise RuleViolation(
            f"proposal {proposal.proposal} awaits the sign-off of {', '.join(awaiting)}: every inspectorate "
            "taking part agrees the shared judgement",
            agreed,
        )
    described = descriptor(programme, lscb, proposal.grade)
    return LscbJudgementFinalised(
        inspection_id=c.inspection.inspection_id,
        proposal=proposal.proposal,
        grade=proposal.grade,
        text=proposal.text,
        evidence_item_ids=proposal.evidence_item_ids,
        signed_off_by=list(state.signed_off),
        descriptor=described[0] if described else None,
        descriptor_source=described[1] if described else None,
    )


def descriptor(programme: Programme, lscb: Lscb, grade: Grade | None) -> tuple[str, str] | None:
    """The programme's descriptor of the board's grade, and its paragraph: 004 §116-118, or §115's
    criteria a-l for good. None for a narrative evaluation, or a grade the programme does not describe."""
    if grade is None:
        return None
    return programme.descriptor(Agency.LSCB, lscb.judgement_area, grade)


evaluation = Decider[Evaluation, Command](Evaluation(), evolve, decide)


def stream_id(inspection_id: str) -> str:
    return f"lscb-evaluation-{inspection_id}"
