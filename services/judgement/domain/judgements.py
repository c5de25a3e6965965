"""Graded and narrative judgements of one inspection, and their moderation. Pure functions: no I/O.

Each programme's structure comes from its catalogue file: who is graded on which judgement area, on
which scale, who is reported in narrative (the `areas` module beside this one), and the limiting rules
that derive one judgement from others (004 §67, §70, §79, §81; the `limiting` module). A judgement
stands on cited evidence and moves proposed → moderated (by the lead inspector) → quality-assured →
final; a final judgement changes only by a revision with a reason. Every refusal cites the programme's
own rule: its `[rules]` table, or the section that holds the rule (shared/language/programmes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from shared.language.contracts.judgement import (
    AppliedRule,
    JudgementContent,
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementModerated,
    JudgementProposed,
    JudgementQualityAssured,
    JudgementReturned,
    JudgementRevised,
    JudgementStatus,
    JudgementStep,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import Programme
from shared.language.programmes.citations import CANCELLED_RULE
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import Decider
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden, RuleViolation
from shared.views.cited_evidence import CitedItem, check_inadequate, check_standing
from shared.views.inspections import Inspection

from .areas import Kind, area_of, judgement_evidence, kind_of, own_agencies, owner
from .limiting import departure, derive, derived_grade, review_flags, sources

Key = tuple[Agency, str]  # the subject and the judgement area


@dataclass(frozen=True)
class Judgement:
    content: JudgementContent
    status: JudgementStatus
    revisions: int = 0  # how many times it was revised after being final
    flags: tuple[JudgementFlaggedForReview, ...] = ()  # withdrawn evidence it still cites

    @property
    def grade(self) -> Grade | None:
        return self.content.grade


@dataclass(frozen=True)
class Judgements:
    by_key: Mapping[Key, Judgement] = field(default_factory=dict)

    def grades_of(self, agency: Agency) -> dict[str, Grade]:
        return {area: j.grade for (subject, area), j in self.by_key.items() if subject is agency and j.grade}


@dataclass(frozen=True)
class Propose:
    """Propose a judgement, or revise a final one (`reason` given)."""

    inspection: Inspection
    agency: Agency
    judgement_area: str
    grade: Grade | None
    text: str
    cited: tuple[CitedItem, ...]  # the cited items as the service holds them, standing
    unknown: tuple[str, ...]  # cited ids not recorded for the inspection, or withdrawn
    by: Inspectorate
    rationale: str | None = None
    leaders_understand_failure: bool = False
    reason: str | None = None  # a revision of a final judgement; None for a proposal


class Step(StrEnum):
    MODERATE = "moderate"
    QUALITY_ASSURE = "quality_assure"
    FINALISE = "finalise"
    RETURN = "return"


@dataclass(frozen=True)
class Advance:
    inspection: Inspection
    agency: Agency
    judgement_area: str
    step: Step
    by: Inspectorate
    reason: str | None = None  # why it is returned


@dataclass(frozen=True)
class FlagWithdrawn:
    """The platform's reaction to a withdrawn evidence item."""

    inspection_id: str
    evidence_item_id: str
    reason: str


Command = Propose | Advance | FlagWithdrawn

# Each step: the status it starts from, the status it leads to.
_STEPS = {
    Step.MODERATE: (JudgementStatus.PROPOSED, JudgementStatus.MODERATED),
    Step.QUALITY_ASSURE: (JudgementStatus.MODERATED, JudgementStatus.QUALITY_ASSURED),
    Step.FINALISE: (JudgementStatus.QUALITY_ASSURED, JudgementStatus.FINAL),
}


def evolve(state: Judgements, event: Event) -> Judgements:
    if isinstance(event, JudgementProposed | JudgementRevised):
        key = (event.agency, event.judgement_area)
        previous = state.by_key.get(key)
        revisions = (previous.revisions if previous else 0) + isinstance(event, JudgementRevised)
        judgement = Judgement(event, JudgementStatus.PROPOSED, revisions)
        return Judgements({**state.by_key, key: judgement})
    if isinstance(
        event, JudgementModerated | JudgementQualityAssured | JudgementFinalised | JudgementReturned
    ):
        key = (event.agency, event.judgement_area)
        status = {
            JudgementModerated: JudgementStatus.MODERATED,
            JudgementQualityAssured: JudgementStatus.QUALITY_ASSURED,
            JudgementFinalised: JudgementStatus.FINAL,
            JudgementReturned: JudgementStatus.RETURNED,
        }[type(event)]
        return Judgements({**state.by_key, key: replace(state.by_key[key], status=status)})
    if isinstance(event, JudgementFlaggedForReview):
        key = (event.agency, event.judgement_area)
        judgement = state.by_key[key]
        return Judgements({**state.by_key, key: replace(judgement, flags=(*judgement.flags, event))})
    return state


def decide(state: Judgements, command: Command) -> list[Event]:
    if isinstance(command, Propose | Advance) and command.inspection.cancelled:
        raise RuleViolation("the inspection is cancelled: no judgement is made for it", CANCELLED_RULE)
    if isinstance(command, Propose):
        proposed = _propose(state, command)
        after = evolve(state, proposed)
        flags = review_flags(
            command.inspection.programme, command.inspection.inspection_id, after.by_key, proposed
        )
        return [proposed, *flags]
    if isinstance(command, Advance):
        return [_advance(state, command)]
    return _flag(state, command)


def _propose(state: Judgements, c: Propose) -> JudgementProposed | JudgementRevised:
    programme = c.inspection.programme
    kind = kind_of(programme, c.agency, c.judgement_area)
    area = programme.area(c.judgement_area)
    assert area is not None
    scale = programme.judgements.scale
    if kind is Kind.NARRATIVE and c.grade is not None:
        raise RuleViolation(
            f"{c.agency} is reported in narrative against its criteria in this programme, with no grade",
            programme.judgements.source,
        )
    if kind is Kind.GRADED and c.grade not in scale:
        given = f"{c.grade} is not on" if c.grade else "a grade is needed from"
        raise RuleViolation(
            f"{given} this programme's scale for {c.agency}: {', '.join(scale)}",
            programme.rules.grades or programme.judgements.source,
        )
    if c.agency not in (*c.inspection.agencies, Agency.PARTNERSHIP):
        raise RuleViolation(f"{c.agency} is not inspected in this inspection", own_agencies(programme))
    judged_by = owner(programme, c.agency)
    if c.by not in c.inspection.inspectorates:
        raise Forbidden(
            f"{c.by} does not take part in this inspection: a judgement on {c.agency} is proposed by "
            f"{judged_by or 'an inspectorate taking part'}",
            programme.participation.source,
        )
    if judged_by is not None and c.by is not judged_by:
        raise Forbidden(
            f"a judgement on {c.agency} is proposed by {judged_by}, not {c.by}", own_agencies(programme)
        )

    _check_evidence(c)
    key = (c.agency, c.judgement_area)
    current = state.by_key.get(key)
    final = current is not None and current.status is JudgementStatus.FINAL
    if final and c.reason is None:
        raise RuleViolation(
            f"the judgement on {c.agency} for {c.judgement_area} is final: it changes only by a revision "
            "with a reason",
            programme.rules.quality_assurance,
        )
    if c.reason is not None and not final:
        raise RuleViolation(
            f"only a final judgement is revised; the judgement on {c.agency} for {c.judgement_area} is "
            f"{current.status if current else 'not proposed yet'}: propose it instead",
            programme.rules.quality_assurance,
        )

    rules: list[AppliedRule] = []
    if kind is Kind.GRADED:
        grades = state.grades_of(c.agency)
        missing = [
            a for a in area.derived_from if c.agency in area_of(programme, a).graded_for and a not in grades
        ]
        if missing:
            raise RuleViolation(
                f"{area.title} is cumulative: propose {c.agency}'s judgements on {', '.join(missing)} first",
                area.source,
            )
        rules = derive(programme, c.agency, c.judgement_area, grades, c.leaders_understand_failure)
    derived = derived_grade(programme, rules)
    if derived is not None and c.grade is not derived and not c.rationale:
        raise RuleViolation(departure(c.agency, c.judgement_area, derived, rules), sources(rules))

    proposed = JudgementProposed(
        inspection_id=c.inspection.inspection_id,
        agency=c.agency,
        judgement_area=c.judgement_area,
        grade=c.grade,
        text=c.text,
        evidence_item_ids=[i.evidence_item_id for i in c.cited],
        derived_grade=derived,
        limiting_rules=rules,
        rationale=c.rationale,
        leaders_understand_failure=c.leaders_understand_failure,
    )
    if c.reason is not None:
        return JudgementRevised(**proposed.model_dump(), reason=c.reason)
    return proposed


def _check_evidence(c: Propose) -> None:
    programme = c.inspection.programme
    rule = judgement_evidence(programme)
    check_standing(c.unknown, c.inspection.inspection_id, rule, "a judgement stands on recorded evidence")
    if not c.cited:
        raise RuleViolation("a judgement cites the evidence it stands on", rule)
    attribution = programme.judgements.attribution
    if attribution is not None and c.agency is not Agency.PARTNERSHIP:
        about = (c.agency, Agency.PARTNERSHIP, Agency.LSCB)
        elsewhere = [f"{i.evidence_item_id} ({i.agency})" for i in c.cited if i.agency not in about]
        if elsewhere:
            raise RuleViolation(
                f"a judgement on {c.agency} stands on evidence about {c.agency} or the partnership, so that "
                f"strengths and weaknesses are attributed to the right part of the system; "
                f"{', '.join(elsewhere)} are about other agencies",
                attribution.source,
            )
    check_inadequate(c.grade, c.cited, rule)


def _advance(state: Judgements, c: Advance) -> Event:
    programme = c.inspection.programme
    key = (c.agency, c.judgement_area)
    judgement = state.by_key.get(key)
    name = f"the judgement on {c.agency} for {c.judgement_area}"
    quality, lead_rule = programme.rules.quality_assurance, programme.rules.lead_inspectorate
    if judgement is None:
        raise RuleViolation(f"{name} has not been proposed", quality)
    lead = programme.participation.lead_inspectorate
    step = JudgementStep(
        inspection_id=c.inspection.inspection_id, agency=c.agency, judgement_area=c.judgement_area
    ).model_dump()
    if c.step is Step.RETURN:
        if c.by is not lead:
            raise Forbidden(f"{name} is returned by the lead inspectorate, {lead}", lead_rule)
        if judgement.status not in (JudgementStatus.PROPOSED, JudgementStatus.MODERATED):
            raise RuleViolation(
                f"{name} is {judgement.status}: only a judgement in moderation or quality assurance is "
                "returned",
                quality,
            )
        assert c.reason is not None
        return JudgementReturned(**step, returned_from=judgement.status, reason=c.reason)

    start, _ = _STEPS[c.step]
    if judgement.status is not start:
        raise RuleViolation(
            f"{name} is {judgement.status}; to {c.step.value.replace('_', ' ')} it, it must be {start}"
            + (": propose it again" if judgement.status is JudgementStatus.RETURNED else ""),
            quality,
        )
    if judgement.flags:
        _flagged(programme, name, judgement.flags)
    if c.step is Step.FINALISE:
        judged_by = owner(programme, c.agency) or lead
        if c.by is not judged_by:
            raise Forbidden(
                f"{name} is signed off as final by {judged_by}, not {c.by}", own_agencies(programme)
            )
    elif c.by is not lead:
        rule = lead_rule if c.step is Step.MODERATE else quality
        raise Forbidden(f"{name} is {c.step.value.replace('_', ' ')}d by the lead inspectorate, {lead}", rule)

    if judgement.grade is not None:
        grades = state.grades_of(c.agency)
        rules = derive(
            programme, c.agency, c.judgement_area, grades, judgement.content.leaders_understand_failure
        )
        derived = derived_grade(programme, rules)
        if derived is not None and judgement.grade is not derived and not judgement.content.rationale:
            raise RuleViolation(
                departure(c.agency, c.judgement_area, derived, rules) + " since it was proposed",
                sources(rules),
            )
    if c.step is Step.FINALISE:
        area = area_of(programme, c.judgement_area)
        pending = [
            a
            for a in area.derived_from
            if (j := state.by_key.get((c.agency, a))) is not None and j.status is not JudgementStatus.FINAL
        ]
        if pending:
            raise RuleViolation(
                f"{area.title} is cumulative: finalise {c.agency}'s judgements on {', '.join(pending)} first",
                area.source,
            )
    return {
        Step.MODERATE: JudgementModerated,
        Step.QUALITY_ASSURE: JudgementQualityAssured,
        Step.FINALISE: JudgementFinalised,
    }[c.step](**step)


def _flag(state: Judgements, c: FlagWithdrawn) -> list[Event]:
    """Every judgement citing the item, once each: a redelivered withdrawal flags nothing twice."""
    return [
        JudgementFlaggedForReview(
            inspection_id=c.inspection_id,
            agency=agency,
            judgement_area=area,
            evidence_item_id=c.evidence_item_id,
            reason=c.reason,
        )
        for (agency, area), judgement in state.by_key.items()
        if c.evidence_item_id in judgement.content.evidence_item_ids
        and all(f.evidence_item_id != c.evidence_item_id for f in judgement.flags)
    ]


def _flagged(programme: Programme, name: str, flags: tuple[JudgementFlaggedForReview, ...]) -> None:
    """A flagged judgement moves on only once proposed again: on evidence that stands, where cited
    evidence was withdrawn; with a new grade or a rationale, where a limiting rule now derives another."""
    withdrawn = [f.evidence_item_id for f in flags if f.evidence_item_id is not None]
    limiting = [r for f in flags for r in f.limiting_rules]
    if withdrawn:
        raise RuleViolation(
            f"{name} is flagged for review: it cites withdrawn evidence ({', '.join(withdrawn)}); propose it "
            "again on evidence that stands",
            judgement_evidence(programme),
        )
    raise RuleViolation(
        f"{name} is flagged for review: {flags[-1].reason}",
        sources(limiting) or judgement_evidence(programme),
    )


judgements = Decider[Judgements, Command](Judgements(), evolve, decide)


def stream_id(inspection_id: str) -> str:
    return f"judgements-{inspection_id}"
