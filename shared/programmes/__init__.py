"""Inspection programmes as data: one validated TOML file per programme version, in this folder.

A new version of a programme is a new file with a new id; an inspection keeps the id it was
scheduled under. A file that does not validate stops start-up with the file, field and reason.
Every rule carries `source`: the seed paragraph it encodes (`../shared/seeds`, e.g. "002 §35")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.areas import Area, FacilityKind
from shared.contracts.scheduling import Recipient
from shared.contracts.vocabulary import Agency, Grade
from shared.datafiles import load_toml
from shared.envelope import Inspectorate
from shared.programmes.citations import Rules, Seed, citations, cites_only

FOLDER = Path(__file__).parent
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Source = Annotated[str, Field(pattern=r"^\d{3} \S", description="the seed and paragraph, e.g. '002 §35'")]
Title = Annotated[str, Field(min_length=3)]

# Subjects of a judgement that are not agencies an inspectorate inspects on its own.
SHARED_SUBJECTS = frozenset({Agency.PARTNERSHIP, Agency.LSCB})


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


class Notice(_Rule):
    announced: bool
    working_days: Annotated[int, Field(ge=0, le=60)]  # 0 for an unannounced programme
    # Who is told first, in order of preference; empty where the source sets no order.
    first_notified: list[Recipient]
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> Notice:
        if self.announced != (self.working_days > 0):
            raise ValueError("working_days: an announced programme gives notice; an unannounced one gives 0")
        if Recipient.AGENCY_SENIOR_LEADER in self.first_notified:
            raise ValueError("first_notified: agency senior leaders are notified after the LSCB")
        return self


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
LSCB_OFFICES = (Recipient.LSCB_CHAIR, Recipient.LSCB_BUSINESS_MANAGER)


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


class Programme(_Rule):
    id: Slug
    title: Title
    statute: Title
    # The source documents the programme draws on: whole seeds ("004"), or one paragraph of another seed
    # where the file says why (CLA 2012's grades, "002 §24"). Every citation in the file is from these.
    sources: Annotated[list[Seed], Field(min_length=1)]
    rules: Rules
    participation: Participation
    notice: Notice
    fieldwork: Fieldwork
    on_site: OnSite | None = None
    meetings: list[Meeting] = []
    agencies: Annotated[list[AgencyRule], Field(min_length=1)]
    judgements: Judgements
    judgement_areas: Annotated[list[JudgementArea], Field(min_length=1)]
    limiting_rules: list[LimitingRule] = []
    lscb: Lscb | None = None
    criteria: list[Criterion] = []
    descriptors: list[Descriptor] = []
    deep_dive_themes: list[Titled] = []
    report: Report
    selection: Selection

    @property
    def graded(self) -> bool:
        return bool(self.judgements.scale)

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        _unique("agencies", [r.agency for r in self.agencies])
        _unique("judgement_areas", [a.id for a in self.judgement_areas])
        _unique("deep_dive_themes", [t.id for t in self.deep_dive_themes])
        _unique("criteria", [c.id for c in self.criteria])
        _unique("meetings", [m.kind for m in self.meetings])
        _unique("participation", self.participation.possible())
        part = self.participation
        if part.lead_inspectorate not in part.inspectorates:
            raise ValueError("participation.lead_inspectorate must be one of participation.inspectorates")
        for rule in self.agencies:
            if rule.inspectorate not in part.possible():
                raise ValueError(
                    f"agencies: {rule.agency} is inspected by {rule.inspectorate}, "
                    "which does not take part (participation.inspectorates or .conditional)"
                )
        for phase in self.fieldwork.phases:
            _within(f"fieldwork.phases week {phase.week}", phase.inspectorates, part.possible(), "take part")
        for inspectorate in part.inspectorates:
            if not self.fieldwork.weeks_of(inspectorate):
                raise ValueError(f"fieldwork.phases: {inspectorate} takes part but is on site in no week")
        subjects = [*(r.agency for r in self.agencies), *SHARED_SUBJECTS]
        areas = {a.id: a for a in self.judgement_areas}
        for area in self.judgement_areas:
            _within(f"judgement_areas.{area.id}.derived_from", area.derived_from, areas, "are areas")
            _within(
                f"judgement_areas.{area.id}.part_of",
                [area.part_of] if area.part_of else [],
                areas,
                "are areas",
            )
            _within(f"judgement_areas.{area.id}.graded_for", area.graded_for, subjects, "are inspected")
            if area.graded_for and not self.graded:
                raise ValueError(f"judgement_areas.{area.id}.graded_for: {self.id} has no graded scale")
        _within("judgements.narrative_for", self.judgements.narrative_for, subjects, "are inspected")
        _unique("limiting_rules", [r.id for r in self.limiting_rules])
        for limiting in self.limiting_rules:
            field = f"limiting_rules.{limiting.id}"
            _within(f"{field}.judgement_area", [limiting.judgement_area], areas, "are areas")
            _within(f"{field}.when_inadequate", limiting.when_inadequate, areas, "are areas")
            _within(f"{field}.leads_to", [limiting.leads_to], self.judgements.scale, "are on the scale")
            for agency in limiting.agencies:
                graded = [
                    a
                    for a in [limiting.judgement_area, *limiting.when_inadequate]
                    if agency not in areas[a].graded_for
                ]
                if graded:
                    raise ValueError(f"{field}.agencies: {agency} is not graded on {', '.join(graded)}")
        if self.lscb is not None:
            _within("lscb.judgement_area", [self.lscb.judgement_area], areas, "are areas")
            if self.lscb.evaluation == "graded" and not self.graded:
                raise ValueError("lscb.evaluation: a graded LSCB evaluation needs judgements.scale")
        for c in self.criteria:
            _within(f"criteria.{c.id}.judgement_area", [c.judgement_area], areas, "are areas")
            _within(f"criteria.{c.id}.agency", [c.agency], subjects, "are inspected")
            _within(
                f"criteria.{c.id}.descriptor",
                [c.descriptor] if c.descriptor else [],
                self.judgements.scale,
                "are on the scale",
            )
        for d in self.descriptors:
            _within(f"descriptors ({d.source}).judgement_area", [d.judgement_area], areas, "are areas")
            _within(f"descriptors ({d.source}).grade", [d.grade], self.judgements.scale, "are on the scale")
        if self.selection.shared_theme and not self.deep_dive_themes:
            raise ValueError("selection.shared_theme: the programme has no deep_dive_themes")
        self._rules_present()
        foreign = [f"{field} = {cited!r}" for field, cited in citations(self) if not self.cites_own(cited)]
        if foreign:
            raise ValueError(
                f"sources: {'; '.join(foreign)} cite(s) a source the programme does not draw on "
                f"({', '.join(self.sources)}): cite its own, or 'domain.md …' where it is silent"
            )
        return self

    def _rules_present(self) -> None:
        """Each optional rule is cited exactly when the programme has what it governs."""
        judges = self.graded or bool(self.judgements.narrative_for)
        needed = {
            "grades": self.graded,
            "own_agencies": judges,
            "judgement_evidence": judges,
            "joint_audit": bool(self.deep_dive_themes),
            "round_theme": self.selection.shared_theme,
            "lscb_evidence": self.lscb is not None,
            "lscb_accountability": self.lscb is not None,
            "lscb_agreement": self.lscb is not None,
        }
        for name, wanted in needed.items():
            if wanted != (getattr(self.rules, name) is not None):
                raise ValueError(f"rules.{name}: cite it exactly when the programme has what it governs")

    def cites_own(self, citation: str) -> bool:
        """Whether a rule's citation is from this programme's own sources, or the domain brief."""
        return cites_only(citation, self.sources)

    def agency_inspectorates(self) -> dict[Agency, Inspectorate]:
        return {rule.agency: rule.inspectorate for rule in self.agencies}

    def theme(self, theme_id: str) -> Titled | None:
        return next((t for t in self.deep_dive_themes if t.id == theme_id), None)

    def area_ids(self) -> list[str]:
        return [a.id for a in self.judgement_areas]

    def area(self, area_id: str) -> JudgementArea | None:
        return next((a for a in self.judgement_areas if a.id == area_id), None)

    def limiting(self, agency: Agency, area_id: str) -> list[LimitingRule]:
        """The rules that limit this agency's judgement on this area."""
        return [r for r in self.limiting_rules if agency in r.agencies and r.judgement_area == area_id]

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def descriptor(self, agency: Agency, area_id: str, grade: Grade) -> tuple[str, str] | None:
        """What the grade means for this agency's judgement on this area, as the programme states it, and
        the paragraph(s) it is from: its descriptors of the grade (004 §116-118), or, where the grade is
        described by criteria instead, those criteria, each by its letter (good: 004 §115 a-l). None where
        the programme describes no such grade."""
        wanted = (agency, area_id, grade)
        found = [d for d in self.descriptors if (d.agency, d.judgement_area, d.grade) == wanted]
        if found:
            return " ".join(d.text for d in found), ", ".join(dict.fromkeys(d.source for d in found))
        criteria = [
            c for c in self.criteria if (c.agency, c.judgement_area, c.descriptor) == (agency, area_id, grade)
        ]
        if not criteria:
            return None
        text = " ".join(f"{c.id[-1]}. {c.text}" for c in criteria)
        first, last = criteria[0].source, criteria[-1].source
        return text, first if first == last else f"{first}-{last.rsplit(' ', 1)[-1]}"


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


class ProgrammeFileError(Exception):
    """A programme file that does not validate; the message names the file, field and reason."""


def load_folder(folder: Path) -> dict[str, Programme]:
    programmes: dict[str, Programme] = {}
    for path in sorted(folder.glob("*.toml")):
        programme = load_toml(path, Programme, ProgrammeFileError)
        if programme.id != path.stem:
            raise ProgrammeFileError(f"{path}: id: {programme.id!r} must match the file name {path.stem!r}")
        programmes[programme.id] = programme
    return programmes


@cache
def catalogue() -> dict[str, Programme]:
    return load_folder(FOLDER)
