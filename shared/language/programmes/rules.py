"""The rules a programme file is made of, each citing the seed paragraph it encodes (`source`): who takes
part, notice and its order, fieldwork and its phases, time on site, meetings, agencies, judgement areas and
their limiting rules, the LSCB's evaluation, criteria and descriptors, the report and who receives its
draft, and how a round selects areas. `Programme` (shared/language/programmes/__init__.py) holds them
together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.language.areas import Area, FacilityKind
from shared.language.contracts.scheduling import Recipient
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.envelope import Inspectorate

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Source = Annotated[str, Field(pattern=r"^\d{3} \S", description="the seed and paragraph, e.g. '002 §35'")]
Title = Annotated[str, Field(min_length=3)]

# Subjects of a judgement that are not agencies an inspectorate inspects on its own.
SHARED_SUBJECTS = frozenset({Agency.PARTNERSHIP, Agency.LSCB})


def _unique(field: str, values: Iterable[object]) -> None:
    seen = [str(v) for v in values]
    repeated = sorted({v for v in seen if seen.count(v) > 1})
    if repeated:
        raise ValueError(f"{field}: {', '.join(repeated)} listed more than once")


def _within(field: str, values: Iterable[object], allowed: Iterable[object], what: str) -> None:
    known = [str(a) for a in allowed]
    unknown = [str(v) for v in values if str(v) not in known]
    if unknown:
        raise ValueError(f"{field}: {', '.join(unknown)} not among those that {what} ({', '.join(known)})")


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Condition(StrEnum):
    CUSTODY_IN_AREA = "custody_in_area"  # the area holds a facility of the listed kinds (002 §32)
    REQUESTED = "requested"  # asked to advise on children placed in custody elsewhere (004 §101)
    TRIGGERED = "triggered"  # the fieldwork raised concerns within this inspectorate's remit (002 §33)


class ConditionalInspectorate(_Rule):
    """An inspectorate that joins only under a condition, e.g. HMI Prisons where there is custody."""

    inspectorate: Inspectorate
    when: Annotated[list[Condition], Field(min_length=1)]
    facilities: list[FacilityKind] = []  # for custody_in_area
    source: Source

    @model_validator(mode="after")
    def _facilities_named(self) -> ConditionalInspectorate:
        if (Condition.CUSTODY_IN_AREA in self.when) != bool(self.facilities):
            raise ValueError("facilities: name the kinds of custody exactly when joining on custody_in_area")
        return self


class Participation(_Rule):
    lead_inspectorate: Inspectorate
    inspectorates: Annotated[list[Inspectorate], Field(min_length=1)]  # always take part
    conditional: list[ConditionalInspectorate] = []
    source: Source

    def possible(self) -> list[Inspectorate]:
        return [*self.inspectorates, *(c.inspectorate for c in self.conditional)]

    def joining(self, inspectorate: Inspectorate) -> ConditionalInspectorate | None:
        return next((c for c in self.conditional if c.inspectorate is inspectorate), None)

    def at_scheduling(self, area: Area) -> list[Inspectorate]:
        """Who takes part from the start: those always taking part, and those the area's custody brings in."""
        return [
            *self.inspectorates,
            *(
                c.inspectorate
                for c in self.conditional
                if Condition.CUSTODY_IN_AREA in c.when and area.has_custody(c.facilities)
            ),
        ]


LSCB_OFFICES = (Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER)


class NotificationOrder(_Rule):
    """The order in which the area is told of an inspection, where the programme's source sets one, by name.

    `lscb_chair_first` (001 Proposal two): "we propose to contact the chair of the LSCB first (in their
    absence we would contact the LSCB business manager). Each inspectorate will contact each agency's
    senior leader immediately after we notify the chair of the LSCB." The lead inspectorate tells the
    chair, or the business manager only in the chair's absence; then each inspectorate tells the senior
    leader of the agency it inspects."""

    rule: Literal["lscb_chair_first"]
    source: Source

    @property
    def first(self) -> tuple[Recipient, ...]:
        """Who is told first, in order of preference on the day."""
        return LSCB_OFFICES


class Notice(_Rule):
    announced: bool
    working_days: Annotated[int, Field(ge=0, le=60)]  # 0 for an unannounced programme
    order: NotificationOrder | None = None  # none where the source sets no order of notification
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Notice:
        if self.announced != (self.working_days > 0):
            raise ValueError("working_days: an announced programme gives notice; an unannounced one gives 0")
        return self

    @property
    def first_notified(self) -> tuple[Recipient, ...]:
        """Who is told first, in order of preference; () where the source sets no order."""
        return self.order.first if self.order is not None else ()


class Phase(_Rule):
    """Who is on site in one week of fieldwork."""

    week: Annotated[int, Field(ge=1)]
    inspectorates: Annotated[list[Inspectorate], Field(min_length=1)]
    source: Source


class Fieldwork(_Rule):
    weeks: Annotated[int, Field(ge=1, le=8)]  # Monday of the first week to Friday of the last
    starts_on: Literal["monday"]
    phases: Annotated[list[Phase], Field(min_length=1)]
    source: Source

    @model_validator(mode="after")
    def _every_week_once(self) -> Fieldwork:
        weeks = [p.week for p in self.phases]
        if sorted(weeks) != list(range(1, self.weeks + 1)):
            raise ValueError(f"phases: give each week 1..{self.weeks} exactly once, not {weeks}")
        return self

    def phase(self, week: int) -> Phase | None:
        return next((p for p in self.phases if p.week == week), None)

    def weeks_of(self, inspectorate: Inspectorate) -> list[int]:
        return [p.week for p in self.phases if inspectorate in p.inspectorates]


class OnSite(_Rule):
    max_at_once: Annotated[int | None, Field(ge=1)] = None  # inspectors on site on any one day
    max_team: Annotated[int | None, Field(ge=1)] = None  # inspectors on the whole inspection
    source: Source


class Meeting(_Rule):
    kind: Literal["joint_set_up", "joint_feedback"]
    day: Literal["first", "last"]
    title: Title
    source: Source


class AgencyRule(_Rule):
    agency: Agency
    inspectorate: Inspectorate
    source: Source


class Titled(_Rule):
    id: Slug
    title: Title
    source: Source


class JudgementArea(Titled):
    graded_for: list[Agency] = []  # who is given a grade on this area; empty when reported in narrative
    derived_from: list[Slug] = []  # a cumulative judgement, e.g. overall effectiveness (004 §41)
    part_of: Slug | None = None  # a sub-judgement, e.g. adoption performance (003)
    deep_dive: bool = False  # the area of the deep dive into a cohort of children (001 Proposal one)


class Attribution(_Rule):
    """A judgement on an agency stands only on evidence about that agency (or the partnership or the
    board), so that strengths and weaknesses are "attributed to the right part of the system" (004 §48).
    A programme without it lets a judgement stand on evidence about any agency inspected: CLA 2012's
    judgements of the local authority as corporate parent draw on the health services CQC inspects (003)."""

    source: Source


class Judgements(_Rule):
    scale: list[Grade]  # best first; empty for a programme with no graded judgement
    narrative_for: list[Agency] = []  # reported against criteria in narrative, with no grade (004 §29)
    # The kinds of recommendation findings: split by urgency in a JTAI (001 Proposal four), areas for
    # improvement where the judgements are graded (002 §50).
    recommendations: list[Literal["priority_action", "development", "improvement"]] = []
    attribution: Attribution | None = None
    source: Source


class LimitingRule(_Rule):
    """A contributing judgement that limits another: e.g. "a judgement of inadequate is likely to be made
    if any of the following are judged inadequate" (004 §67). The rule proposes `leads_to`; inspectors may
    depart from it only with a recorded rationale."""

    id: Slug
    agencies: Annotated[list[Agency], Field(min_length=1)]  # whose judgements it applies to
    judgement_area: Slug  # the judgement it limits
    when_inadequate: Annotated[list[Slug], Field(min_length=1)]  # any one of these judged inadequate ...
    # ... and the leaders "have not been able to demonstrate sufficient understanding of the failure" (§70)
    unless_leaders_understand: bool = False
    leads_to: Grade
    source: Source

    def fires(self, grades: Mapping[str, Grade], leaders_understand: bool) -> list[str]:
        """The contributing areas that set the rule off, given the subject's grades by area; [] if none."""
        if self.unless_leaders_understand and leaders_understand:
            return []
        return [area for area in self.when_inadequate if grades.get(area) is Grade.INADEQUATE]


class Lscb(_Rule):
    """How the effectiveness of the Local Safeguarding Children Board is evaluated."""

    evaluation: Literal["graded", "narrative"]
    judgement_area: Slug  # the area it is reported under
    source: Source


class Criterion(_Rule):
    id: Annotated[str, Field(pattern=r"^\d{1,3}[a-z]$")]  # paragraph and letter, e.g. "68q"
    agency: Agency
    judgement_area: Slug
    descriptor: Grade | None = None  # the grade the criterion describes; none for ungraded criteria
    heading: str | None = None
    text: Title
    source: Source


class Descriptor(_Rule):
    agency: Agency
    judgement_area: Slug
    grade: Grade
    text: Title
    source: Source


# A rule of the report's lifecycle cites the programme's own source: its seed and paragraph, or, where
# that source is silent on a step every programme takes, the project's domain brief ("domain.md ...").
Cite = Annotated[
    str,
    Field(pattern=r"^(\d{3}|domain\.md) \S", description="e.g. '004 §113', or 'domain.md ...' where silent"),
]


class DraftTo(_Rule):
    """Who receives the agreed draft and coordinates the one factual-accuracy response for the area: the
    chair of the LSCB (its business manager in the chair's absence) in a JTAI (001 Proposal four, Proposal
    two), or an agency's senior leader where the programme has no LSCB in its scope (CLA 2012, 003)."""

    recipients: Annotated[list[Recipient], Field(min_length=1)]  # in order of preference on the day
    agency: Agency | None = None  # whose senior leader, where that is the recipient
    copied_to: list[Agency] = []  # the senior leaders of other agencies, who receive the draft with it
    source: Cite

    @model_validator(mode="after")
    def _one_kind_of_recipient(self) -> DraftTo:
        leader = Recipient.AGENCY_SENIOR_LEADER in self.recipients
        if leader and self.recipients != [Recipient.AGENCY_SENIOR_LEADER]:
            raise ValueError("recipients: an agency's senior leader, or the LSCB's officers, not both")
        if leader != (self.agency is not None):
            raise ValueError("agency: name it exactly when the recipient is an agency's senior leader")
        _unique("recipients", self.recipients)
        return self

    @property
    def lscb(self) -> bool:
        """The draft goes to the LSCB, whose chair responds for the partnership."""
        return any(r in LSCB_OFFICES for r in self.recipients)


class Report(_Rule):
    """The programme's report and its lifecycle, each step citing the programme's own paragraph."""

    kind: Literal["findings_letter", "single_report", "report", "combined_report"]
    overview_per_round: bool = False  # 001 Proposal four
    action_plan: bool = False  # a post-inspection action plan is tracked (001)
    action_plan_source: Cite | None = None  # the paragraph that asks for it, where it is tracked
    source: Source
    drafted_after: Cite  # fieldwork over: the joint feedback meeting on its last day, where there is one
    complete: Cite  # the judgements it reports are final before it is drafted, made final or published
    quality_assurance: Cite  # the lead inspectorate quality-assures the draft
    agreement: Cite  # every inspectorate taking part agrees it before it is sent
    draft_to: DraftTo
    factual_accuracy: Cite  # one coordinated response, decided point by point, before it is final
    publication: Cite  # published by each inspectorate taking part

    @model_validator(mode="after")
    def _action_plan_cited(self) -> Report:
        if self.action_plan != (self.action_plan_source is not None):
            raise ValueError("action_plan_source: cite it exactly when the programme tracks an action plan")
        return self


class Selection(_Rule):
    """How a round picks its areas (004 §38; 001 Proposal five) or covers them all (002 §9)."""

    kind: Literal["universal_cycle", "criteria"]
    cycle_years: Annotated[int | None, Field(ge=1)] = None
    min_areas: Annotated[int | None, Field(ge=1)] = None
    max_areas: Annotated[int | None, Field(ge=1)] = None
    returning_after_inadequate: bool = False  # all such areas are picked
    concerns: bool = False  # areas where an inspectorate has raised concerns are picked
    concerns_of_others_only: bool = False  # only concerns of inspectorates other than the lead (004 §38)
    sample_share_at_least: Annotated[float, Field(ge=0, le=1)] = 0.0  # of the round, sampled from the rest
    shared_theme: bool = False  # every inspection of a round has the same deep-dive theme (001)
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Selection:
        if (self.kind == "universal_cycle") != (self.cycle_years is not None):
            raise ValueError("cycle_years: give it exactly for a universal_cycle")
        if self.min_areas and self.max_areas and self.min_areas > self.max_areas:
            raise ValueError("min_areas: more than max_areas")
        return self
