"""What a document says, built from events alone: the context reporting's templates (`templates/`) render.

A pure function of the events: the same events give the same model, whatever order the streams arrived
in (each stream keeps its own order). The parts are built by concept: `framing` (title, addressees, notice
or arrival), `agencies` (each agency's judgements, findings and evidence), `board` (the LSCB), `overview`
(a round of JTAIs), from what `context` folds; `words` says how each reads, and `redaction` withholds
case references (domain.md, Data protection)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.language.contracts.evidence import Bearing
from shared.language.contracts.reporting import ReportCorrectionOpened
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Inspectorate
from shared.views import boards

from ..domain.names import AGENCIES
from .agencies import (
    AgencyReport,
    InspectorateSection,
    Judgement,
    agency_reports,
    by_inspectorate,
    shared_judgements,
    shared_pending,
)
from .board import Lscb, lscb
from .context import FindingSection, Inspection, fold_judgements
from .framing import Notice, addressees, arrival, framework, notice, signatories, single_agency, title
from .overview import overview
from .words import (
    INSPECTORATES,
    capital,
    day,
    listing,
    lower_first,
    plural,
)

__all__ = [
    "Report",
    "build",
    "capital",
    "fold_judgements",
    "listing",
    "lower_first",
    "overview",
    "plural",
]


@dataclass(frozen=True)
class Evidence:
    total: int
    strengths: int
    weaknesses: int
    improvements: int
    cases: int  # how many children's cases, never which
    joint_cases: int  # cases on which more than one inspectorate recorded evidence (004 §24: triangulated)
    rows: list[tuple[str, int]]  # per inspectorate taking part from the start (as the findings letter has it)
    all_rows: list[tuple[str, int]]  # per inspectorate taking part, those that joined too


@dataclass(frozen=True)
class Glance:
    """One row of the judgements at a glance (004 §108-110): an agency and its overall judgement."""

    agency: str
    by: str
    judgement: str


@dataclass(frozen=True)
class Report:
    kind: str  # the programme's report.kind
    programme_id: str
    programme_title: str
    statute: str
    inspection_id: str
    round_id: str | None
    area: str
    theme_id: str | None
    theme: str  # the deep-dive theme as words; "" if none
    title: str  # the document's title (its one H1)
    to: str  # whom it is addressed to, by name and role
    framework: str  # the programme as a reader knows it: "Joint targeted area inspection (2015 framework)"
    signatories: list[str]  # the lead inspector of each inspectorate taking part, by role and name
    single_agency: bool  # one inspectorate alone: Ofsted's targeted inspection (001 Part 2)
    fieldwork_starts: str
    fieldwork_ends: str
    fieldwork_end_date: date
    fieldwork_start_date: date
    chair: str | None  # the LSCB chair by name, from the area's board register
    inspectorates: str  # every inspectorate taking part, as words
    inspectorate_count: int
    taking_part: list[Inspectorate]
    agencies: str  # every agency inspected, as words
    has_lscb: bool  # the programme evaluates the board
    lscb_area_title: str  # the judgement area the board's evaluation belongs to
    notice: Notice | None  # the notice actually given, for an announced inspection
    arrival: str  # for an unannounced one, that it was and when inspectors arrived; "" if announced
    sections: list[FindingSection]  # strengths, then the programme's recommendations
    # The same, less the findings given in the own section of an agency not graded (`apart`), as the CLA
    # report gives CQC's health services theirs (003).
    main_sections: list[FindingSection]
    partnership: list[FindingSection]  # the findings addressed to the partnership as a whole, by kind
    shared: list[Judgement]  # the partnership's final graded judgements (002 §49)
    shared_pending: str  # a sentence on the shared judgements still to be made final; ""
    overall: str  # a sentence giving the overall shared judgement, grade in lower case; ""
    reports: list[AgencyReport]  # every agency inspected, in the programme's order
    graded: list[AgencyReport]  # each graded agency (004 §41)
    narrative: list[AgencyReport]  # each agency reported in narrative (004 §82-107; 002 §59)
    others: list[AgencyReport]  # each agency neither graded nor in narrative
    apart: list[AgencyReport]  # each agency not graded: in a CLA report, CQC's health services (003)
    by_inspectorate: list[InspectorateSection]
    glance: list[Glance]  # each agency's overall judgement, and the board's (004 §108-110)
    together: str  # how well agencies work together, as the evidence and the board's grade say (004 §108)
    lscb: Lscb
    evidence: Evidence
    # Each correction of the published report (004 §108-110): what changed, and when; [] for the first
    # edition. The edition corrected stays as it was published.
    corrections: list[Correction]


@dataclass(frozen=True)
class Correction:
    edition: int
    on: str  # the day the correction was opened, as words
    reason: str  # what changed, and when


def _evidence(inspection: Inspection) -> Evidence:
    items = inspection.items.values()
    counted = Counter(i.bearing for i in items)
    by_inspectorate = Counter(i.inspectorate for i in items)
    on_case: dict[str, set[Inspectorate]] = {}
    for i in items:
        if i.case_reference:
            on_case.setdefault(i.case_reference, set()).add(i.inspectorate)
    return Evidence(
        total=len(inspection.items),
        strengths=counted[Bearing.STRENGTH],
        weaknesses=counted[Bearing.WEAKNESS],
        improvements=counted[Bearing.AREA_FOR_IMPROVEMENT],
        cases=len(on_case),
        joint_cases=sum(1 for who in on_case.values() if len(who) > 1),
        rows=[(capital(INSPECTORATES[i]), by_inspectorate[i]) for i in inspection.scheduled.inspectorates],
        all_rows=[(capital(INSPECTORATES[i]), by_inspectorate[i]) for i in inspection.inspectorates],
    )


def _glance(reports: list[AgencyReport], board: Lscb) -> list[Glance]:
    rows = [
        Glance(capital(r.name), capital(r.inspectorate), r.overall.grade)
        for r in reports
        if r.graded and r.overall is not None
    ]
    rows += [
        Glance(capital(r.name), capital(r.inspectorate), "Reported in narrative, with no grade")
        for r in reports
        if r.narrative and r.judgements
    ]
    if board.state == "final" and board.grade:
        rows.append(Glance(capital(AGENCIES[Agency.LSCB]), "The inspectorates together", board.grade))
    return rows


CASE, CASES = "child's case", "children's cases"


def _together(evidence: Evidence, board: Lscb) -> str:
    """What the evidence and the board's grade say about how well the agencies work together."""
    said = []
    if evidence.cases:
        said.append(
            f"Inspectors from more than one inspectorate recorded evidence on {evidence.joint_cases} of the "
            f"{plural(evidence.cases, CASE, CASES)} they looked at, so that their "
            "findings could be tested against each other's."
        )
    if board.state == "final" and board.judged:
        said.append(
            "The board, which co-ordinates what the partners do to safeguard children and makes sure it is "
            f"effective, was {board.judged}: the joint report on the board below says why."
        )
    return " ".join(said)


def _main_sections(inspection: Inspection, apart: list[AgencyReport]) -> list[FindingSection]:
    own = {r.agency for r in apart}
    rest = inspection.sections([f for f in inspection.findings() if f.addressed_to not in own])
    return [
        replace(
            s,
            elsewhere=listing([r.name for r in apart if any(x.kind is s.kind for x in r.sections)]),
        )
        for s in rest
    ]


def build(events: Sequence[Event]) -> Report:
    """The document's model; a ValueError if the events hold no InspectionScheduled."""
    inspection = Inspection(events)
    scheduled, programme = inspection.scheduled, inspection.programme
    theme = programme.theme(scheduled.deep_dive_theme) if scheduled.deep_dive_theme else None
    starts, ends = inspection.fieldwork
    board_register = boards.fold(events)
    chair = board_register.chair.name if board_register is not None and board_register.chair else None
    lscb_area = programme.area(programme.lscb.judgement_area) if programme.lscb else None
    reports = agency_reports(inspection)
    board = lscb(inspection)
    evidence = _evidence(inspection)
    shared = shared_judgements(inspection)
    first = shared[0] if shared and shared[0].area_id == programme.judgement_areas[0].id else None
    overall = ""
    if first is not None and first.judged:
        subject = lower_first(first.title)
        subject = subject if subject.startswith("the ") else f"the {subject}"
        overall = f"{capital(subject)} in {scheduled.local_area} was {first.judged}."
    apart = [r for r in reports if not r.graded]
    return Report(
        kind=programme.report.kind,
        programme_id=programme.id,
        programme_title=programme.title,
        statute=programme.statute,
        inspection_id=scheduled.inspection_id,
        round_id=scheduled.round_id,
        area=scheduled.local_area,
        theme_id=scheduled.deep_dive_theme,
        theme=theme.title if theme else (scheduled.deep_dive_theme or ""),
        title=title(inspection),
        to=addressees(inspection, board_register),
        framework=framework(programme.id, programme.title),
        signatories=signatories(inspection),
        single_agency=single_agency(inspection),
        fieldwork_starts=day(starts),
        fieldwork_ends=day(ends),
        fieldwork_start_date=starts,
        fieldwork_end_date=ends,
        chair=chair,
        inspectorates=listing([INSPECTORATES[i] for i in inspection.inspectorates]),
        inspectorate_count=len(inspection.inspectorates),
        taking_part=list(inspection.inspectorates),
        agencies=listing([AGENCIES[a] for a in inspection.agencies]),
        has_lscb=programme.lscb is not None,
        lscb_area_title=lscb_area.title if lscb_area else "",
        notice=notice(inspection),
        arrival=arrival(inspection),
        sections=inspection.sections(),
        main_sections=_main_sections(inspection, apart),
        partnership=inspection.sections_for(Agency.PARTNERSHIP),
        shared=shared,
        shared_pending=shared_pending(inspection),
        overall=overall,
        reports=reports,
        graded=[r for r in reports if r.graded],
        narrative=[r for r in reports if r.narrative and not r.graded],
        others=[r for r in apart if not r.narrative],
        apart=apart,
        by_inspectorate=by_inspectorate(inspection, reports),
        glance=_glance(reports, board),
        together=_together(evidence, board),
        lscb=board,
        evidence=evidence,
        corrections=[
            Correction(e.edition, day(e.on), e.reason)
            for e in events
            if isinstance(e, ReportCorrectionOpened)
        ],
    )
