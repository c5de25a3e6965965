"""What a document says, built from events alone: the context the templates in `templates/` render.

The reporting service is a consumer: it folds the judgement, LSCB and evidence events it holds itself and
imports none of the other services. Pure functions of the events: the same events give the same model,
whatever order the streams arrived in (each stream keeps its own order).

Data protection (domain.md): no case reference and no evidence text reaches a document. Evidence items are
counted and attributed to the inspectorates that recorded them; findings and judgements are quoted, with
any case reference the inspection knows of withheld from their text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from shared import boards
from shared.catalogue import Event
from shared.contracts.evidence import (
    Bearing,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    LineOfEnquiryRaised,
    SampleCaseAdded,
    SampleCaseRemoved,
    standing_items,
)
from shared.contracts.judgement import (
    FindingKind,
    FindingRecorded,
    JudgementContent,
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementProposed,
    JudgementRevised,
)
from shared.contracts.lscb import (
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
)
from shared.contracts.scheduling import (
    InspectionRescheduled,
    InspectionScheduled,
    InspectorateJoined,
    NotificationRecorded,
    Recipient,
)
from shared.contracts.vocabulary import Agency, Grade
from shared.envelope import Inspectorate
from shared.programmes import Programme, catalogue
from shared.workdays import date_in_england

INSPECTORATES = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CQC: "the Care Quality Commission",
    Inspectorate.HMIC: "HM Inspectorate of Constabulary",
    Inspectorate.HMI_PROBATION: "HM Inspectorate of Probation",
    Inspectorate.HMI_PRISONS: "HM Inspectorate of Prisons",
    Inspectorate.HMCPSI: "HM Crown Prosecution Service Inspectorate",
}
AGENCIES = {
    Agency.LOCAL_AUTHORITY: "the local authority",
    Agency.HEALTH: "health services",
    Agency.POLICE: "the police",
    Agency.PROBATION: "probation services",
    Agency.YOUTH_OFFENDING_TEAM: "the youth offending team",
    Agency.CUSTODY: "custodial establishments",
    Agency.CPS: "the Crown Prosecution Service",
    Agency.LSCB: "the Local Safeguarding Children Board",
    Agency.PARTNERSHIP: "the local partnership",
}
# Strengths, then the recommendations (001 Proposal four; 002 §50, 004 §24), in this order.
FINDING_HEADINGS = {
    FindingKind.KEY_STRENGTH: "Key strengths",
    FindingKind.AREA_FOR_PRIORITY_ACTION: "Areas for priority action",
    FindingKind.AREA_FOR_DEVELOPMENT: "Areas for development",
    FindingKind.AREA_FOR_IMPROVEMENT: "Areas for improvement",
}
FINDING_NAMES = {
    FindingKind.KEY_STRENGTH: "Key strength",
    FindingKind.AREA_FOR_PRIORITY_ACTION: "Area for priority action",
    FindingKind.AREA_FOR_DEVELOPMENT: "Area for development",
    FindingKind.AREA_FOR_IMPROVEMENT: "Area for improvement",
}
RECOMMENDATIONS = {
    "priority_action": FindingKind.AREA_FOR_PRIORITY_ACTION,
    "development": FindingKind.AREA_FOR_DEVELOPMENT,
    "improvement": FindingKind.AREA_FOR_IMPROVEMENT,
}
BEARINGS = {
    Bearing.STRENGTH: "Strength",
    Bearing.WEAKNESS: "Weakness",
    Bearing.AREA_FOR_IMPROVEMENT: "Area for improvement",
}
DEEP_DIVE_AREA = "deep_dive"  # the judgement area of the deep dive in the JTAI programmes (001 Proposal one)
WITHHELD = "[case reference withheld]"


# Words.


def day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def listing(words: Sequence[str]) -> str:
    """ "a, b and c"."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def series(phrases: Sequence[str]) -> str:
    """Phrases that hold commas and "and" themselves: "a; b; and c"."""
    if len(phrases) < 3:
        return " and ".join(phrases)
    return f"{'; '.join(phrases[:-1])}; and {phrases[-1]}"


def lower_first(text: str) -> str:
    """ "The quality of practice" inside a sentence: "the quality of practice"."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def grade_words(grade: Grade) -> str:
    """A grade as a report prints it: "Requires improvement"."""
    return capital(grade.value.replace("_", " "))


def support(ids: Sequence[str], items: dict[str, EvidenceItemRecorded]) -> str:
    """ "3 evidence items from Ofsted and the Care Quality Commission": the cited items counted, and the
    inspectorates of those still standing."""
    known = [items[i] for i in ids if i in items]
    sources = sorted({i.inspectorate for i in known}, key=list(Inspectorate).index)
    from_whom = f" from {listing([INSPECTORATES[s] for s in sources])}" if sources else ""
    return f"{len(ids)} evidence item{'s' if len(ids) != 1 else ''}{from_whom}"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 evidence item", "2 evidence items"."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def case_references(events: Iterable[Event]) -> set[str]:
    """Every case reference the inspection's events name: none of them may appear in a document."""
    found: set[str] = set()
    for event in events:
        if isinstance(event, EvidenceItemRecorded | EvidenceItemAmended | LineOfEnquiryRaised):
            if event.case_reference:
                found.add(event.case_reference)
        elif isinstance(event, SampleCaseAdded | SampleCaseRemoved):
            found.add(event.case_reference)
    return found


class Redactor:
    """Withholds known case references from free text (findings and judgements quote inspectors)."""

    def __init__(self, references: Iterable[str]) -> None:
        ordered = sorted(set(references), key=lambda r: (-len(r), r))
        alternatives = "|".join(re.escape(r) for r in ordered)
        self._pattern = (
            re.compile(rf"(?<![A-Za-z0-9-])(?:{alternatives})(?![A-Za-z0-9-])") if ordered else None
        )

    def __call__(self, text: str) -> str:
        return self._pattern.sub(WITHHELD, text) if self._pattern is not None else text


# The parts of a document.


@dataclass(frozen=True)
class Notice:
    """Who was told first, and when (001 Proposal two)."""

    day: str
    who: str  # "the chair" or "the business manager"
    leaders: str  # the agencies whose senior leaders were told then, as words; "" if none


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    name: str  # "Key strength"
    text: str
    addressed_to: Agency
    addressee: str  # "the local partnership"
    support: str
    deep_dive: bool  # it cites evidence about the deep-dive cohort


@dataclass(frozen=True)
class FindingGroup:
    """Findings addressed to one agency or the partnership."""

    addressed_to: Agency
    addressee: str
    findings: list[Finding]


@dataclass(frozen=True)
class FindingSection:
    kind: FindingKind
    heading: str  # "Key strengths"
    findings: list[Finding]
    by_addressee: list[FindingGroup]


@dataclass(frozen=True)
class JudgementRecord:
    """One judgement as the judgement events leave it: the latest content, and the content that stood
    when it was last finalised (the judgement of record, also while it is flagged or revised)."""

    latest: JudgementContent
    final: JudgementContent | None
    flagged: bool


@dataclass(frozen=True)
class Judgement:
    """A judgement as a report shows it: only its final content."""

    agency: Agency
    area_id: str
    title: str
    depth: int  # 0, or 1 for a sub-judgement under its parent (adoption performance, 003)
    final: bool
    grade: str  # "Requires improvement"; "" for a narrative judgement or one not yet final
    text: str
    support: str
    cumulative_from: str  # the judgements a cumulative judgement draws on, as words (004 §41); "" if none


@dataclass(frozen=True)
class AgencyJudgements:
    agency: Agency
    name: str  # "the local authority"
    inspectorate: str  # who inspects it: "Ofsted"
    judgements: list[Judgement]
    pending: int  # narrative judgements proposed but not yet final


@dataclass(frozen=True)
class InspectorateSection:
    """The short section from one inspectorate about the agencies it inspects (002 §59)."""

    inspectorate: str
    agencies: list[AgencyJudgements]


@dataclass(frozen=True)
class Contribution:
    """One inspectorate's finding about the board, attributed to the partner where it lies (000 §14)."""

    bearing: str
    text: str
    attributed_to: str
    inspectorate: str
    support: str


@dataclass(frozen=True)
class CriterionFindings:
    criterion_id: str
    label: str  # "115 a"
    text: str  # the criterion, verbatim from the programme
    contributions: list[Contribution]


@dataclass(frozen=True)
class Lscb:
    """The shared evaluation of the board (004 §113; 001 Proposal one)."""

    state: str  # "final", "legacy" (recorded before the agreement flow), "proposed" or "none"
    graded: bool  # the programme grades the board
    grade: str
    text: str
    support: str
    agreed_by: str
    criteria: list[CriterionFindings]
    uncovered: list[str]  # labels of the criteria no finding was contributed against
    other: list[Contribution]  # contributions against no criterion of the programme


@dataclass(frozen=True)
class Evidence:
    total: int
    strengths: int
    weaknesses: int
    improvements: int
    cases: int  # how many children's cases, never which
    rows: list[tuple[str, int]]  # per inspectorate taking part from the start (as the findings letter has it)
    all_rows: list[tuple[str, int]]  # per inspectorate taking part, those that joined too


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
    notice: Notice | None
    sections: list[FindingSection]  # strengths, then the programme's recommendations
    shared: list[Judgement]  # the partnership's graded judgements (002 §49)
    graded: list[AgencyJudgements]  # each graded agency's judgements (004 §41)
    narrative: list[AgencyJudgements]  # each agency reported in narrative (004 §82-107; 002 §59)
    by_inspectorate: list[InspectorateSection]
    lscb: Lscb
    evidence: Evidence


def fold_judgements(events: Iterable[Event]) -> dict[tuple[Agency, str], JudgementRecord]:
    """Each judgement's latest content and its final content, from the judgement events in stream order."""
    latest: dict[tuple[Agency, str], JudgementContent] = {}
    final: dict[tuple[Agency, str], JudgementContent] = {}
    flagged: set[tuple[Agency, str]] = set()
    for event in events:
        if isinstance(event, JudgementProposed | JudgementRevised):
            key = (event.agency, event.judgement_area)
            latest[key] = event
            flagged.discard(key)
        elif isinstance(event, JudgementFinalised):
            key = (event.agency, event.judgement_area)
            if key in latest:
                final[key] = latest[key]
        elif isinstance(event, JudgementFlaggedForReview):
            flagged.add((event.agency, event.judgement_area))
    return {key: JudgementRecord(content, final.get(key), key in flagged) for key, content in latest.items()}


def scheduled_of(events: Iterable[Event]) -> InspectionScheduled:
    scheduled = next((e for e in events if isinstance(e, InspectionScheduled)), None)
    if scheduled is None:
        raise ValueError("no InspectionScheduled event: the document has nothing to be about")
    return scheduled


class _Builder:
    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events
        self.scheduled = scheduled_of(events)
        self.programme: Programme = catalogue()[self.scheduled.programme]
        self.items = standing_items(events)
        self.clean = Redactor(case_references(events))
        self.records = fold_judgements(events)
        joined = [e for e in events if isinstance(e, InspectorateJoined)]
        self.inspectorates = [*self.scheduled.inspectorates, *(j.inspectorate for j in joined)]
        self.agencies = [*self.scheduled.agencies, *(a for j in joined for a in j.agencies)]
        self.inspected_by = {
            **self.programme.agency_inspectorates(),
            **self.scheduled.agencies,
        }

    def report(self) -> Report:
        scheduled, programme = self.scheduled, self.programme
        theme = programme.theme(scheduled.deep_dive_theme) if scheduled.deep_dive_theme else None
        moved = [e for e in self.events if isinstance(e, InspectionRescheduled)]
        starts, ends = (
            (moved[-1].fieldwork_starts, moved[-1].fieldwork_ends)
            if moved
            else (scheduled.fieldwork_starts, scheduled.fieldwork_ends)
        )
        board = boards.fold(self.events)
        chair = board.chair if board is not None else None
        lscb_area = programme.area(programme.lscb.judgement_area) if programme.lscb else None
        narrative = self._narrative()
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
            fieldwork_starts=day(starts),
            fieldwork_ends=day(ends),
            fieldwork_start_date=starts,
            fieldwork_end_date=ends,
            chair=chair.name if chair is not None else None,
            inspectorates=listing([INSPECTORATES[i] for i in self.inspectorates]),
            inspectorate_count=len(self.inspectorates),
            taking_part=list(self.inspectorates),
            agencies=listing([AGENCIES[a] for a in self.agencies]),
            has_lscb=programme.lscb is not None,
            lscb_area_title=lscb_area.title if lscb_area else "",
            notice=self._notice(),
            sections=self.sections(),
            shared=self._judgements_of(Agency.PARTNERSHIP),
            graded=self._graded(),
            narrative=narrative,
            by_inspectorate=self._by_inspectorate(narrative),
            lscb=self._lscb(),
            evidence=self._evidence(),
        )

    def _notice(self) -> Notice | None:
        notifications = [e for e in self.events if isinstance(e, NotificationRecorded)]
        first = next((n for n in notifications if n.recipient is not Recipient.AGENCY_SENIOR_LEADER), None)
        if first is None:
            return None
        leaders = [AGENCIES[n.agency] for n in notifications if n.agency is not None]
        who = "the chair" if first.recipient is Recipient.LSCB_CHAIR else "the business manager"
        return Notice(day=day(date_in_england(first.notified_at)), who=who, leaders=listing(leaders))

    def findings(self) -> list[Finding]:
        result = []
        for event in self.events:
            if not isinstance(event, FindingRecorded):
                continue
            cited = [self.items[i] for i in event.evidence_item_ids if i in self.items]
            result.append(
                Finding(
                    kind=event.kind,
                    name=FINDING_NAMES[event.kind],
                    text=self.clean(event.text),
                    addressed_to=event.addressed_to,
                    addressee=AGENCIES[event.addressed_to],
                    support=support(event.evidence_item_ids, self.items),
                    deep_dive=any(i.judgement_area == DEEP_DIVE_AREA for i in cited),
                )
            )
        return result

    def sections(self) -> list[FindingSection]:
        """Key strengths and each kind of recommendation the programme makes, and any other kind of
        finding recorded, in that order; findings of one kind in the order they were recorded."""
        findings = self.findings()
        kinds = [FindingKind.KEY_STRENGTH]
        kinds += [RECOMMENDATIONS[r] for r in self.programme.judgements.recommendations]
        kinds += [k for k in FindingKind if k not in kinds and any(f.kind is k for f in findings)]
        ordered = [k for k in FindingKind if k in kinds]
        return [section(kind, [f for f in findings if f.kind is kind]) for kind in ordered]

    def _judgement(self, agency: Agency, area_id: str, depth: int) -> Judgement:
        area = self.programme.area(area_id)
        assert area is not None
        record = self.records.get((agency, area_id))
        final = record.final if record is not None else None
        derived = [
            a
            for a in (self.programme.area(d) for d in area.derived_from)
            if a is not None and agency in a.graded_for
        ]
        return Judgement(
            agency=agency,
            area_id=area_id,
            title=area.title,
            depth=depth,
            final=final is not None,
            grade=grade_words(final.grade) if final is not None and final.grade is not None else "",
            text=self.clean(final.text) if final is not None else "",
            support=support(final.evidence_item_ids, self.items) if final is not None else "",
            cumulative_from=series([lower_first(a.title) for a in derived]),
        )

    def _judgements_of(self, agency: Agency) -> list[Judgement]:
        """The agency's graded judgements in the programme's order, sub-judgements under their parent."""
        areas = [a for a in self.programme.judgement_areas if agency in a.graded_for]
        shown = {a.id for a in areas}
        result = []
        for area in areas:
            depth, parent = 0, area.part_of
            while parent is not None and parent in shown:
                depth += 1
                above = self.programme.area(parent)
                parent = above.part_of if above is not None else None
            result.append(self._judgement(agency, area.id, depth))
        return result

    def _graded(self) -> list[AgencyJudgements]:
        graded = {a for area in self.programme.judgement_areas for a in area.graded_for}
        return [
            AgencyJudgements(
                agency=agency,
                name=AGENCIES[agency],
                inspectorate=INSPECTORATES[self.inspected_by[agency]],
                judgements=self._judgements_of(agency),
                pending=0,
            )
            for agency in self._inspected()
            if agency in graded
        ]

    def _inspected(self) -> list[Agency]:
        """The agencies inspected, in the programme's order, then any the programme does not list."""
        listed = [r.agency for r in self.programme.agencies]
        return [a for a in listed if a in self.agencies] + [a for a in self.agencies if a not in listed]

    def _narrative(self) -> list[AgencyJudgements]:
        result = []
        for agency in self._inspected():
            if agency not in self.programme.judgements.narrative_for:
                continue
            made = [
                (area, self.records[(agency, area.id)])
                for area in self.programme.judgement_areas
                if (agency, area.id) in self.records
            ]
            result.append(
                AgencyJudgements(
                    agency=agency,
                    name=AGENCIES[agency],
                    inspectorate=INSPECTORATES[self.inspected_by[agency]],
                    judgements=[self._judgement(agency, area.id, 0) for area, r in made if r.final],
                    pending=sum(1 for _, r in made if r.final is None),
                )
            )
        return result

    def _by_inspectorate(self, narrative: list[AgencyJudgements]) -> list[InspectorateSection]:
        order = [i for i in Inspectorate if i in self.inspectorates]
        sections = []
        for inspectorate in order:
            name = INSPECTORATES[inspectorate]
            agencies = [a for a in narrative if a.inspectorate == name]
            if agencies:
                sections.append(InspectorateSection(inspectorate=name, agencies=agencies))
        return sections

    def _contribution(self, event: LscbFindingContributed) -> Contribution:
        return Contribution(
            bearing=BEARINGS[event.bearing],
            text=self.clean(event.text),
            attributed_to=AGENCIES[event.attributed_to],
            inspectorate=INSPECTORATES[event.inspectorate],
            support=support(event.evidence_item_ids, self.items),
        )

    def _lscb(self) -> Lscb:
        events = self.events
        final = next((e for e in events if isinstance(e, LscbJudgementFinalised)), None)
        legacy = [e for e in events if isinstance(e, LscbEvaluationRecorded)]
        proposed = any(isinstance(e, LscbJudgementProposed) for e in events)
        graded = self.programme.lscb is not None and self.programme.lscb.evaluation == "graded"
        state, grade, text, agreed = "none", "", "", ""
        cited: list[str] = []
        if final is not None:
            state, text, cited = "final", final.text, list(final.evidence_item_ids)
            grade = grade_words(final.grade) if final.grade is not None else ""
            agreed = listing([INSPECTORATES[i] for i in final.signed_off_by])
        elif legacy:
            state, text, cited = "legacy", legacy[-1].summary, list(legacy[-1].evidence_item_ids)
        elif proposed:
            state = "proposed"
        contributed = [e for e in events if isinstance(e, LscbFindingContributed)]
        board_criteria = [c for c in self.programme.criteria if c.agency is Agency.LSCB]
        known = {c.id for c in board_criteria}
        criteria = [
            CriterionFindings(
                criterion_id=c.id,
                label=criterion_label(c.id),
                text=c.text,
                contributions=[self._contribution(e) for e in contributed if e.criterion == c.id],
            )
            for c in board_criteria
        ]
        return Lscb(
            state=state,
            graded=graded,
            grade=grade,
            text=self.clean(text),
            support=support(cited, self.items) if state in ("final", "legacy") else "",
            agreed_by=agreed,
            criteria=[c for c in criteria if c.contributions],
            uncovered=[c.label for c in criteria if not c.contributions],
            other=[self._contribution(e) for e in contributed if e.criterion not in known],
        )

    def _evidence(self) -> Evidence:
        items = self.items.values()
        bearings = Counter(i.bearing for i in items)
        by_inspectorate = Counter(i.inspectorate for i in items)
        return Evidence(
            total=len(self.items),
            strengths=bearings[Bearing.STRENGTH],
            weaknesses=bearings[Bearing.WEAKNESS],
            improvements=bearings[Bearing.AREA_FOR_IMPROVEMENT],
            cases=len({i.case_reference for i in items if i.case_reference}),
            rows=[(capital(INSPECTORATES[i]), by_inspectorate[i]) for i in self.scheduled.inspectorates],
            all_rows=[(capital(INSPECTORATES[i]), by_inspectorate[i]) for i in self.inspectorates],
        )


def criterion_label(criterion_id: str) -> str:
    """ "115a" as the seeds cite it: "115 a"."""
    return f"{criterion_id[:-1]} {criterion_id[-1]}"


def section(kind: FindingKind, findings: list[Finding]) -> FindingSection:
    order = [Agency.PARTNERSHIP, *(a for a in Agency if a is not Agency.PARTNERSHIP)]
    groups = [
        FindingGroup(
            addressed_to=a, addressee=AGENCIES[a], findings=[f for f in findings if f.addressed_to is a]
        )
        for a in order
    ]
    return FindingSection(
        kind=kind,
        heading=FINDING_HEADINGS[kind],
        findings=findings,
        by_addressee=[g for g in groups if g.findings],
    )


def build(events: Sequence[Event]) -> Report:
    """The document's model; a ValueError if the events hold no InspectionScheduled."""
    return _Builder(events).report()


# The overview of a round (001 Proposal four).


@dataclass(frozen=True)
class AreaLessons:
    """One inspected area in the overview: its strengths, and its lessons."""

    area: str
    inspection_id: str
    fieldwork_starts: str
    fieldwork_ends: str
    strengths: list[Finding]
    priority_actions: list[Finding]
    developments: list[Finding]
    lscb: str  # the board's final evaluation, as agreed; "" if none yet


@dataclass(frozen=True)
class Lesson:
    area: str
    finding: Finding


@dataclass(frozen=True)
class AddresseeFindings:
    """The round's findings addressed to one agency or the partnership, by kind."""

    addressee: str
    sections: list[tuple[str, list[Lesson]]]  # ("Key strengths", …), only kinds with findings


@dataclass(frozen=True)
class Overview:
    round_id: str
    programme_title: str
    theme: str
    inspectorates: str
    first_day: str
    last_day: str
    last_date: date | None
    areas: list[AreaLessons]
    deep_dive: list[Lesson]  # lessons (recommendations) that stand on deep-dive evidence
    by_addressee: list[AddresseeFindings]
    counts: dict[str, int]  # findings across the round, by kind heading


def overview(round_id: str, theme_title: str | None, inspections: Sequence[Sequence[Event]]) -> Overview:
    """The overview report of a round of inspections sharing a deep-dive theme. A ValueError if an
    inspection has no InspectionScheduled, belongs to another round, runs under a programme that makes
    no overview per round, or has another theme."""
    built = []
    for events in inspections:
        builder = _Builder(events)
        scheduled, programme = builder.scheduled, builder.programme
        if not programme.report.overview_per_round:
            raise ValueError(
                f"inspection {scheduled.inspection_id} runs under {programme.id}, which makes no overview "
                f"report per round ({programme.report.source})"
            )
        if scheduled.round_id is not None and scheduled.round_id != round_id:
            raise ValueError(
                f"inspection {scheduled.inspection_id} belongs to round {scheduled.round_id}, not {round_id}"
            )
        built.append((builder.report(), builder.findings()))
    themes = sorted({r.theme_id or "" for r, _ in built})
    if len(themes) > 1:
        raise ValueError(f"the inspections of one overview share a deep-dive theme, not {', '.join(themes)}")
    built.sort(key=lambda b: (b[0].fieldwork_start_date, b[0].area, b[0].inspection_id))
    reports = [r for r, _ in built]
    taking_part = {i for r in reports for i in r.taking_part}
    inspectorates = [INSPECTORATES[i] for i in Inspectorate if i in taking_part]

    def of(findings: list[Finding], kind: FindingKind) -> list[Finding]:
        return [f for f in findings if f.kind is kind]

    areas = [
        AreaLessons(
            area=r.area,
            inspection_id=r.inspection_id,
            fieldwork_starts=r.fieldwork_starts,
            fieldwork_ends=r.fieldwork_ends,
            strengths=of(findings, FindingKind.KEY_STRENGTH),
            priority_actions=of(findings, FindingKind.AREA_FOR_PRIORITY_ACTION),
            developments=of(findings, FindingKind.AREA_FOR_DEVELOPMENT),
            lscb=r.lscb.text if r.lscb.state in ("final", "legacy") else "",
        )
        for r, findings in built
    ]
    lessons = [Lesson(r.area, f) for r, findings in built for f in findings]
    deep_dive = [
        lesson
        for lesson in lessons
        if lesson.finding.deep_dive and lesson.finding.kind is not FindingKind.KEY_STRENGTH
    ]
    order = [Agency.PARTNERSHIP, *(a for a in Agency if a is not Agency.PARTNERSHIP)]
    by_addressee = []
    for agency in order:
        mine = [lesson for lesson in lessons if lesson.finding.addressed_to is agency]
        kinds = [
            (FINDING_HEADINGS[k], [lesson for lesson in mine if lesson.finding.kind is k])
            for k in FindingKind
        ]
        kinds = [(heading, found) for heading, found in kinds if found]
        if kinds:
            by_addressee.append(AddresseeFindings(addressee=AGENCIES[agency], sections=kinds))
    counts = {
        FINDING_HEADINGS[k]: sum(1 for lesson in lessons if lesson.finding.kind is k) for k in FindingKind
    }
    title = theme_title or (reports[0].theme if reports else "")
    return Overview(
        round_id=round_id,
        programme_title=reports[0].programme_title if reports else "Joint targeted area inspection",
        theme=title,
        inspectorates=listing(inspectorates),
        first_day=day(min(r.fieldwork_start_date for r in reports)) if reports else "",
        last_day=day(max(r.fieldwork_end_date for r in reports)) if reports else "",
        last_date=max(r.fieldwork_end_date for r in reports) if reports else None,
        areas=areas,
        deep_dive=deep_dive,
        by_addressee=by_addressee,
        counts=counts,
    )
