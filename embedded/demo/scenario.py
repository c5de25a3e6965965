"""The content of each programme's demo inspection, as data: `scenarios.toml` beside this module, one table
per programme id, validated as it loads.

The player (embedded/demo/player.py) takes every difference between programmes from the programme's own file
(shared/language/programmes/): whether notice is given, who is on site in which week, what is judged and
graded, whether the LSCB is evaluated, who receives the draft, whether there is an action plan. A scenario
holds only what inspectors would write in one inspection: the area, its LSCB officers, the team, the cases
sampled, the evidence, the lines of enquiry, the findings, the judgements, the evaluation of the board and
the partnership's factual-accuracy response. `scenario()` checks that the two agree, so a scenario can
never ask the player for a step its programme does not have, nor leave out one it does."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from shared.language.areas import Area, register
from shared.language.contracts.evidence import Activity, Bearing, Meeting
from shared.language.contracts.judgement import FindingKind
from shared.language.contracts.reporting import Decision
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import Programme, catalogue
from shared.mechanics.datafiles import load_toml
from shared.mechanics.envelope import Inspectorate

FILE = Path(__file__).with_name("scenarios.toml")
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]  # an evidence item's name in the scenario
Cites = Annotated[list[Key], Field(min_length=1)]  # evidence items named in the scenario


class ScenarioError(Exception):
    """A scenario that does not validate, or does not fit its programme: the file, field and reason."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Citing(_Data):
    evidence: Cites  # the evidence items it stands on, by their name in the scenario


class Board(_Data):
    """The area's LSCB officers as its register names them: the chair is told first (001 Proposal two)."""

    chair: str
    business_manager: str


class SampledCase(_Data):
    case_reference: str
    reason: str


class EvidenceItem(_Data):
    """One evidence item, as its inspector records it (`body` is what goes to the evidence service)."""

    inspectorate: Inspectorate
    week: Annotated[int | None, Field(ge=1)] = None  # of fieldwork; None: spread over its weeks on site
    agency: Agency
    activity: Activity
    meeting: Meeting | None = None
    judgement_area: str
    criteria: list[str] = []
    bearing: Bearing
    case_reference: str | None = None
    summary: str

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"inspectorate", "week"}, exclude_none=True)


class LineOfEnquiry(_Citing):
    raised_by: Inspectorate
    agency: Agency
    case_reference: str | None = None
    question: str
    answered_by: Inspectorate
    answer: str
    conclusion: str


class Finding(_Citing):
    kind: FindingKind
    addressed_to: Agency
    text: str


class Judgement(_Citing):
    """A graded judgement (`grade`), or a narrative one with none, on an agency or the partnership."""

    agency: Agency
    judgement_area: str
    grade: Grade | None = None
    text: str
    rationale: str | None = None  # where the grade departs from what a limiting rule derives
    leaders_understand_failure: bool = False


class Contribution(_Citing):
    """An inspectorate's finding about the board, against one of its criteria, attributed to a partner."""

    inspectorate: Inspectorate
    criterion: str | None = None
    bearing: Bearing
    attributed_to: Agency
    text: str


class BoardEvaluation(_Citing):
    grade: Grade | None = None  # where the programme grades the board
    text: str
    contributions: list[Contribution] = []


class Point(_Data):
    """A point of the one factual-accuracy response, and how the lead inspectorate decides it."""

    point: Annotated[int, Field(ge=1)]
    section: str | None = None
    text: str
    decision: Decision
    reason: str

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"decision", "reason"}, exclude_none=True)


class ActionPlan(_Data):
    led_by: Agency
    due_in_days: Annotated[int, Field(ge=1)]


class Scenario(_Data):
    area: str  # the area's ONS code, from the register (`jip areas`)
    deep_dive_theme: str | None = None
    board: Board | None = None
    senior_leader: str | None = None  # by name, where the draft goes to an agency's senior leader (003)
    team: dict[Inspectorate, list[str]] = {}  # inspectors' names, by inspectorate
    shared_sample: Annotated[list[SampledCase], Field(min_length=1)]
    evidence: Annotated[dict[Key, EvidenceItem], Field(min_length=1)]
    lines_of_enquiry: list[LineOfEnquiry] = []
    findings: Annotated[list[Finding], Field(min_length=1)]
    judgements: list[Judgement] = []
    lscb: BoardEvaluation | None = None
    factual_accuracy: Annotated[list[Point], Field(min_length=1)]
    action_plan: ActionPlan | None = None

    @model_validator(mode="after")
    def _cites_its_own_evidence(self) -> Scenario:
        board = [self.lscb, *self.lscb.contributions] if self.lscb else []
        citing: list[_Citing] = [*self.lines_of_enquiry, *self.findings, *self.judgements, *board]
        unknown = sorted({k for c in citing for k in c.evidence if k not in self.evidence})
        if unknown:
            raise ValueError(f"cites evidence it does not record: {', '.join(unknown)}")
        return self

    @property
    def place(self) -> Area:
        return register()[self.area]


class Scenarios(RootModel[dict[str, Scenario]]):
    pass


def lscb_in_scope(programme: Programme) -> bool:
    """Whether the programme has the area's LSCB in it: it evaluates the board, tells its chair first, or
    sends the draft to the chair (every programme but CLA 2012, whose report has no LSCB in scope, 003)."""
    return (
        programme.lscb is not None or bool(programme.notice.first_notified) or programme.report.draft_to.lscb
    )


def _fits(programme: Programme, s: Scenario) -> list[str]:
    """What in the scenario does not fit its programme, in words; [] when it fits."""
    report = programme.report
    judges = programme.graded or bool(programme.judgements.narrative_for)
    wanted = {
        "area": s.area in register(),
        "deep_dive_theme": (s.deep_dive_theme is not None) == bool(programme.deep_dive_themes),
        "board": (s.board is not None) == lscb_in_scope(programme),
        "senior_leader": (s.senior_leader is not None) == (not report.draft_to.lscb),
        "judgements": bool(s.judgements) == judges,
        "lscb": (s.lscb is not None) == (programme.lscb is not None),
        "action_plan": (s.action_plan is not None) == report.action_plan,
    }
    return [field for field, fits in wanted.items() if not fits]


@cache
def scenarios() -> dict[str, Scenario]:
    """Every programme's scenario, by programme id, each checked against its programme's file."""
    loaded = load_toml(FILE, Scenarios, ScenarioError).root
    programmes = catalogue()
    for programme_id, s in loaded.items():
        if programme_id not in programmes:
            raise ScenarioError(f"{FILE}: {programme_id}: no such programme in shared/language/programmes")
        misfits = _fits(programmes[programme_id], s)
        if misfits:
            raise ScenarioError(
                f"{FILE}: {programme_id}: {', '.join(misfits)} do(es) not fit the programme: give each "
                "exactly where the programme has what it is for"
            )
    return loaded


def scenario(programme_id: str) -> Scenario:
    found = scenarios().get(programme_id)
    if found is None:
        raise ScenarioError(f"{FILE}: no scenario for {programme_id}; there are: {', '.join(scenarios())}")
    return found
